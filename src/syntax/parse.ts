// Parses policy text into an AST and reports every syntax error in one run. After an error inside
// a declaration, the broken member is blanked with spaces (offsets stay put) and the declaration
// is parsed again, so several errors in one declaration are all found; an error the blanking
// cannot isolate (a declaration's header, unbalanced brackets) skips to the next declaration.
import type { Decl, Policy } from "./ast.ts";
import { SYNTAX_CODES, SYNTAX_MESSAGES } from "./codes.ts";
import { Session, type Diagnostic } from "./diagnostic.ts";
import { checkNesting, checkSize, decodePolicy, normalizeLineBreaks } from "./decode.ts";
import { parse as generatedParse } from "./parser.generated.js";
import { blank, brokenMember, nextDeclaration } from "./recovery.ts";
import type { Span } from "./span.ts";
import { describeSyntaxError, type Expected } from "./syntax-messages.ts";

export interface ParseResult {
  /** The policy, or null when there were syntax errors (see `partial`). */
  policy: Policy | null;
  source: string;
  diagnostics: Diagnostic[];
  /**
   * With syntax errors: the declarations that parsed (those with broken members blanked out),
   * for checks that are safe on part of a policy; `broken` are the spans of the declarations
   * that had errors, `skipped` whether any declaration was left out altogether.
   */
  partial?: { policy: Policy; broken: Span[]; skipped: boolean };
}

const MAX_SYNTAX_ERRORS = 25;

/** What the generated parser returns in library mode (it then neither throws nor checks the end). */
interface LibraryResult {
  peg$result: Policy;
  peg$currPos: number;
  peg$maxFailPos: number;
  peg$maxFailExpected: Expected[];
  peg$success: boolean;
}

const parseFrom = generatedParse as unknown as (input: string, options: object) => LibraryResult;

export function parsePolicyBytes(bytes: Uint8Array, file: string): ParseResult {
  const session = new Session(SYNTAX_CODES);
  const { text, shown } = decodePolicy(bytes, file, session);
  if (text === null) return { policy: null, source: shown, diagnostics: session.diagnostics };
  return parsePolicy(text, file);
}

/** `source` in the result is `text` with lone CRs as LF (see normalizeLineBreaks); offsets are the same. */
export function parsePolicy(raw: string, file: string): ParseResult {
  const session = new Session(SYNTAX_CODES);
  const text = normalizeLineBreaks(raw);
  if (!checkSize(text.length, file, session) || !checkNesting(text, file, session))
    return { policy: null, source: text, diagnostics: session.diagnostics };
  const run = new RecoveringParse(text, file, session);
  try {
    run.parse();
  } catch (e) {
    if (!(e instanceof RangeError)) throw e;
    // The stack ran out despite checkNesting: still a diagnostic, never a crash.
    session.emit(
      "SY1005",
      SYNTAX_MESSAGES.SY1005.stackExhausted(),
      { file, span: { start: run.position, end: run.position }, message: "" },
      {
        help: "simplify deeply nested conditions, lists or blocks",
      },
    );
    return { policy: null, source: text, diagnostics: session.diagnostics };
  }
  const policy: Policy = {
    kind: "policy",
    file,
    items: run.items,
    comments: dedupeComments(run.comments),
    span: { start: 0, end: text.length },
  };
  if (!session.hasErrors) return { policy, source: text, diagnostics: [] };
  return {
    policy: null,
    source: text,
    diagnostics: session.diagnostics,
    partial: { policy, broken: run.broken, skipped: run.skipped },
  };
}

/**
 * One parse of a file with recovery. Each round parses from `position` (the first declaration
 * not yet taken) in the generated parser's library mode, which returns the declarations read
 * before a failure and where it failed; the text before `position` is never read again.
 */
class RecoveringParse {
  readonly items: Decl[] = [];
  readonly comments: Policy["comments"] = [];
  readonly broken: Span[] = [];
  skipped = false;
  position = 0;
  private work: string;
  private lastError = -1;

  constructor(
    private readonly text: string,
    private readonly file: string,
    private readonly session: Session,
  ) {
    this.work = text;
  }

  parse(): void {
    for (let round = 0; round < 4 * MAX_SYNTAX_ERRORS; round++) {
      const r = parseFrom(this.work, { grammarSource: this.file, peg$library: true, peg$currPos: this.position });
      this.comments.push(...r.peg$result.comments);
      this.take(r.peg$result.items);
      if (r.peg$success) return;
      const declStart = r.peg$currPos; // Policy stopped before the declaration that failed
      this.position = declStart;
      if (!this.recover(r, declStart)) return;
    }
  }

  /** Keeps the declarations that parsed, marking the ones that needed blanking as broken. */
  private take(items: Decl[]): void {
    for (const item of items) {
      this.items.push(item);
      if (this.brokenStarts.has(item.span.start)) this.broken.push(item.span);
    }
  }

  private readonly brokenStarts = new Set<number>();

  /** Reports the error and prepares the next round; false when there is nothing left to parse. */
  private recover(r: LibraryResult, declStart: number): boolean {
    const offset = r.peg$maxFailPos;
    const expected = r.peg$currPos === offset ? [...r.peg$maxFailExpected, { type: "end" }] : r.peg$maxFailExpected;
    const atTopLevel =
      offset === declStart &&
      !/^(provider|model|route|defaults|gateway|key|team)\b/.test(this.work.slice(offset, offset + 9));
    if (offset <= this.lastError) return this.skipDeclaration(declStart, offset); // blanking did not help: give up on it
    const problem = describeSyntaxError(this.work, this.file, offset, expected, {
      declStart: atTopLevel ? null : declStart,
    });
    if (this.session.diagnostics.length >= MAX_SYNTAX_ERRORS) return false;
    this.session.report(problem.diagnostic);
    this.lastError = offset;
    const member = atTopLevel ? null : (problem.blank ?? brokenMember(this.work, declStart, offset));
    if (member === null) return this.skipDeclaration(declStart, offset);
    this.work = blank(this.work, member.start, member.end);
    this.brokenStarts.add(declStart);
    return true;
  }

  private skipDeclaration(declStart: number, offset: number): boolean {
    const next = nextDeclaration(this.work, Math.max(declStart, offset));
    this.skipped = true;
    this.broken.push({ start: declStart, end: next });
    if (next <= this.position || next >= this.work.length) return false;
    this.position = next;
    return true;
  }
}

/** Comments by position, each once (a comment read again after backtracking is pushed twice). */
export function dedupeComments(comments: Policy["comments"]): Policy["comments"] {
  const seen = new Map<number, Policy["comments"][number]>();
  for (const c of comments) seen.set(c.span.start, c);
  return [...seen.values()].sort((a, b) => a.span.start - b.span.start);
}
