// Turns whatever an attempt ended with (an adapter's UpstreamError, our own timeout, a client
// abort, or an unexpected throw) into one Failure the retry and breaker logic can reason about.
// Messages are scrubbed of every configured secret and shortened before they go anywhere.
import type { FailureClass } from "../../syntax/vocabulary.ts";
import type { Redactor } from "../redactor.ts";
import { UpstreamError } from "../upstream.ts";

export type TimeoutPhase = "connect" | "first_token" | "idle" | "total";

export interface Failure {
  cls: FailureClass;
  status: number | null;
  message: string;
  retryAfterMs: number | null;
  code: string | null;
}

/** The abort reason the engine uses for its own deadlines. */
export class DeadlineExceeded extends Error {
  constructor(readonly phase: TimeoutPhase | "grace") {
    super(`${phase} timeout`);
    this.name = "DeadlineExceeded";
  }
}

/**
 * Whether an attempt's error is the gateway's own fault. Adapters report everything the upstream
 * did as an UpstreamError and the engine ends attempts with DeadlineExceeded or ClientGone; any
 * other throw came from our own code, so blaming the provider for it would be wrong.
 */
export function isGatewayFault(err: unknown): boolean {
  return !(err instanceof UpstreamError || err instanceof DeadlineExceeded || err instanceof ClientGone);
}

/** The abort reason when the client went away. */
export class ClientGone extends Error {
  constructor() {
    super("client closed the request");
    this.name = "ClientGone";
  }
}

export function statusClass(status: number): FailureClass {
  if (status === 429) return "rate_limit";
  if (status === 401 || status === 403) return "auth";
  if (status === 404) return "not_found";
  if (status === 408) return "timeout";
  if (status >= 500) return "server";
  return "client";
}

const MAX_MESSAGE = 300;

/** Redacts before shortening, so a cut can never leave a secret's tail behind unrecognised. */
export function scrub(message: string, redactor: Redactor): string {
  const m = redactor.redact(message);
  return m.length > MAX_MESSAGE ? `${m.slice(0, MAX_MESSAGE)}…` : m;
}

export function timeoutFailure(phase: TimeoutPhase): Failure {
  return {
    cls: "timeout",
    status: null,
    message: `${phase.replace("_", " ")} timeout`,
    retryAfterMs: null,
    code: phase,
  };
}

export function classifyError(err: unknown, redactor: Redactor): Failure {
  if (err instanceof DeadlineExceeded) return timeoutFailure(err.phase === "grace" ? "idle" : err.phase);
  if (err instanceof UpstreamError) {
    return {
      cls: err.cls,
      status: err.status,
      message: scrub(err.message, redactor),
      retryAfterMs: err.retryAfterMs,
      code: err.code,
    };
  }
  const message = err instanceof Error ? err.message : String(err);
  // adapters should classify, but a raw network error still means we never reached the upstream
  const looksLikeConnect = err instanceof TypeError || /ECONNREFUSED|ENOTFOUND|connect|fetch failed/i.test(message);
  return {
    cls: looksLikeConnect ? "connect" : "server",
    status: null,
    message: scrub(`adapter error: ${message}`, redactor),
    retryAfterMs: null,
    code: null,
  };
}

/** Failures that say something about the upstream's health (and so count towards its breaker). */
export function isUpstreamFault(cls: FailureClass): boolean {
  return cls !== "client" && cls !== "context_length" && cls !== "content_policy" && cls !== "quota";
}

/** Failures that say the provider as a whole is unreachable or refusing our key. */
export function isProviderWide(cls: FailureClass): boolean {
  return cls === "auth" || cls === "connect" || cls === "reset";
}

/**
 * `a:503`, `b:timeout`, `c:malformed`: one attempt of the per-attempt trail (error messages and
 * x-switchyard-attempts). The HTTP status when it says what happened; a failure on a 2xx (a 200
 * without an answer) or without a status shows its class.
 */
export function attemptLabel(model: string, status: number | null, cls: string): string {
  return `${model}:${status !== null && (status >= 400 || cls === "ok") ? status : cls}`;
}
