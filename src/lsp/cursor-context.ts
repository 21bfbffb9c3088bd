// Where the cursor is, read from the text before it (a half-typed line rarely parses, so completion
// cannot wait for the AST): the chain of open blocks (`model x {`, `price {`), the open list and
// the key it belongs to, and the words of the member being typed. Strings and comments are skipped.

export interface CursorContext {
  /** Heads of the open `{` blocks, outermost first: each the words before its brace. */
  blocks: string[][];
  /** Words before the `[` of the innermost open list, or null outside a list. */
  list: string[] | null;
  /** Complete words of the member being typed, since the last `{`, `}` or line break. */
  words: string[];
  /** The word being typed, up to the cursor, and where it starts. */
  partial: string;
  partialStart: number;
}

const WORD = /[A-Za-z0-9_.$%/-]/;

export function cursorContext(text: string, offset: number): CursorContext {
  const blocks: string[][] = [];
  const lists: string[][] = [];
  let member = "";
  for (let i = 0; i < offset; i++) {
    const c = text[i];
    if (c === "#") {
      while (i < offset && text[i] !== "\n") i++;
      member = "";
      continue;
    }
    if (c === '"') {
      let j = i + 1;
      while (j < offset && text[j] !== '"' && text[j] !== "\n") j += text[j] === "\\" ? 2 : 1;
      member += text.slice(i, Math.min(j + 1, offset));
      i = j;
      continue;
    }
    if (c === "{") {
      blocks.push(wordsOf(member));
      member = "";
    } else if (c === "}") {
      blocks.pop();
      member = "";
    } else if (c === "[") {
      lists.push(wordsOf(member));
      member += c;
    } else if (c === "]") {
      lists.pop();
      member += c;
    } else if (c === "\n" && lists.length === 0) member = "";
    else member += c;
  }
  let start = offset;
  while (start > 0 && WORD.test(text[start - 1])) start--;
  const partial = text.slice(start, offset);
  const before = member.slice(0, member.length - partial.length);
  return { blocks, list: lists.at(-1) ?? null, words: wordsOf(before), partial, partialStart: start };
}

function wordsOf(s: string): string[] {
  return s.split(/[\s,()\[\]]+|(?=->)|(?<=->)/).filter((w) => w.length > 0);
}
