// The parser's diagnostic codes (SY1xxx), each defined once: severity, description, general fix.
// src/check/codes.ts adds the checker's and the pipeline's codes and joins them into the one
// catalogue that docs/diagnostics.md, SARIF rules and the renderers read.
import { diagnosticOf, type Catalogue, type Details, type Diagnostic, type Label } from "./diagnostic.ts";

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

/** A syntax diagnostic whose message defaults to its code's description. */
export function syntaxDiagnostic(
  code: SyntaxCode,
  primary: Label,
  details: Details & { message?: string } = {},
): Diagnostic {
  const { message, ...rest } = details;
  return diagnosticOf(SYNTAX_CODES, code, message ?? SYNTAX_CODES[code].description, primary, rest);
}
