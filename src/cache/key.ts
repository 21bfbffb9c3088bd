// The response cache key: a sha256 of everything that changes the answer. The body goes in whole
// except the fields that only choose how the answer is delivered (`stream`, `stream_options`) or
// that the resolved rule already stands for (`model`), so messages, tools, tool_choice,
// response_format and every sampling parameter (temperature, top_p, seed, max tokens, stop,
// penalties, logit_bias, …) are in it, including ones added to the API later.
//
// It is computed on every request to a caching rule, hits and misses alike, so it is built for
// speed: one native JSON.stringify of one array (the parts in a fixed order, then the body's fields
// sorted by name) and one native sha256. The body's top-level field order never matters; inside a
// field, values count as written (`{role, content}` and `{content, role}` are two entries). A client
// sends the same request the same way, and a different spelling is a miss, never a wrong answer.
// A JavaScript canonical form sorted at every depth cost ~4 µs on a tiny body, more than the rest
// of a miss together (docs/performance.md).
import type { MatchedRule } from "../runtime/api.ts";

/** The client dialect a request came in through; the same prompt in two dialects is two entries. */
export type CacheDialect = "chat" | "messages" | "responses";

export interface KeyParts {
  matched: MatchedRule;
  dialect: CacheDialect;
  /** The engine's (OpenAI chat) body of the request. */
  body: Record<string, unknown>;
  /** Who asked (the caller's key as presented, or the declared key's name), or null; left out when the rule says `shared true`. */
  tenant: string | null;
}

const DELIVERY_FIELDS = new Set(["stream", "stream_options", "model"]);
/** Bumped when what goes into a key changes, so no old entry in a shared store is read under a new meaning. */
const KEY_VERSION = 2;

/** The text the key hashes; exported for the tests. */
export function keyText(p: KeyParts): string {
  const shared = p.matched.cache?.shared === true;
  // the tenant is hashed with the rest: no part of a caller's key is ever stored or shown
  const parts: unknown[] = [KEY_VERSION, p.matched.rule, p.matched.models, p.dialect, shared ? null : (p.tenant ?? "")];
  const body = p.body;
  for (const name of sortedNames(body)) {
    const value = body[name];
    if (value !== undefined && !DELIVERY_FIELDS.has(name)) parts.push(name, value);
  }
  return JSON.stringify(parts);
}

/** The object's own keys in code-unit order; an insertion sort, the fastest for the handful a body has. */
function sortedNames(obj: Record<string, unknown>): string[] {
  const names = Object.keys(obj);
  for (let i = 1; i < names.length; i++) {
    const name = names[i];
    let j = i - 1;
    for (; j >= 0 && names[j] > name; j--) names[j + 1] = names[j];
    names[j + 1] = name;
  }
  return names;
}

export function cacheKey(p: KeyParts): string {
  return Bun.SHA256.hash(keyText(p), "base64");
}
