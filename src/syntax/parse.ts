// Parses policy text into an AST, recovering after a syntax error by skipping the broken
// declaration and parsing on, so one run reports every broken declaration (Peggy-style session).
import type { Policy } from "./ast.ts";
import { Session, type Diagnostic } from "./diagnostic.ts";
import { checkNesting, checkSize, decodePolicy, normalizeLineBreaks } from "./decode.ts";
import { parse as generatedParse } from "./parser.generated.js";

export interface ParseResult {
  policy: Policy | null;
  source: string;
  diagnostics: Diagnostic[];
}

const MAX_SYNTAX_ERRORS = 25;
const DECL_START = /^(provider|model|route|defaults|gateway)\b/;

interface PeggyError {
  location: { start: { offset: number } };
  expected: { type: string; text?: string; description?: string }[] | null;
}

export function parsePolicyBytes(bytes: Uint8Array, file: string): ParseResult {
  const session = new Session();
  const { text, shown } = decodePolicy(bytes, file, session);
  if (text === null) return { policy: null, source: shown, diagnostics: session.diagnostics };
  return parsePolicy(text, file);
}

/** `source` in the result is `text` with lone CRs as LF (see normalizeLineBreaks); offsets are the same. */
export function parsePolicy(raw: string, file: string): ParseResult {
  const session = new Session();
  const text = normalizeLineBreaks(raw);
  if (!checkSize(text.length, file, session) || !checkNesting(text, file, session)) return { policy: null, source: text, diagnostics: session.diagnostics };
  // After an error, only the text after the broken declaration is parsed again: the part before
  // it already parsed, and re-reading a 4 MB prefix for each of 25 errors would take a minute.
  let base = 0;
  for (let round = 0; round <= MAX_SYNTAX_ERRORS; round++) {
    try {
      const policy = generatedParse(base === 0 ? text : text.slice(base), { grammarSource: file }) as Policy;
      if (session.hasErrors) return { policy: null, source: text, diagnostics: session.diagnostics };
      policy.comments = dedupeComments(policy.comments);
      return { policy, source: text, diagnostics: [] };
    } catch (e) {
      if (e instanceof RangeError) {
        // The stack ran out despite checkNesting: still a diagnostic, never a crash.
        session.error("SY1005", "policy nests too deeply to parse", { file, span: { start: base, end: base }, message: "" }, {
          help: "simplify deeply nested conditions, lists or blocks",
        });
        break;
      }
      if (!isPeggyError(e)) throw e;
      const offset = base + e.location.start.offset;
      session.report(syntaxDiagnostic(text, file, offset, e.expected ?? []));
      const next = nextDeclaration(text, offset);
      if (next <= base || next >= text.length) break;
      base = next;
    }
  }
  return { policy: null, source: text, diagnostics: session.diagnostics };
}

function isPeggyError(e: unknown): e is PeggyError {
  return typeof e === "object" && e !== null && "location" in e && "expected" in e;
}

function syntaxDiagnostic(text: string, file: string, offset: number, expected: PeggyError["expected"] & {}): Diagnostic {
  const found = tokenAt(text, offset);
  const wanted = describeExpected(expected ?? []);
  const unterminated = unterminatedString(text, offset);
  if (unterminated !== null) {
    return {
      code: "SY1006", severity: "error", message: "unterminated string",
      primary: { file, span: { start: unterminated, end: lineEnd(text, unterminated) }, message: "this string is never closed" },
      secondary: [], notes: [], help: 'close it with `"` on the same line',
    };
  }
  const opener = found === null ? unclosedOpener(text) : null;
  return {
    code: "SY1001",
    severity: "error",
    message: found === null ? `unexpected end of file` : `unexpected ${quote(found)}`,
    primary: { file, span: { start: offset, end: offset + (found?.length ?? 0) }, message: "" },
    secondary: opener === null ? [] : [{ file, span: { start: opener, end: opener + 1 }, message: `this \`${text[opener]}\` is never closed` }],
    notes: [],
    help: wanted ? `expected ${wanted} here` : null,
  };
}

