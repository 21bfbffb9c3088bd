// A diagnostic is data (code, severity, message, labelled spans, notes, help); renderers live in
// src/check/render. Every stage (parse, check, compile, serve-time validation) reports through it.
import type { Span } from "./span.ts";

export type Severity = "error" | "warning" | "info";

export interface Label {
  file: string;
  span: Span;
  message: string; // may be empty for the primary label
}

export interface Diagnostic {
  code: string; // SY1xxx syntax, SY2xxx semantic, SY3xxx lint, SY4xxx input/io
  severity: Severity;
  message: string; // lowercase, user input in backticks
  primary: Label;
  secondary: Label[];
  notes: string[];
  help: string | null; // the fix
  /** The primary span covers a secret: renderers must not print that text (it is masked). */
  secret?: boolean;
}

/** Collects the problems of one stage; a stage with errors stops the pipeline before the next. */
export class Session {
  readonly diagnostics: Diagnostic[] = [];

  report(d: Diagnostic): void {
    this.diagnostics.push(d);
  }

  error(code: string, message: string, primary: Label, extra: Partial<Diagnostic> = {}): void {
    this.report({ code, severity: "error", message, primary, secondary: [], notes: [], help: null, ...extra });
  }

  warning(code: string, message: string, primary: Label, extra: Partial<Diagnostic> = {}): void {
    this.report({ code, severity: "warning", message, primary, secondary: [], notes: [], help: null, ...extra });
  }

  get hasErrors(): boolean {
    return this.diagnostics.some((d) => d.severity === "error");
  }
}
