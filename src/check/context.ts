// What every checker pass receives (Peggy-style): the session collecting diagnostics, the symbol
// table built by the first pass, and the caller's options. Passes report and carry on; none stops.
import type { Decl, Policy } from "../syntax/ast.ts";
import type { Details, Label, Message, Session, Severity } from "../syntax/diagnostic.ts";
import type { Span } from "../syntax/span.ts";
import { CHECK_CODES, type CheckCode } from "./codes.ts";

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

export class CheckContext {
  readonly symbols: SymbolTable = {
    providers: new Map(),
    models: new Map(),
    routes: new Map(),
    keys: new Map(),
    teams: new Map(),
    defaults: null,
    gateway: null,
  };

  constructor(
    readonly file: string,
    readonly session: Session,
    readonly options: CheckOptions,
  ) {}

  label(span: Span, message = ""): Label {
    return { file: this.file, span: { start: span.start, end: span.end }, message };
  }

  /**
   * Reports `code` at `span`; its severity and default help come from the catalogue (codes.ts), its
   * message from the code's constructor in CHECK_MESSAGES (messages.ts): a free string does not type-check.
   */
  report<C extends CheckCode>(
    code: C,
    message: Message<NoInfer<C>>,
    span: Span,
    label: string,
    details: Details = {},
  ): void {
    this.session.emit(code, message, this.label(span, label), details);
  }

  /** `report` for a code the catalogue makes an error; throws if it does not (the two would drift). */
  error<C extends CheckCode>(
    code: C,
    message: Message<NoInfer<C>>,
    span: Span,
    label: string,
    details: Details = {},
  ): void {
    this.expectSeverity(code, "error");
    this.report(code, message, span, label, details);
  }

  /** `report` for a code the catalogue makes a warning; throws if it does not. */
  warning<C extends CheckCode>(
    code: C,
    message: Message<NoInfer<C>>,
    span: Span,
    label: string,
    details: Details = {},
  ): void {
    this.expectSeverity(code, "warning");
    this.report(code, message, span, label, details);
  }

  private expectSeverity(code: CheckCode, severity: Severity): void {
    if (CHECK_CODES[code].severity !== severity)
      throw new Error(
        `${code} is a${severity === "error" ? " warning" : "n error"} in the catalogue, not a${severity === "error" ? "n error" : " warning"}`,
      );
  }
}

/** One checker pass: reads the policy and the symbol table, reports through `ctx`, returns nothing. */
export type Pass = (policy: Policy, ctx: CheckContext) => void;
