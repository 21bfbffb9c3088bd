// The calling key an explanation is made for (`POST /admin/explain?key=NAME`, `switchyard explain
// --key NAME`): a key NAME declared in the policy, so `when key`/`when tag` conditions and the key's
// limits and budgets count as they would for that caller. The given value is never echoed back: a
// caller who pasted a secret instead of a name must not see it in an error (or a log).
import type { Graph } from "../compile/graph.ts";

/** The declared key `name` names, or the error message saying which names are valid. */
export function explainKey(graph: Graph, name: string): { ok: true; key: string } | { ok: false; message: string } {
  const declared = (graph.keys ?? []).map((k) => k.name);
  if (declared.includes(name)) return { ok: true, key: name };
  const valid =
    declared.length === 0 ? "the policy declares no keys" : `declared: ${declared.map((n) => `\`${n}\``).join(", ")}`;
  return { ok: false, message: `\`key\` must name a key declared in the policy (${valid})` };
}
