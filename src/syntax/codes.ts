// The parser's diagnostic codes (SY1xxx), each defined once: severity, description, general fix.
// src/check/codes.ts adds the checker's and the pipeline's codes and joins them into the one
// catalogue that docs/diagnostics.md, SARIF rules and the renderers read.
import {
  diagnosticOf,
  messages,
  type Catalogue,
  type Details,
  type Diagnostic,
  type Label,
  type Message,
} from "./diagnostic.ts";

export const SYNTAX_CODES = {
  SY1001: { severity: "error", description: "syntax error", help: "fix the syntax at the marked position" },
  SY1002: { severity: "error", description: "file is not valid UTF-8", help: "save the file as UTF-8" },
  SY1003: {
    severity: "error",
    description: "file contains binary data",
    help: "policies are UTF-8 text; check that the right file was given",
  },
  SY1004: { severity: "error", description: "file too large", help: "split the policy into several files" },
  SY1005: {
    severity: "error",
    description: "nesting too deep",
    help: "check for a missing closing bracket, or split the condition",
  },
  SY1006: { severity: "error", description: "unterminated string", help: 'close the string with `"` on the same line' },
  SY1007: {
    severity: "error",
    description: "value with an unknown unit",
    help: "write a unit the language knows right after the number: `250ms`, `30s`, `5m`, `128k`, `500/min`",
  },
} as const satisfies Catalogue;

export type SyntaxCode = keyof typeof SYNTAX_CODES;

/** The parser's message texts, one typed constructor per case (see src/check/messages.ts). */
export const SYNTAX_MESSAGES = {
  SY1001: messages("SY1001", {
    unexpected: (a: { found: string }) => `unexpected ${a.found}`,
    unexpectedEnd: () => "unexpected end of file",
    routeInModelList: (a: { route: string }) => `a list of models cannot hold \`route ${a.route}\``,
  }),
  SY1002: messages("SY1002", { notUtf8: () => "policy file is not valid utf-8" }),
  SY1003: messages("SY1003", { nulByte: () => "policy file contains binary data (a NUL byte)" }),
  SY1004: messages("SY1004", {
    tooLarge: (a: { megabytes: string }) => `policy file is too large (${a.megabytes} MB)`,
  }),
  SY1005: messages("SY1005", {
    bracketsTooDeep: (a: { limit: number }) => `brackets nest deeper than ${a.limit} levels`,
    tooManyOperators: (a: { limit: number }) => `condition has more than ${a.limit} \`and\`/\`or\`/\`not\` operators`,
    stackExhausted: () => "policy nests too deeply to parse",
  }),
  SY1006: messages("SY1006", { unterminated: () => "unterminated string" }),
  SY1007: messages("SY1007", {
    spaceBeforeUnit: (a: { written: string }) => `\`${a.written}\` has a space before its unit`,
    noValidUnit: (a: { written: string }) => `\`${a.written}\` has no valid unit`,
  }),
} as const satisfies { readonly [C in SyntaxCode]: Readonly<Record<string, (...args: never[]) => Message<C>>> };

/** A syntax diagnostic whose message defaults to its code's description. */
export function syntaxDiagnostic<C extends SyntaxCode>(
  code: C,
  primary: Label,
  details: Details & { message?: Message<NoInfer<C>> } = {},
): Diagnostic {
  const { message, ...rest } = details;
  return diagnosticOf(SYNTAX_CODES, code, message ?? (SYNTAX_CODES[code].description as Message<C>), primary, rest);
}
