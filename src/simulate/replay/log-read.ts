// Reads the JSON request log `serve` writes (one object a line) into what a replay needs: when each
// request arrived, its route, key, stream flag and token counts, and every upstream attempt it made.
// Lines are untrusted input, validated with valibot; other events (reloads, shutdowns) are skipped,
// and so are requests the upstreams never saw (cache hits, refusals before routing).
import * as v from "valibot";

const Attempt = v.object({
  model: v.string(),
  status: v.nullable(v.number()),
  cls: v.string(),
  /** ms after the request arrived; absent in logs written before replay existed. */
  at: v.optional(v.number()),
  durationMs: v.number(),
  ttftMs: v.optional(v.nullable(v.number()), null),
  phase: v.optional(v.nullable(v.string()), null),
  retryAfterMs: v.optional(v.number()),
});

const RequestLine = v.object({
  event: v.literal("request"),
  at: v.number(),
  id: v.string(),
  path: v.string(),
  route: v.nullable(v.string()),
  key: v.optional(v.nullable(v.string()), null),
  status: v.number(),
  stream: v.boolean(),
  cache: v.optional(v.string(), "bypass"),
  durationMs: v.number(),
  ttftMs: v.nullable(v.number()),
  servedModel: v.nullable(v.string()),
  attempts: v.array(Attempt),
  tokens: v.nullable(v.object({ in: v.number(), out: v.number() })),
  error: v.optional(v.nullable(v.string()), null),
});

export type LoggedAttempt = v.InferOutput<typeof Attempt>;

/** One replayable request; times are epoch ms as logged. */
export interface LoggedRequest {
  id: string;
  arrivedAt: number;
  route: string;
  key: string | null;
  status: number;
  /** Whether the client got a whole answer: status 200 and no error (a stream can break after its 200). */
  ok: boolean;
  stream: boolean;
  durationMs: number;
  ttftMs: number | null;
  servedModel: string | null;
  attempts: LoggedAttempt[];
  tokens: { in: number; out: number } | null;
}

export interface ReadLog {
  requests: LoggedRequest[];
  /** Lines left out, by reason (`not json`, `not a request`, `cache hit`, …). */
  skipped: Record<string, number>;
}

const CHAT_PATH = "/v1/chat/completions";

/** The request lines of a log, in arrival order (a line is written when its request ends). */
export function readRequestLog(text: string): ReadLog {
  const requests: LoggedRequest[] = [];
  const skipped: Record<string, number> = {};
  const skip = (reason: string): void => void (skipped[reason] = (skipped[reason] ?? 0) + 1);
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) continue; // a comment: a shipped example says how to run it
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      skip("not json");
      continue;
    }
    if ((value as { event?: unknown } | null)?.event !== "request") {
      skip("not a request");
      continue;
    }
    const parsed = v.safeParse(RequestLine, value);
    if (!parsed.success) skip("unreadable request line");
    else {
      const why = unreplayable(parsed.output);
      if (why === null) requests.push(toRequest(parsed.output));
      else skip(why);
    }
  }
  requests.sort((a, b) => a.arrivedAt - b.arrivedAt);
  return { requests, skipped };
}

function unreplayable(l: v.InferOutput<typeof RequestLine>): string | null {
  if (l.path !== CHAT_PATH) return "not a chat completion";
  if (l.route === null) return "refused before routing";
  if (l.cache === "hit") return "cache hit";
  return null;
}

function toRequest(l: v.InferOutput<typeof RequestLine>): LoggedRequest {
  return {
    id: l.id,
    arrivedAt: l.at - l.durationMs,
    route: l.route!,
    key: l.key ?? null,
    status: l.status,
    ok: l.status === 200 && l.error === null,
    stream: l.stream,
    durationMs: l.durationMs,
    ttftMs: l.ttftMs,
    servedModel: l.servedModel,
    attempts: l.attempts,
    tokens: l.tokens,
  };
}
