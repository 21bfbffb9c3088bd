// Turns raw policy bytes into text, refusing what no parser should see: binary data, invalid
// UTF-8, absurd sizes, and bracket nesting deep enough to exhaust the parser's stack.
import { Session } from "./diagnostic.ts";

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
    session.error("SY1003", "policy file contains binary data (a NUL byte)", label(file, at, at + 1), {
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
    session.error("SY1002", "policy file is not valid utf-8", label(file, bad, bad + 1), {
      help: "save the file as UTF-8",
    });
    return { text: null, shown };
  }
}

function lossy(bytes: Uint8Array): string {
  return new TextDecoder("utf-8").decode(bytes);
}

/** Refuses policies over MAX_POLICY_BYTES (for text, its length in UTF-16 units stands in). */
export function checkSize(size: number, file: string, session: Session): boolean {
  if (size <= MAX_POLICY_BYTES) return true;
  session.error("SY1004", `policy file is too large (${(size / 1e6).toFixed(1)} MB)`, label(file, 0, 0), {
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
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === "#") {
      while (i < text.length && text[i] !== "\n") i++;
    } else if (c === '"') {
      for (i++; i < text.length && text[i] !== '"' && text[i] !== "\n"; i++) if (text[i] === "\\") i++;
    } else if (c === "{" || c === "[" || c === "(") {
      if (c === "{") operators = -1;
      if (++depth > MAX_NESTING) {
        session.error("SY1005", `brackets nest deeper than ${MAX_NESTING} levels`, label(file, i, i + 1), {
          help: "a policy never needs this much nesting; check for a missing closing bracket",
        });
        return false;
      }
    } else if (c === "}" || c === "]" || c === ")") {
      if (c === "}") operators = -1;
      depth = Math.max(0, depth - 1);
    } else if (c === "-" && text[i + 1] === ">") {
      operators = -1;
    } else if (WORD_START.test(c) && (i === 0 || !WORD_CHAR.test(text[i - 1]))) {
      let end = i + 1;
      while (end < text.length && WORD_CHAR.test(text[end])) end++;
      const word = text.slice(i, end);
      if (word === "when") operators = 0;
      else if (operators >= 0 && (word === "and" || word === "or" || word === "not") && ++operators > MAX_CONDITION_OPERATORS) {
        session.error("SY1005", `condition has more than ${MAX_CONDITION_OPERATORS} \`and\`/\`or\`/\`not\` operators`, label(file, i, end), {
          help: "split it into several rules, or match on a header or metadata value instead",
        });
        return false;
      }
      i = end - 1;
    }
  }
  return true;
}

const WORD_START = /[A-Za-z_]/;
const WORD_CHAR = /[A-Za-z0-9_]/;

function label(file: string, start: number, end: number) {
  return { file, span: { start, end }, message: "" };
}
