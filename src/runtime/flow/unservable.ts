// Requests no candidate could ever serve: every model considered lacks a capability the request
// needs or has too small a context window. Waiting does not help, so the answer is the client's
// 400 naming what is missing (an SDK retries a 503, a 400 it does not); breaker and quota skips are
// temporary and keep their 503 + Retry-After.
import { CAPABILITIES, CAP_BIT, type Capability } from "../../syntax/vocabulary.ts";
import type { RequestCtx } from "./context.ts";
import type { ErrorAnswer } from "./errors.ts";

/** The request field a missing capability comes from, for the error's `param`. */
const CAPABILITY_PARAM: Record<Capability, string> = {
  chat: "model",
  embeddings: "model",
  stream: "stream",
  tools: "tools",
  vision: "messages",
  json: "response_format",
  prefill: "messages",
  reasoning: "reasoning_effort",
};

/** Why a request needs a capability, in the client's words. */
const CAPABILITY_WHY: Partial<Record<Capability, string>> = {
  prefill: "the last message is from the assistant",
  reasoning: "`reasoning_effort` or `reasoning` is set",
  tools: "tools or tool_choice are set",
  vision: "a message has an image part",
  json: "response_format asks for json",
  embeddings: "this is an embeddings request",
  chat: "this is a chat request",
};

/** The capabilities `node` lacks for this request (`chat` too, for a chat sent to an embeddings-only model). */
function missingCaps(ctx: RequestCtx, caps: number): Capability[] {
  let missing = ctx.needs.mask & ~caps;
  if (ctx.chat && (caps & (CAP_BIT.embeddings | CAP_BIT.chat)) === CAP_BIT.embeddings) missing |= CAP_BIT.chat;
  return CAPABILITIES.filter((c) => (missing & CAP_BIT[c]) !== 0);
}

/**
 * The 400 for a request that no candidate could ever serve, or null when some skip is temporary
 * (breaker, quota) or a configuration gap (no key), where the 503 stands.
 */
export function neverServable(ctx: RequestCtx): ErrorAnswer | null {
  const skipped = ctx.meta.skipped;
  if (skipped.length === 0 || skipped.some((s) => s.reason !== "capability" && s.reason !== "context")) return null;
  const reasons: string[] = [];
  const lacking = new Set<Capability>();
  for (const s of skipped) {
    const node = ctx.core.tables.models.get(s.model)?.node;
    if (!node) continue;
    if (s.reason === "capability") {
      const missing = missingCaps(ctx, node.caps);
      for (const c of missing) lacking.add(c);
      reasons.push(`\`${s.model}\` lacks ${missing.map((c) => `\`${c}\``).join(", ")}`);
    } else reasons.push(`\`${s.model}\` has a ${node.contextWindow}-token context window`);
  }
  const first = CAPABILITIES.find((c) => lacking.has(c));
  const needs =
    first === undefined
      ? contextNeed(ctx)
      : `\`${first}\`${CAPABILITY_WHY[first] ? ` (${CAPABILITY_WHY[first]})` : ""}`;
  const considered = skipped.map((s) => `\`${s.model}\``).join(", ");
  const message = `no model of route \`${ctx.route}\` can serve this request: it needs ${needs}; ${reasons.join("; ")} (models considered: ${considered})`;
  const code = first === undefined ? "context_length_exceeded" : "unsupported_capability";
  const param = first === undefined ? "messages" : CAPABILITY_PARAM[first];
  return { status: 400, error: { error: { message, type: "invalid_request_error", param, code } }, retryAfterS: null };
}

function contextNeed(ctx: RequestCtx): string {
  const { promptTokens, maxTokens } = ctx.needs;
  return `about ${promptTokens + maxTokens} tokens of context${maxTokens > 0 ? ` (${promptTokens} prompt + ${maxTokens} max_tokens)` : ""}`;
}

/**
 * An upstream said `context_length_exceeded` and no larger candidate was left (every other one was
 * skipped for context or capability): the prompt is too long for this route, the client's 400.
 */
export function contextExhausted(ctx: RequestCtx): ErrorAnswer | null {
  const last = ctx.lastFailure;
  if (last?.cls !== "context_length") return null;
  if (ctx.meta.skipped.some((s) => s.reason !== "capability" && s.reason !== "context")) return null;
  const tried = ctx.meta.attempts.map((a) => `\`${a.model}\``);
  const message = `the request is too long for every model of route \`${ctx.route}\` (last: ${last.message}); models tried: ${[...new Set(tried)].join(", ")}`;
  return {
    status: 400,
    error: { error: { message, type: "invalid_request_error", param: "messages", code: "context_length_exceeded" } },
    retryAfterS: null,
  };
}
