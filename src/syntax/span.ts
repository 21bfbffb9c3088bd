// Source spans and a line index: AST nodes keep byte-free UTF-16 offsets; line and column are
// computed on demand so the parser stays cheap and renderers agree on one conversion.

export interface Span {
  start: number;
  end: number;
}

/**
 * A deep copy of plain data (AST nodes, diagnostics) with every `span` moved by `delta`; the
 * original is left as it was. For what the language server reuses after an edit moved it. A
 * `for…in` loop, not Object.entries: this runs for every node after an edit, and an array of
 * pairs per node tripled its cost.
 */
export function shiftSpans<T>(data: T, delta: number): T {
  if (Array.isArray(data)) return data.map((item) => shiftSpans(item, delta)) as T;
  const from = data as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const key in from) {
    const value = from[key];
    if (key === "span") {
      const span = value as Span;
      out[key] = { start: span.start + delta, end: span.end + delta };
    } else out[key] = value !== null && typeof value === "object" ? shiftSpans(value, delta) : value;
  }
  return out as T;
}

export interface Position {
  line: number; // 1-based
  column: number; // 1-based, in UTF-16 code units
}

export class LineIndex {
  private readonly starts: number[];

  constructor(readonly text: string) {
    const starts = [0];
    // LF, CRLF or a lone CR ends a line: renderers may be given a file's text as read from disk
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 10 || (c === 13 && text.charCodeAt(i + 1) !== 10)) starts.push(i + 1);
    }
    this.starts = starts;
  }

  position(offset: number): Position {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: offset - this.starts[lo] + 1 };
  }

  lineText(line: number): string {
    const start = this.starts[line - 1] ?? this.text.length;
    const next = this.starts[line];
    const end = next === undefined ? this.text.length : next - 1;
    return this.text.slice(start, end).replace(/\r$/, "");
  }

  get lineCount(): number {
    return this.starts.length;
  }
}
