// A stable order for diagnostics (file, then position, then code), so output does not depend on
// the order in which checker passes happened to run.
import type { Diagnostic } from "../../syntax/diagnostic.ts";

export function sortDiagnostics(diags: readonly Diagnostic[]): Diagnostic[] {
  return diags
    .map((d, i) => ({ d, i }))
    .sort((x, y) => compare(x.d, y.d) || x.i - y.i)
    .map(({ d }) => d);
}

function compare(a: Diagnostic, b: Diagnostic): number {
  const pa = a.primary;
  const pb = b.primary;
  if (pa.file !== pb.file) return pa.file < pb.file ? -1 : 1;
  if (pa.span.start !== pb.span.start) return pa.span.start - pb.span.start;
  if (pa.span.end !== pb.span.end) return pa.span.end - pb.span.end;
  return a.code < b.code ? -1 : a.code > b.code ? 1 : 0;
}

/** Counts for the summary line and the JSON/SARIF summaries. */
export function summarize(diags: readonly Diagnostic[]): { errors: number; warnings: number } {
  let errors = 0;
  let warnings = 0;
  for (const d of diags) {
    if (d.severity === "error") errors++;
    else if (d.severity === "warning") warnings++;
  }
  return { errors, warnings };
}
