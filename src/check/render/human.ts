// The terminal renderer (miette/rustc style): a header, a `-->` location, the source lines with
// the spans underlined (`^` primary, `-` secondary), then notes and the fix. Diagnostics stay
// data; this only draws them. With `color: false` the output is plain text, stable for goldens.
import type { Diagnostic, Label } from "../../syntax/diagnostic.ts";
import { painter, sanitize, type Paint } from "./ansi.ts";
import { renderFrame, type FrameLabel } from "./human-frame.ts";
import { summarize } from "./sort.ts";
import { SourceSet } from "./source-set.ts";

export interface HumanOptions {
  color: boolean;
}

/**
 * Renders diagnostics in the order given (sort first with `sortDiagnostics` if needed), each
 * followed by a blank line, then a summary line `N errors, M warnings`. No diagnostics: "".
 */
export function renderHuman(
  diags: readonly Diagnostic[],
  sources: ReadonlyMap<string, string>,
  opts: HumanOptions,
): string {
  if (diags.length === 0) return "";
  // Every secret is starred out for every diagnostic: another one on the same line shows that line too.
  const set = new SourceSet(diags.some((d) => d.secret) ? masked(sources, diags) : sources);
  const paint = painter(opts.color);
  const blocks = diags.map((d) => renderOne(d, set, paint).join("\n") + "\n");
  return blocks.join("\n") + "\n" + summaryLine(diags, paint) + "\n";
}

export function summaryLine(diags: readonly Diagnostic[], paint: Paint = painter(false)): string {
  const { errors, warnings } = summarize(diags);
  const e = `${errors} ${errors === 1 ? "error" : "errors"}`;
  const w = `${warnings} ${warnings === 1 ? "warning" : "warnings"}`;
  return `${errors > 0 ? paint("error", e) : e}, ${warnings > 0 ? paint("warning", w) : w}`;
}

function renderOne(d: Diagnostic, set: SourceSet, paint: Paint): string[] {
  const out = [paint(d.severity, `${d.severity}[${d.code}]`) + paint("bold", `: ${sanitize(d.message)}`)];
  const labels: FrameLabel[] = [
    { label: d.primary, primary: true },
    ...d.secondary.map((label) => ({ label, primary: false })),
  ];
  const width = gutterWidth(
    labels.map((l) => l.label),
    set,
  );
  const pad = " ".repeat(width);
  const bar = paint("gutter", `${pad} |`);
  let framed = false;
  let first = true;
  for (const [file, group] of groupByFile(labels)) {
    const head = group[0].label;
    const where = set.locates(head) ? `${file}:${set.region(head).line}:${set.region(head).column}` : file;
    out.push(`${pad}${paint("gutter", first ? "-->" : ":::")} ${sanitize(where)}`);
    first = false;
    const shown = group.filter((l) => set.covers(l.label));
    const index = set.index(file);
    if (shown.length === 0 || index === null) continue;
    out.push(bar);
    out.push(...renderFrame(shown, index, width, d.severity, paint));
    framed = true;
  }
  const extras = [...d.notes.map((n) => ["note", n] as const), ...(d.help ? [["help", d.help] as const] : [])];
  if (extras.length > 0 && framed) out.push(bar);
  for (const [kind, text] of extras) {
    const lead = `${pad} = ${kind}: `;
    const body = sanitize(text)
      .split("\n")
      .join("\n" + " ".repeat(lead.length));
    out.push(paint("gutter", `${pad} =`) + " " + paint(kind === "help" ? "help" : "bold", `${kind}:`) + " " + body);
  }
  return out;
}

/** The sources with the secret under each secret diagnostic's primary span starred out (its first 4 characters kept for recognition). */
function masked(sources: ReadonlyMap<string, string>, diags: readonly Diagnostic[]): Map<string, string> {
  const copy = new Map(sources);
  for (const d of diags) {
    const text = d.secret ? copy.get(d.primary.file) : undefined;
    if (text === undefined) continue;
    const { start, end } = d.primary.span;
    const keep = Math.min(end, start + 5); // the opening quote and a short prefix
    copy.set(d.primary.file, text.slice(0, keep) + text.slice(keep, end).replace(/[^"\n]/g, "*") + text.slice(end));
  }
  return copy;
}

/** Labels per file, the primary's file first, then files in the order their labels appear. */
function groupByFile(labels: FrameLabel[]): Map<string, FrameLabel[]> {
  const groups = new Map<string, FrameLabel[]>();
  for (const l of labels) {
    const list = groups.get(l.label.file);
    if (list) list.push(l);
    else groups.set(l.label.file, [l]);
  }
  return groups;
}

function gutterWidth(labels: Label[], set: SourceSet): number {
  let max = 1;
  for (const l of labels) if (set.locates(l)) max = Math.max(max, String(set.region(l).line).length);
  return max;
}
