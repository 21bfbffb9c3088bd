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

/**
 * One diagnostic code as the catalogue defines it, once: its severity, a one-line description
 * (docs/diagnostics.md's heading, SARIF's rule `shortDescription`) and the general fix (used as
 * the help when a finding has no more specific one, and as SARIF's rule `help`).
 */
export interface CodeSpec {
  severity: Severity;
  description: string;
  help: string;
}

export type Catalogue = Readonly<Record<string, CodeSpec>>;

declare const messageCode: unique symbol;

/**
 * A finding's message, made only by its code's constructor in a message table (src/check/messages.ts,
 * src/syntax/codes.ts): the brand names the code, so a free string or another code's message does
 * not type-check where a diagnostic is reported.
 */
export type Message<C extends string = string> = string & { readonly [messageCode]: C };

type Constructors = Record<string, (...args: never[]) => string>;
/** A code's message constructors, branded with the code (the text itself is unchanged). */
export type MessagesOf<C extends string, M extends Constructors> = {
  readonly [K in keyof M]: (...args: Parameters<M[K]>) => Message<C>;
};

/** Declares the message constructors of `code`; the one place a code's message text is written. */
export function messages<C extends string, M extends Constructors>(_code: C, constructors: M): MessagesOf<C, M> {
  return constructors as unknown as MessagesOf<C, M>;
}

/** What a finding adds to its code's spec: the message for this case, a sharper help, more labels. */
export type Details = Partial<Pick<Diagnostic, "secondary" | "notes" | "secret">> & { help?: string | null };

/** The one way to build a diagnostic: severity (and help, unless given) come from the catalogue. */
export function diagnosticOf<C extends string>(
  catalogue: Catalogue,
  code: C,
  message: Message<NoInfer<C>>,
  primary: Label,
  details: Details = {},
): Diagnostic {
  const spec = catalogue[code];
  if (spec === undefined) throw new Error(`diagnostic code ${code} is not in the catalogue`);
  const { help, ...rest } = details;
  return {
    code,
    severity: spec.severity,
    message,
    primary,
    secondary: [],
    notes: [],
    help: help ?? spec.help,
    ...rest,
  };
}

/** Collects the problems of one stage; a stage with errors stops the pipeline before the next. */
export class Session {
  readonly diagnostics: Diagnostic[] = [];

  constructor(private readonly catalogue: Catalogue) {}

  report(d: Diagnostic): void {
    this.diagnostics.push(d);
  }

  /** Reports `code` with the severity its catalogue gives it. */
  emit<C extends string>(code: C, message: Message<NoInfer<C>>, primary: Label, details: Details = {}): void {
    this.report(diagnosticOf(this.catalogue, code, message, primary, details));
  }

  get hasErrors(): boolean {
    return this.diagnostics.some((d) => d.severity === "error");
  }
}
