// Helpers for formatter tests: parse-or-fail, and the AST with spans and comment positions
// removed, which is what "formatting preserves meaning" compares.
import type { Policy } from "../../src/syntax/ast.ts";
import { parsePolicy } from "../../src/syntax/parse.ts";

export function mustParse(text: string, file = "t.route"): Policy {
  const result = parsePolicy(text, file);
  if (result.policy === null) {
    throw new Error(`expected ${file} to parse: ${result.diagnostics.map((d) => d.message).join("; ")}`);
  }
  return result.policy;
}

/** The tree without positions: spans go, comments go (their texts are compared separately). */
export function meaning(policy: Policy): unknown {
  return JSON.parse(JSON.stringify({ ...policy, comments: [] }, (key, value) => (key === "span" ? undefined : value)));
}

export function commentTexts(policy: Policy): string[] {
  return policy.comments.map((c) => c.text.trimEnd()).sort();
}
