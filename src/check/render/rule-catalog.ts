// SARIF's rule list (GitHub shows a rule's description as the alert title) read from the one
// diagnostic catalogue (src/check/codes.ts), never from whichever finding came first, so a rule
// reads the same in every report and matches docs/diagnostics.md.
import type { CodeSpec } from "../../syntax/diagnostic.ts";
import { DIAGNOSTIC_CODES } from "../codes.ts";

export interface RuleInfo {
  description: string;
  help?: string;
}

/** The catalogue entry of `code`; a code missing from it (a bug) still renders, as its own id. */
export function ruleFor(code: string): CodeSpec {
  return DIAGNOSTIC_CODES[code] ?? { severity: "error", description: code, help: code };
}