/** Literal kinds that together mean "any value"; listing all of them buries the useful part. */
const VALUE_WORDS = ["`[`", "`{`", "`true`", "`false`", "identifier", "number", "string"];

function describeExpected(expected: { type: string; text?: string; description?: string }[]): string {
  const names = new Set<string>();
  for (const e of expected) {
    if (e.type === "literal") names.add(`\`${e.text}\``);
    else if (e.type === "end") names.add("end of file");
    else if (e.type === "other" && e.description !== "whitespace") names.add(e.description ?? "");
  }
  if (VALUE_WORDS.every((w) => names.has(w))) {
    for (const n of [...names]) if (VALUE_WORDS.includes(n) || /^(amount|duration|percentage|rate|size|status class)/.test(n)) names.delete(n);
    names.add("a value (number, string, duration, list, block, …)");
  }
  const list = [...names].filter(Boolean).sort();
  if (list.length <= 1) return list[0] ?? "";
  return `${list.slice(0, -1).join(", ")} or ${list[list.length - 1]}`;
}

function tokenAt(text: string, offset: number): string | null {
  if (offset >= text.length) return null;
  const m = /^(?:[A-Za-z0-9_$.%-]+|\S)/.exec(text.slice(offset, offset + 64));
  return m ? m[0] : text[offset] === "\n" ? "\\n" : text[offset];
}

function quote(token: string): string {
  return token === "\\n" ? "end of line" : `\`${token}\``;
}

/** Offset of an opening quote on the error's line that is never closed, if the error is inside it. */
function unterminatedString(text: string, offset: number): number | null {
  const lineStart = text.lastIndexOf("\n", offset - 1) + 1;
  let open: number | null = null;
  for (let i = lineStart; i < offset; i++) {
    const c = text[i];
    if (open === null && c === "#") return null;
    if (c === "\\" && open !== null) i++;
    else if (c === '"') open = open === null ? i : null;
  }
  const atLineEnd = offset >= text.length || text[offset] === "\n" || text[offset] === "\r";
  if (open !== null && atLineEnd) return open;
  // A named rule reports a failed string at its opening quote: is that quote closed on its line?
  if (open === null && text[offset] === '"') {
    for (let i = offset + 1; i < text.length && text[i] !== "\n"; i++) {
      if (text[i] === "\\") i++;
      else if (text[i] === '"') return null;
    }
    return offset;
  }
  return null;
}

function unclosedOpener(text: string): number | null {
  const stack: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === "#") while (i < text.length && text[i] !== "\n") i++;
    else if (c === '"') for (i++; i < text.length && text[i] !== '"' && text[i] !== "\n"; i++) { if (text[i] === "\\") i++; }
    else if (c === "{" || c === "[" || c === "(") stack.push(i);
    else if (c === "}" || c === "]" || c === ")") stack.pop();
  }
  return stack.length ? stack[stack.length - 1] : null;
}

/** Start of the first line after `offset`'s line that begins a declaration (text.length if none). */
function nextDeclaration(text: string, offset: number): number {
  let line = text.indexOf("\n", offset);
  while (line >= 0) {
    const start = line + 1;
    if (DECL_START.test(text.slice(start, start + 9))) return start;
    line = text.indexOf("\n", start);
  }
  return text.length;
}

function lineEnd(text: string, offset: number): number {
  const nl = text.indexOf("\n", offset);
  return nl < 0 ? text.length : nl;
}

function dedupeComments(comments: Policy["comments"]): Policy["comments"] {
  const seen = new Map<number, Policy["comments"][number]>();
  for (const c of comments) seen.set(c.span.start, c);
  return [...seen.values()].sort((a, b) => a.span.start - b.span.start);
}
