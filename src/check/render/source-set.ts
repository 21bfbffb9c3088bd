// Resolves diagnostic spans to line/column once per file, so every renderer (human, JSON, SARIF,
// GitHub) reports the same positions from the same LineIndex.
import type { Label } from "../../syntax/diagnostic.ts";
import { LineIndex } from "../../syntax/span.ts";

/** 1-based line/column of a label; the end is exclusive (the column after the last character). */
export interface Region {
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
}

export class SourceSet {
  private readonly indexes = new Map<string, LineIndex>();

  constructor(private readonly sources: ReadonlyMap<string, string>) {}

  /** The file's line index, or null when its text was not given. */
  index(file: string): LineIndex | null {
    const cached = this.indexes.get(file);
    if (cached) return cached;
    const text = this.sources.get(file);
    if (text === undefined) return null;
    const index = new LineIndex(text);
    this.indexes.set(file, index);
    return index;
  }

  /** Whether the label points inside text we have (unreadable files have none). */
  locates(label: Label): boolean {
    const text = this.sources.get(label.file);
    return text !== undefined && label.span.start <= text.length;
  }

  /** Whether there is source worth showing under the label (an empty file has none). */
  covers(label: Label): boolean {
    return this.locates(label) && this.sources.get(label.file) !== "";
  }

  /** Positions of a label; without the file's text, offsets are read as columns of line 1. */
  region(label: Label): Region {
    const index = this.index(label.file) ?? new LineIndex("");
    const start = Math.max(0, label.span.start);
    const end = Math.max(start, label.span.end);
    const a = index.position(start);
    const b = index.position(end);
    return { line: a.line, column: a.column, endLine: b.line, endColumn: b.column };
  }
}
