// Lays a source line out in terminal cells: tabs expand to the next stop, wide characters take
// two cells, control characters become a visible placeholder, and lines too wide for a terminal
// are clipped around the span, so carets line up under what they point at.
// Columns here are display cells; offsets are UTF-16 units within the line.

export const TAB_WIDTH = 4;
export const MAX_LINE_CELLS = 100;
/** How many cells of context to keep left of the span when a long line is clipped. */
const CLIP_LEAD = 24;

export interface LaidLine {
  cells: string[];
  /** cellOf[i] is the display cell where UTF-16 offset i of the line starts (length = text.length + 1). */
  cellOf: number[];
}

export function layLine(text: string): LaidLine {
  const cells: string[] = [];
  const cellOf: number[] = new Array(text.length + 1);
  for (let i = 0; i < text.length; i++) {
    cellOf[i] = cells.length;
    const code = text.charCodeAt(i);
    if (code === 9) {
      do cells.push(" ");
      while (cells.length % TAB_WIDTH !== 0);
    } else if (isUnprintable(code)) {
      cells.push("\uFFFD");
    } else if (code < 0x300) {
      cells.push(text[i]);
    } else {
      const low = text.charCodeAt(i + 1);
      const pair = code >= 0xd800 && code <= 0xdbff && low >= 0xdc00 && low <= 0xdfff;
      if (code >= 0xd800 && code <= 0xdfff && !pair) {
        cells.push("\uFFFD"); // a lone surrogate cannot be printed
        continue;
      }
      const ch = pair ? text.slice(i, i + 2) : text[i];
      if (pair) cellOf[i + 1] = cells.length;
      place(cells, ch);
      if (pair) i++;
    }
  }
  cellOf[text.length] = cells.length;
  return { cells, cellOf };
}

/** C0/C1 controls, line separators and bidi overrides: they would move the cursor or reorder text. */
export function isUnprintable(code: number): boolean {
  return (
    code < 32 ||
    (code >= 0x7f && code <= 0x9f) ||
    code === 0x2028 ||
    code === 0x2029 ||
    (code >= 0x202a && code <= 0x202e) ||
    (code >= 0x2066 && code <= 0x2069)
  );
}

/** Wide characters (CJK, emoji) take two cells, the second left empty; combining marks join the cell before. */
function place(cells: string[], ch: string): void {
  const width = Bun.stringWidth(ch);
  if (width === 0 && cells.length > 0) cells[cells.length - 1] += ch;
  else if (width === 2) cells.push(ch, "");
  else cells.push(ch);
}

export interface Window {
  text: string;
  /** Display cell of the window's first source cell, after any leading `…`. */
  shift: number;
  first: number;
  last: number; // exclusive
}

/** Picks the part of a long line to show so that the cells [from, to) stay visible. */
export function clip(line: LaidLine, from: number, to: number): Window {
  const total = line.cells.length;
  if (total <= MAX_LINE_CELLS) return { text: line.cells.join(""), shift: 0, first: 0, last: total };
  const width = MAX_LINE_CELLS - 2; // room for `…` on both sides
  let first = Math.max(0, from - CLIP_LEAD);
  if (to - first > width && from - first > 0) first = Math.max(0, Math.min(from, to - width));
  first = Math.min(first, Math.max(0, total - width));
  if (line.cells[first] === "") first++; // never start on the second half of a wide character
  let last = Math.min(total, first + width);
  if (last < total && line.cells[last] === "") last--; // nor end on the first half
  const lead = first > 0 ? "…" : "";
  const tail = last < total ? "…" : "";
  return { text: lead + line.cells.slice(first, last).join("") + tail, shift: lead.length - first, first, last };
}
