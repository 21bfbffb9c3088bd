// Draws one file's source excerpt for the human renderer: each labelled line once, labels
// underneath it, `...` for skipped stretches, a lone skipped line shown rather than elided.
import type { Label, Severity } from "../../syntax/diagnostic.ts";
import type { LineIndex } from "../../syntax/span.ts";
import { sanitize, type Paint } from "./ansi.ts";
import { clip, layLine } from "./line-layout.ts";

export interface FrameLabel {
  label: Label;
  primary: boolean;
}

interface Placed extends FrameLabel {
  line: number;
  column: number; // 0-based UTF-16 offset in the line
  endLine: number;
  endColumn: number;
}

export function renderFrame(
  labels: FrameLabel[],
  index: LineIndex,
  width: number,
  severity: Severity,
  paint: Paint,
): string[] {
  const placed = labels
    .map((l) => place(l, index))
    .sort((a, b) => a.line - b.line || Number(b.primary) - Number(a.primary) || a.column - b.column);
  const lines = [...new Set(placed.map((p) => p.line))];
  const out: string[] = [];
  let previous = 0;
  for (const line of lines) {
    if (previous > 0 && line - previous === 2) out.push(...sourceLine(previous + 1, index, width, [], severity, paint));
    else if (previous > 0 && line - previous > 2) out.push(paint("gutter", "..."));
    out.push(
      ...sourceLine(
        line,
        index,
        width,
        placed.filter((p) => p.line === line),
        severity,
        paint,
      ),
    );
    previous = line;
  }
  return out;
}

function place(l: FrameLabel, index: LineIndex): Placed {
  const start = index.position(Math.min(l.label.span.start, index.text.length));
  const end = index.position(Math.min(Math.max(l.label.span.end, l.label.span.start), index.text.length));
  return { ...l, line: start.line, column: start.column - 1, endLine: end.line, endColumn: end.column - 1 };
}

function sourceLine(
  line: number,
  index: LineIndex,
  width: number,
  labels: Placed[],
  severity: Severity,
  paint: Paint,
): string[] {
  const text = index.lineText(line);
  const laid = layLine(text);
  const cellAt = (column: number) => laid.cellOf[Math.min(column, text.length)];
  const spans = labels.map((p) => {
    const from = cellAt(p.column);
    const multi = p.endLine > p.line;
    const to = multi ? laid.cells.length : cellAt(p.endColumn);
    return { p, from, to: Math.max(to, from + 1), multi };
  });
  const focus = spans[0];
  const view = clip(laid, focus?.from ?? 0, focus?.to ?? 0);
  const number = String(line).padStart(width);
  const out = [`${paint("gutter", `${number} |`)}${view.text ? " " + view.text : ""}`.trimEnd()];
  for (const { p, from, to, multi } of spans) {
    const start = Math.max(from, view.first) + view.shift;
    const end = Math.max(Math.min(to, view.last) + view.shift, start + 1);
    const marks = (p.primary ? "^" : "-").repeat(end - start) + (multi ? "…" : "");
    const message = p.label.message ? ` ${sanitize(p.label.message)}` : "";
    const style = p.primary ? severity : "secondary";
    out.push(`${paint("gutter", `${" ".repeat(width)} |`)} ${" ".repeat(start)}${paint(style, marks + message)}`);
  }
  return out;
}
