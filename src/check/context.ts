// What every checker pass receives (Peggy-style): the session collecting diagnostics, the symbol
// table built by the first pass, and the caller's options. Passes report and carry on; none stops.
import type { Decl, Policy } from "../syntax/ast.ts";
import type { Diagnostic, Label, Session } from "../syntax/diagnostic.ts";
import type { Span } from "../syntax/span.ts";

export interface SecretSource {
  get(name: string): string | undefined;
}

export interface CheckOptions {
  /** Where env("NAME") values come from; without it, unset variables are not checked. */
  secrets?: SecretSource;
  /** `warning` (lint, SY3005) or `error` (serve, SY2034) for an env var that is not set. */
  missingEnv?: "warning" | "error";
}

export interface SymbolTable {
  providers: Map<string, Decl>;
  models: Map<string, Decl>;
  routes: Map<string, Decl>;
  keys: Map<string, Decl>;
  teams: Map<string, Decl>;
  defaults: Decl | null;
  gateway: Decl | null;
}

type Extra = Partial<Pick<Diagnostic, "secondary" | "notes" | "help" | "secret">>;

export class CheckContext {
  readonly symbols: SymbolTable = { providers: new Map(), models: new Map(), routes: new Map(), keys: new Map(), teams: new Map(), defaults: null, gateway: null };

  constructor(
    readonly file: string,
    readonly session: Session,
    readonly options: CheckOptions,
  ) {}

  label(span: Span, message = ""): Label {
    return { file: this.file, span: { start: span.start, end: span.end }, message };
  }

  error(code: string, message: string, span: Span, label: string, extra: Extra = {}): void {
    this.session.error(code, message, this.label(span, label), extra);
  }

  warning(code: string, message: string, span: Span, label: string, extra: Extra = {}): void {
    this.session.warning(code, message, this.label(span, label), extra);
  }
}

/** One checker pass: reads the policy and the symbol table, reports through `ctx`, returns nothing. */
export type Pass = (policy: Policy, ctx: CheckContext) => void;
