// Turns raw policy bytes into text, refusing what no parser should see: binary data, invalid
// UTF-8, absurd sizes, and bracket nesting deep enough to exhaust the parser's stack.
import { Session } from "./diagnostic.ts";

export const MAX_POLICY_BYTES = 4 * 1024 * 1024;
export const MAX_NESTING = 64;

export function decodePolicy(bytes: Uint8Array, file: string, session: Session): string | null {
  if (bytes.length > MAX_POLICY_BYTES) {
    session.error("SY1004", `policy file is too large (${(bytes.length / 1e6).toFixed(1)} MB)`, at(file, 0, 0), {
      help: `split it into several files; the limit is ${MAX_POLICY_BYTES / 1024 / 1024} MiB per file`,
    });
    return null;
  }
  const nul = bytes.indexOf(0);
  if (nul >= 0) {
    session.error("SY1003", "policy file contains binary data (a NUL byte)", at(file, nul, nul), {
      help: "policies are UTF-8 text; check that the right file was given",
    });
    return null;
  }
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    const lossy = new TextDecoder("utf-8").decode(bytes);
    const bad = Math.max(0, lossy.indexOf("\uFFFD"));
    session.error("SY1002", "policy file is not valid utf-8", at(file, bad, bad + 1), {
      help: "save the file as UTF-8",
    });
    return null;
  }
}

/** Reports the first place where brackets nest deeper than MAX_NESTING (strings and comments skipped). */
export function checkNesting(text: string, file: string, session: Session): boolean {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === "#") {
      while (i < text.length && text[i] !== "\n") i++;
    } else if (c === '"') {
      for (i++; i < text.length && text[i] !== '"' && text[i] !== "\n"; i++) if (text[i] === "\\") i++;
    } else if (c === "{" || c === "[" || c === "(") {
      if (++depth > MAX_NESTING) {
        session.error("SY1005", `brackets nest deeper than ${MAX_NESTING} levels`, at(file, i, i + 1), {
          help: "a policy never needs this much nesting; check for a missing closing bracket",
        });
        return false;
      }
    } else if (c === "}" || c === "]" || c === ")") {
      depth = Math.max(0, depth - 1);
    }
  }
  return true;
}

function at(file: string, start: number, end: number) {
  return { file, span: { start, end }, message: "" };
}
