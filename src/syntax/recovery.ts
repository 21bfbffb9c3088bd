// Where to resume after a syntax error inside a declaration. The parser (parse.ts) blanks the
// broken member with spaces and parses the declaration again, so later errors in the same
// declaration are found too and every offset stays where it was. This module only reads the
// text: a small bracket scanner that skips strings and comments, never the grammar itself.

export const DECL_START = /^(provider|model|route|defaults|gateway|key|team)\b/;

const CLOSER_OF: Readonly<Record<string, string>> = { "{": "}", "[": "]", "(": ")" };

export interface Opener {
  char: string;
  at: number;
  /** Start of the current member inside a `{`: after the `{`, the last `,`/`;` or line break at this level. */
  member: number;
  /** The member start before that, for an error on the line after the broken member. */
  previousMember: number;
}

/** The brackets still open at `to`, scanning from `from` (a declaration start). */
export function openersAt(text: string, from: number, to: number): Opener[] {
  const stack: Opener[] = [];
  for (let i = from; i < to; i++) {
    const c = text[i];
    if (c === "#") i = lineEnd(text, i) - 1;
    else if (c === '"') i = stringEnd(text, i) - 1;
    else if (c === "{" || c === "[" || c === "(") stack.push({ char: c, at: i, member: i + 1, previousMember: i + 1 });
    else if (c === "}" || c === "]" || c === ")") {
      if (stack.length > 0 && CLOSER_OF[stack[stack.length - 1].char] === c) stack.pop();
    } else if (c === "\n" || c === "," || c === ";") {
      const top = stack[stack.length - 1];
      if (top?.char === "{" && hasCode(text, top.member, i)) {
        top.previousMember = top.member;
        top.member = i + 1;
      }
    }
  }
  return stack;
}

/**
 * The span to blank so that the member holding the error at `error` no longer breaks the parse:
 * from the start of that member to its end (line break, `,`/`;` or the closer of its block). Null
 * when no such span can be found safely (the error is in a declaration's header, or the member's
 * brackets do not balance): the caller then skips the whole declaration.
 */
export function brokenMember(text: string, declStart: number, error: number): { start: number; end: number } | null {
  const stack = openersAt(text, declStart, error);
  const blockLevel = findLastIndex(stack, (o) => o.char === "{");
  if (blockLevel < 0) return null;
  const block = stack[blockLevel];
  let start = hasCode(text, block.member, error) ? block.member : block.previousMember;
  if (!hasCode(text, start, error) && !isStrayCloser(text[error], stack)) {
    // The error is the member's first token (`"x" }` after a key): blank the token's member.
    start = error;
  }
  const end = memberEnd(
    text,
    error,
    stack.slice(blockLevel + 1).map((o) => o.char),
  );
  if (end === null || !hasCode(text, start, end)) return null;
  return { start, end };
}

/** Where the member that is open at `from` ends, closing the brackets in `open`; null if they never close. */
function memberEnd(text: string, from: number, open: string[]): number | null {
  const pending = [...open];
  for (let i = from; i < text.length; i++) {
    const c = text[i];
    if (c === "#") i = lineEnd(text, i) - 1;
    else if (c === '"') i = stringEnd(text, i) - 1;
    else if (c === "{" || c === "[" || c === "(") pending.push(c);
    else if (c === "}" || c === "]" || c === ")") {
      if (pending.length === 0) return c === "}" ? i : i + 1; // a stray `]`/`)` is blanked with the member
      if (CLOSER_OF[pending[pending.length - 1]] !== c) return null;
      pending.pop();
    } else if (pending.length === 0 && (c === "," || c === ";")) return i + 1;
    else if (c === "\n") {
      if (pending.length === 0) return i;
      if (DECL_START.test(text.slice(i + 1, i + 10))) return null;
    }
  }
  return pending.length === 0 ? text.length : null;
}

function isStrayCloser(c: string | undefined, stack: Opener[]): boolean {
  return (c === "]" || c === ")") && CLOSER_OF[stack[stack.length - 1]?.char ?? ""] !== c;
}

/** Whether [from, to) holds anything but layout and comments. */
export function hasCode(text: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) {
    const c = text[i];
    if (c === "#") i = lineEnd(text, i) - 1;
    else if (c !== " " && c !== "\t" && c !== "\n" && c !== "\r" && c !== "\uFEFF") return true;
  }
  return false;
}

/** `text` with [start, end) turned into spaces, line breaks kept (offsets and lines stay put). */
export function blank(text: string, start: number, end: number): string {
  return text.slice(0, start) + text.slice(start, end).replace(/[^\n]/g, " ") + text.slice(end);
}

/** Start of the first line after `offset`'s line that begins a declaration (text.length if none). */
export function nextDeclaration(text: string, offset: number): number {
  let line = text.indexOf("\n", offset);
  while (line >= 0) {
    const start = line + 1;
    if (DECL_START.test(text.slice(start, start + 9))) return start;
    line = text.indexOf("\n", start);
  }
  return text.length;
}

export function lineEnd(text: string, offset: number): number {
  const nl = text.indexOf("\n", offset);
  return nl < 0 ? text.length : nl;
}

/** The offset after the string opened at `quote` (or the line's end when it is never closed). */
function stringEnd(text: string, quote: number): number {
  for (let i = quote + 1; i < text.length; i++) {
    if (text[i] === "\\") i++;
    else if (text[i] === '"') return i + 1;
    else if (text[i] === "\n") return i;
  }
  return text.length;
}

function findLastIndex<T>(items: T[], ok: (item: T) => boolean): number {
  for (let i = items.length - 1; i >= 0; i--) if (ok(items[i])) return i;
  return -1;
}
