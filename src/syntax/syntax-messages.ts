// Turns a failed parse (an offset and Peggy's expected set) into the diagnostic a person can act
// on: a wrong unit at the value with the valid ones, a route inside a model list, an unterminated
// string, or "unexpected X" with only what is valid at that place. Reads the text, not the grammar.
import type { Diagnostic } from "./diagnostic.ts";
import { SYNTAX_MESSAGES, syntaxDiagnostic as make } from "./codes.ts";
import { lineEnd, openersAt } from "./recovery.ts";
import type { Span } from "./span.ts";
import { wrongUnit } from "./unit-messages.ts";

export interface Expected {
  type: string;
  text?: string;
  description?: string;
}

/** What the parser knows about the place of the error: the declaration it is in, if any. */
export interface ErrorPlace {
  declStart: number | null;
}

export interface SyntaxProblem {
  diagnostic: Diagnostic;
  /** A narrower span to blank than the whole member (the bad unit only), when known. */
  blank?: Span;
}

export function describeSyntaxError(
  text: string,
  file: string,
  offset: number,
  expected: readonly Expected[],
  place: ErrorPlace,
): SyntaxProblem {
  const unterminated = unterminatedString(text, offset);
  if (unterminated !== null) {
    return {
      diagnostic: make("SY1006", {
        file,
        span: { start: unterminated, end: lineEnd(text, unterminated) },
        message: "this string is never closed",
      }),
    };
  }
  const found = tokenAt(text, offset);
  const valueHere = expected.some((e) => e.description === "number");
  const unit =
    place.declStart === null ? null : wrongUnit(text, file, place.declStart, offset, valueHere ? found : null);
  if (unit !== null) return unit;
  const routeInList =
    found !== null && place.declStart !== null ? routeInModelList(text, file, place.declStart, offset, found) : null;
  if (routeInList !== null) return { diagnostic: routeInList };
  const wanted = describeExpected(onlyValidHere(text, expected, place, offset));
  const opener =
    found === null
      ? unclosedOpener(text)
      : place.declStart === null
        ? null
        : mismatchedOpener(text, place.declStart, offset, found);
  const diagnostic = make(
    "SY1001",
    { file, span: { start: offset, end: offset + (found?.length ?? 0) }, message: "" },
    {
      message:
        found === null
          ? SYNTAX_MESSAGES.SY1001.unexpectedEnd()
          : SYNTAX_MESSAGES.SY1001.unexpected({ found: quote(found) }),
      secondary:
        opener === null
          ? []
          : [{ file, span: { start: opener, end: opener + 1 }, message: `this \`${text[opener]}\` is never closed` }],
      help: wanted ? `expected ${wanted} here` : undefined,
    },
  );
  return { diagnostic };
}

// ---- routes in a model list -------------------------------------------------------------------

const UNIT_WORD = /^(?:[A-Za-z_][A-Za-z0-9_]*)$/;

/** `[down, route inner]`: a list of models cannot hold a route. */
function routeInModelList(
  text: string,
  file: string,
  declStart: number,
  offset: number,
  found: string,
): Diagnostic | null {
  const before = /\broute[ \t]+$/.exec(text.slice(Math.max(declStart, offset - 64), offset));
  if (before === null || !UNIT_WORD.test(found.replace(/[.-]/g, "_"))) return null;
  const open = openersAt(text, declStart, offset);
  if (open[open.length - 1]?.char !== "[") return null;
  const start = offset - before[0].length;
  return make(
    "SY1001",
    { file, span: { start, end: offset + found.length }, message: "a route in a list of models" },
    {
      message: SYNTAX_MESSAGES.SY1001.routeInModelList({ route: found }),
      help: `a route is a target of its own: write \`-> route ${found}\`, or pick between them per request with \`split [[…] 50%, route ${found} 50%]\``,
    },
  );
}

// ---- what is valid here -----------------------------------------------------------------------

/** Rules (`when`, `otherwise`) are only valid directly in a route's body: drop them elsewhere. */
function onlyValidHere(
  text: string,
  expected: readonly Expected[],
  place: ErrorPlace,
  offset: number,
): readonly Expected[] {
  if (place.declStart === null) return expected;
  const open = openersAt(text, place.declStart, offset);
  const inRouteBody = open.length === 1 && open[0].char === "{" && text.startsWith("route", place.declStart);
  if (inRouteBody) return expected;
  return expected.filter((e) => !(e.type === "literal" && (e.text === "when" || e.text === "otherwise")));
}

/** Literal kinds that together mean "any value"; listing all of them buries the useful part. */
const VALUE_WORDS = ["`[`", "`{`", "`true`", "`false`", "identifier", "number", "string"];

export function describeExpected(expected: readonly Expected[]): string {
  const names = new Set<string>();
  for (const e of expected) {
    if (e.type === "literal") names.add(`\`${e.text}\``);
    else if (e.type === "end") names.add("end of file");
    else if (e.type === "other" && e.description !== "whitespace") names.add(e.description ?? "");
  }
  if (VALUE_WORDS.every((w) => names.has(w))) {
    for (const n of [...names]) if (VALUE_WORDS.includes(n)) names.delete(n);
    names.add("a value (number, string, duration, list, block, …)");
  }
  const list = [...names].filter(Boolean).sort();
  if (list.length <= 1) return list[0] ?? "";
  return `${list.slice(0, -1).join(", ")} or ${list[list.length - 1]}`;
}

// ---- tokens and strings -----------------------------------------------------------------------

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

/** The bracket a closer at `offset` leaves open (`[a, b }`), to label it. */
function mismatchedOpener(text: string, declStart: number, offset: number, found: string): number | null {
  const closes: Record<string, string> = { "}": "{", "]": "[", ")": "(" };
  if (!(found in closes)) return null;
  const open = openersAt(text, declStart, offset);
  const top = open[open.length - 1];
  return top !== undefined && top.char !== closes[found] ? top.at : null;
}

function unclosedOpener(text: string): number | null {
  const open = openersAt(text, 0, text.length);
  return open.length ? open[open.length - 1].at : null;
}
