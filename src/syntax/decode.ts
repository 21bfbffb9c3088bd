// Turns raw policy bytes into text, refusing what no parser should see: binary data, invalid
// UTF-8, absurd sizes, and bracket nesting deep enough to exhaust the parser's stack.
import { Session } from "./diagnostic.ts";
import { SYNTAX_MESSAGES } from "./codes.ts";

export const MAX_POLICY_BYTES = 4 * 1024 * 1024;
export const MAX_NESTING = 64;

export interface Decoded {
  /** The policy text, or null when the bytes were refused (see the session's diagnostics). */
  text: string | null;
  /** Text to show the refused bytes with (invalid sequences as U+FFFD); spans point into it. */
  shown: string;
}

export function decodePolicy(bytes: Uint8Array, file: string, session: Session): Decoded {
  if (!checkSize(bytes.length, file, session)) return { text: null, shown: "" };
  const nul = bytes.indexOf(0);
  if (nul >= 0) {
    const at = lossy(bytes.subarray(0, nul)).length;
    session.emit("SY1003", SYNTAX_MESSAGES.SY1003.nulByte(), label(file, at, at + 1), {
      help: "policies are UTF-8 text; check that the right file was given",
    });
    return { text: null, shown: lossy(bytes) };
  }
  try {
    const text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
    return { text, shown: text };
  } catch {
    const shown = lossy(bytes);
    const bad = Math.max(0, shown.indexOf("\uFFFD"));
    session.emit("SY1002", SYNTAX_MESSAGES.SY1002.notUtf8(), label(file, bad, bad + 1), {
      help: "save the file as UTF-8",
    });
    return { text: null, shown };
  }
}

/**
 * Lone CRs (classic Mac line endings) as LF. The grammar, comments, line numbers and every later
 * scan split lines on LF (a CRLF pair's CR is layout), so without this a CR-only file is one long
 * line and its first `#` comments out the rest: "no routes", exit 0. One character for one, so
 * every offset into the result is the same offset into the file.
 */
export function normalizeLineBreaks(text: string): string {
  return text.includes("\r") ? text.replace(/\r(?!\n)/g, "\n") : text;
}

function lossy(bytes: Uint8Array): string {
  return new TextDecoder("utf-8").decode(bytes);
}

/** Refuses policies over MAX_POLICY_BYTES (for text, its length in UTF-16 units stands in). */
export function checkSize(size: number, file: string, session: Session): boolean {
  if (size <= MAX_POLICY_BYTES) return true;
  session.emit("SY1004", SYNTAX_MESSAGES.SY1004.tooLarge({ megabytes: (size / 1e6).toFixed(1) }), label(file, 0, 0), {
    help: `split it into several files; the limit is ${MAX_POLICY_BYTES / 1024 / 1024} MiB per file`,
  });
  return false;
}

/**
 * Operators in one condition (`when … ->`): `not` nests one level each and `a and b and …` builds
 * a left-leaning tree, so without a bound a long chain overflows the parser's or checker's stack.
 */
export const MAX_CONDITION_OPERATORS = 256;

/**
 * Reports the first place where brackets nest deeper than MAX_NESTING, or a condition has more
 * than MAX_CONDITION_OPERATORS `and`/`or`/`not` (strings and comments skipped).
 */
export function checkNesting(text: string, file: string, session: Session): boolean {
  let depth = 0;
  let operators = -1; // -1: not inside a condition
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === HASH) {
      i = text.indexOf("\n", i);
      if (i < 0) break;
    } else if (c === QUOTE) {
      for (i++; i < n; i++) {
        const d = text.charCodeAt(i);
        if (d === QUOTE || d === NEWLINE) break;
        if (d === BACKSLASH) i++;
      }
    } else if (c === OPEN_BRACE || c === OPEN_BRACKET || c === OPEN_PAREN) {
      if (c === OPEN_BRACE) operators = -1;
      if (++depth > MAX_NESTING) {
        session.emit("SY1005", SYNTAX_MESSAGES.SY1005.bracketsTooDeep({ limit: MAX_NESTING }), label(file, i, i + 1), {
          help: "a policy never needs this much nesting; check for a missing closing bracket",
        });
        return false;
      }
    } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET || c === CLOSE_PAREN) {
      if (c === CLOSE_BRACE) operators = -1;
      if (depth > 0) depth--;
    } else if (c === DASH && text.charCodeAt(i + 1) === GREATER) {
      operators = -1;
    } else if (isWordStart(c)) {
      // A word starts here: the previous character was not a word character, or it would have
      // been consumed with its word (numbers included, so `5xx` is one word).
      let end = i + 1;
      while (end < n && isWordChar(text.charCodeAt(end))) end++;
      const len = end - i;
      if (len === 4 && text.startsWith("when", i)) operators = 0;
      else if (operators >= 0 && isOperator(text, i, len) && ++operators > MAX_CONDITION_OPERATORS) {
        session.emit(
          "SY1005",
          SYNTAX_MESSAGES.SY1005.tooManyOperators({ limit: MAX_CONDITION_OPERATORS }),
          label(file, i, end),
          {
            help: "split it into several rules, or match on a header or metadata value instead",
          },
        );
        return false;
      }
      i = end - 1;
    } else if (isWordChar(c)) {
      // digits: skip the rest of the word so a letter after them is not taken for a word start
      while (i + 1 < n && isWordChar(text.charCodeAt(i + 1))) i++;
    }
  }
  return true;
}

const HASH = 35,
  QUOTE = 34,
  NEWLINE = 10,
  BACKSLASH = 92,
  DASH = 45,
  GREATER = 62;
const OPEN_BRACE = 123,
  OPEN_BRACKET = 91,
  OPEN_PAREN = 40,
  CLOSE_BRACE = 125,
  CLOSE_BRACKET = 93,
  CLOSE_PAREN = 41;

function isWordStart(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95; // a-z A-Z _
}

function isWordChar(c: number): boolean {
  return isWordStart(c) || (c >= 48 && c <= 57);
}

function isOperator(text: string, i: number, len: number): boolean {
  return (
    (len === 3 && (text.startsWith("and", i) || text.startsWith("not", i))) || (len === 2 && text.startsWith("or", i))
  );
}

function label(file: string, start: number, end: number) {
  return { file, span: { start, end }, message: "" };
}
