// Reads one value written as in a policy (`250ms`, `5m`, `100/s`, `1%`, `1M`) with the policy
// grammar itself, so scenario files and CLI flags never grow a second, subtly different parser.
import type { Value } from "./ast.ts";
import { parsePolicy } from "./parse.ts";

const cache = new Map<string, Value | null>();

/** The single policy value written in `text`, or null when it is not exactly one value. */
export function parseLiteral(text: string): Value | null {
  const hit = cache.get(text);
  if (hit !== undefined) return hit;
  let value: Value | null = null;
  if (!/[\n\r#{}]/.test(text)) {
    const parsed = parsePolicy(`defaults { v ${text} }`, "<value>");
    const members = parsed.policy?.items[0]?.body.members ?? [];
    if (parsed.policy?.items.length === 1 && members.length === 1 && members[0].kind === "property") {
      value = members[0].value;
    }
  }
  cache.set(text, value);
  return value;
}
