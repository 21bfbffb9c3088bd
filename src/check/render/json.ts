// Machine-readable diagnostics for editors and scripts. The shape is a stable contract: fields are
// only ever added. Lines and columns are 1-based (UTF-16 columns); `endColumn` is exclusive.
import type { Diagnostic, Label } from "../../syntax/diagnostic.ts";
import { summarize } from "./sort.ts";
import { SourceSet } from "./source-set.ts";

export interface JsonLabel {
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  message: string;
  primary: boolean;
}

export interface JsonDiagnostic {
  code: string;
  severity: Diagnostic["severity"];
  message: string;
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  labels: JsonLabel[];
  notes: string[];
  help: string | null;
}

export interface JsonReport {
  diagnostics: JsonDiagnostic[];
  summary: { errors: number; warnings: number };
}

export function toJsonReport(diags: readonly Diagnostic[], sources: ReadonlyMap<string, string>): JsonReport {
  const set = new SourceSet(sources);
  const label = (l: Label, primary: boolean): JsonLabel => ({
    file: l.file,
    ...set.region(l),
    message: l.message,
    primary,
  });
  return {
    diagnostics: diags.map((d) => ({
      code: d.code,
      severity: d.severity,
      message: d.message,
      file: d.primary.file,
      ...set.region(d.primary),
      labels: [label(d.primary, true), ...d.secondary.map((l) => label(l, false))],
      notes: [...d.notes],
      help: d.help,
    })),
    summary: summarize(diags),
  };
}

/** Pretty-printed (2 spaces) with a trailing newline, so the output diffs well when committed. */
export function renderJson(diags: readonly Diagnostic[], sources: ReadonlyMap<string, string>): string {
  return JSON.stringify(toJsonReport(diags, sources), null, 2) + "\n";
}
