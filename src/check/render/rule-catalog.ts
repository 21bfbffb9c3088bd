// One-line descriptions of diagnostic codes for SARIF's rule list (GitHub shows them as the alert
// title). Codes not listed here fall back to the first message seen with that code; callers that
// know more (the checker's own catalogue) pass it through `RuleInfo`.

export interface RuleInfo {
  description: string;
  help?: string;
}

export const SYNTAX_RULES: Readonly<Record<string, RuleInfo>> = {
  SY1001: { description: "unexpected token", help: "fix the syntax at the marked position" },
  SY1002: { description: "policy file is not valid utf-8", help: "save the file as UTF-8" },
  SY1003: { description: "policy file contains binary data", help: "policies are UTF-8 text; check that the right file was given" },
  SY1004: { description: "policy file is too large", help: "split the policy into several files" },
  SY1005: { description: "brackets nest too deeply", help: "check for a missing closing bracket" },
  SY1006: { description: "unterminated string", help: 'close the string with `"` on the same line' },
};
