// Incremental parsing for the language server: a policy is a row of segments (one declaration with
// the layout around it, the grammar's `Segment` rule), each parsed by the generated parser where it
// starts. After an edit, the segments before the change and those wholly after it are taken from
// the previous parse (the latter with their spans shifted); only the segments the edit touched are
// parsed again. The result is the same AST `parsePolicy` builds; any text the segments cannot
// parse (a syntax error, a file without declarations) goes to `parsePolicy` itself, so syntax
// diagnostics and recovery have one implementation.
import type { Decl, Policy } from "./ast.ts";
import { SYNTAX_CODES } from "./codes.ts";
import { checkNesting, checkSize, normalizeLineBreaks } from "./decode.ts";
import { Session } from "./diagnostic.ts";
import { dedupeComments, parsePolicy, type ParseResult } from "./parse.ts";
import { parse as generatedParse } from "./parser.generated.js";
import { shiftSpans } from "./span.ts";

type Comment = Policy["comments"][number];

/** One declaration and the layout after it (and, first in a file, before it): text [from, to). */
interface Segment {
  from: number;
  to: number;
  decl: Decl;
  comments: Comment[];
}

/** What the next edit reuses: the last text that parsed, cut into segments. */
export interface ParseCache {
  readonly file: string;
  readonly text: string;
  readonly segments: readonly Segment[];
}

/** Library mode's answer: `peg$result` is the parser's private failure marker when the rule did not match. */
interface SegmentResult {
  peg$result: Partial<Pick<Segment, "decl" | "comments">>;
  peg$currPos: number;
}
const parseSegmentAt = generatedParse as unknown as (input: string, options: object) => SegmentResult;

/**
 * Parses `raw` as `parsePolicy(raw, file)` would, reusing what it can of `cache` (from the previous
 * call). Returns the cache for the next call: the new one when the text parsed, else the old one,
 * so an edit that breaks the syntax and the edit that repairs it are both diffed against the last
 * text that parsed.
 */
export function parseIncrementally(
  raw: string,
  file: string,
  cache: ParseCache | null,
): { parsed: ParseResult; cache: ParseCache | null } {
  const text = normalizeLineBreaks(raw);
  const usable = cache !== null && cache.file === file ? cache : null;
  const segments =
    usable !== null && checkSize(text.length, file, new Session(SYNTAX_CODES)) ? segmentsOf(text, file, usable) : null;
  if (segments === null) {
    const parsed = parsePolicy(raw, file);
    return { parsed, cache: parsed.policy === null ? usable : cacheOf(parsed.policy, text) };
  }
  const comments = segments.flatMap((s) => s.comments);
  const policy: Policy = {
    kind: "policy",
    file,
    items: segments.map((s) => s.decl),
    comments: comments.length > 0 ? dedupeComments(comments) : [],
    span: { start: 0, end: text.length },
  };
  return { parsed: { policy, source: text, diagnostics: [] }, cache: { file, text, segments } };
}

/** The segments of a whole parse: each declaration runs to the next one's start (the first from 0). */
function cacheOf(policy: Policy, text: string): ParseCache {
  const { items, comments } = policy;
  let c = 0;
  const segments = items.map((decl, i): Segment => {
    const from = i === 0 ? 0 : decl.span.start;
    const to = i + 1 < items.length ? items[i + 1].span.start : text.length;
    const own: Comment[] = [];
    while (c < comments.length && comments[c].span.start < to) own.push(comments[c++]);
    return { from, to, decl, comments: own };
  });
  return { file: policy.file, text, segments };
}

/** The segments of `text`, or null when some part of it is not a row of declarations. */
function segmentsOf(text: string, file: string, cache: ParseCache): Segment[] | null {
  const { segments: old, text: oldText } = cache;
  if (oldText === text) return [...old];
  const prefix = commonPrefix(oldText, text);
  const suffix = commonSuffix(oldText, text, prefix);
  // Each segment parsed costs a parser call: a change to most of the text is cheaper parsed whole.
  if (text.length - suffix - prefix > text.length / 2) return null;
  const delta = text.length - oldText.length;
  const out: Segment[] = [];
  // A segment's parse reads its own text and the first character after it (where the layout ends).
  while (out.length < old.length && old[out.length].to < prefix) out.push(old[out.length]);
  let pos = out.length > 0 ? out[out.length - 1].to : 0;
  let next = out.length; // the first old segment that may start at or after `pos - delta`
  while (pos < text.length) {
    if (pos >= text.length - suffix) {
      // From here on the text is the old text shifted by `delta`: reuse the old segment starting here.
      while (next < old.length && old[next].from < pos - delta) next++;
      if (next < old.length && old[next].from === pos - delta) {
        for (const s of old.slice(next)) out.push(delta === 0 ? s : shiftedSegment(s, delta));
        return out;
      }
    }
    const segment = parseSegment(text, file, pos);
    if (segment === null) return null;
    out.push(segment);
    pos = segment.to;
  }
  return out.length > 0 ? out : null;
}

/**
 * The segment starting at `pos`, or null when none parses there or it nests too deeply. Brackets
 * balance within a declaration that parsed, so checkNesting on the segment alone finds what it
 * would find in the whole text; a text it refuses goes to parsePolicy, which reports it.
 */
function parseSegment(text: string, file: string, pos: number): Segment | null {
  let r: SegmentResult;
  try {
    r = parseSegmentAt(text, { grammarSource: file, peg$library: true, peg$currPos: pos, startRule: "Segment" });
  } catch (e) {
    if (e instanceof RangeError) return null; // out of stack: parsePolicy says so as a diagnostic
    throw e;
  }
  const { decl, comments } = r.peg$result;
  if (decl === undefined || comments === undefined || r.peg$currPos <= pos) return null;
  if (!checkNesting(text.slice(pos, r.peg$currPos), file, new Session(SYNTAX_CODES))) return null;
  return { from: pos, to: r.peg$currPos, decl, comments };
}

function commonPrefix(a: string, b: string): number {
  const max = Math.min(a.length, b.length);
  let i = 0;
  while (i < max && a.charCodeAt(i) === b.charCodeAt(i)) i++;
  return i;
}

/** The common suffix, not reaching into the common prefix of either string. */
function commonSuffix(a: string, b: string, prefix: number): number {
  const max = Math.min(a.length, b.length) - prefix;
  let i = 0;
  while (i < max && a.charCodeAt(a.length - 1 - i) === b.charCodeAt(b.length - 1 - i)) i++;
  return i;
}

function shiftedSegment(s: Segment, delta: number): Segment {
  return {
    from: s.from + delta,
    to: s.to + delta,
    decl: shiftSpans(s.decl, delta),
    comments: shiftSpans(s.comments, delta),
  };
}
