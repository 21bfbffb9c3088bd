// Lays a source line out in terminal cells: tabs expand to the next stop, control characters
// become a visible placeholder, and lines too wide for a terminal are clipped around the span.
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
    } else if (code < 32 || code === 127) {
      cells.push("\uFFFD");
    } else if (code >= 0xd800 && code <= 0xdbff && i + 1 < text.length) {
      const low = text.charCodeAt(i + 1);
      if (low >= 0xdc00 && low <= 0xdfff) {
        cells.push(text.slice(i, i + 2));
        cellOf[++i] = cells.length - 1;
      } else cells.push("\uFFFD");
    } else if (code >= 0xd800 && code <= 0xdfff) {
      cells.push("\uFFFD"); // a lone surrogate cannot be printed
    } else {
      cells.push(text[i]);
    }
  }
  cellOf[text.length] = cells.length;
  return { cells, cellOf };
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
  const last = Math.min(total, first + width);
  const lead = first > 0 ? "…" : "";
  const tail = last < total ? "…" : "";
  return { text: lead + line.cells.slice(first, last).join("") + tail, shift: lead.length - first, first, last };
}
