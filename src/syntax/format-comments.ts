// Hands comments to the formatter in source order. The AST only knows where comments are, not
// where lines break, so placement (a trailing `# …` on the same line, blank lines kept between
// groups) needs the source text; without it every comment goes on its own line.
import type { Comment } from "./ast.ts";

/** Only whitespace and member separators may sit between a member and its trailing comment. */
const SAME_LINE_GAP = /^[ \t,;\uFEFF]*$/;

export class CommentCursor {
  private next = 0;

  constructor(
    private readonly comments: readonly Comment[],
    private readonly source: string | null,
  ) {}

  /** Unprinted comments that start before `offset`, in order. */
  takeBefore(offset: number): Comment[] {
    const taken: Comment[] = [];
    while (this.next < this.comments.length && this.comments[this.next].span.start < offset) {
      taken.push(this.comments[this.next++]);
    }
    return taken;
  }

  /** The next comment if it is on the same line as `end`, with nothing but separators between. */
  takeTrailing(end: number): Comment | null {
    const c = this.comments[this.next];
    if (!c || this.source === null || c.span.start < end) return null;
    if (!SAME_LINE_GAP.test(this.source.slice(end, c.span.start))) return null;
    this.next++;
    return c;
  }

  /** Whether any unprinted comment starts inside [start, end). */
  hasWithin(start: number, end: number): boolean {
    for (let i = this.next; i < this.comments.length; i++) {
      const s = this.comments[i].span.start;
      if (s >= end) return false;
      if (s >= start) return true;
    }
    return false;
  }

  /** Whether the source has an empty line between two offsets (the user's grouping). */
  blankBetween(start: number, end: number): boolean {
    if (this.source === null || end <= start) return false;
    let newlines = 0;
    for (let i = start; i < end; i++) if (this.source.charCodeAt(i) === 10 && ++newlines >= 2) return true;
    return false;
  }

  rest(): Comment[] {
    return this.takeBefore(Infinity);
  }
}
