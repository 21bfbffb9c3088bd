// The response cache key: a sha256 over a canonical JSON (object keys sorted at every depth) of
// everything that changes the answer. The body goes in whole except the fields that only choose
// how the answer is delivered (`stream`, `stream_options`) or that the resolved rule already
// stands for (`model`), so messages, tools, tool_choice, response_format and every sampling
// parameter (temperature, top_p, seed, max tokens, stop, penalties, logit_bias, …) are in it,
// including ones added to the API later.
import { createHash } from "node:crypto";
import type { MatchedRule } from "../../runtime/api.ts";

/** The client dialect a request came in through; the same prompt in two dialects is two entries. */
export type CacheDialect = "chat" | "messages" | "responses";

export interface KeyParts {
  matched: MatchedRule;
  dialect: CacheDialect;
  /** The engine's (OpenAI chat) body of the request. */
  body: Record<string, unknown>;
  /** The caller's key as presented, or null; left out when the rule says `shared true`. */
  callerKey: string | null;
}

const DELIVERY_FIELDS = new Set(["stream", "stream_options", "model"]);

/** JSON with object keys sorted, so two bodies that differ only in key order get one key. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value) ?? "null";
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? "null" : canonicalJson(v))).join(",")}]`;
  const obj = value as Record<string, unknown>;
  const fields: string[] = [];
  for (const k of Object.keys(obj).sort()) {
    if (obj[k] !== undefined) fields.push(`${JSON.stringify(k)}:${canonicalJson(obj[k])}`);
  }
  return `{${fields.join(",")}}`;
}

export function cacheKey(p: KeyParts): string {
  const answerFields: Record<string, unknown> = {};
  for (const k of Object.keys(p.body)) if (!DELIVERY_FIELDS.has(k)) answerFields[k] = p.body[k];
  const shared = p.matched.cache?.shared === true;
  const parts = {
    v: 1,
    rule: p.matched.rule,
    models: p.matched.models,
    dialect: p.dialect,
    // the key itself is hashed again with the rest: no part of it is ever stored or shown
    tenant: shared ? null : (p.callerKey ?? ""),
    body: answerFields,
  };
  return createHash("sha256").update(canonicalJson(parts)).digest("hex");
}
