// The x-switchyard-* response headers and the overhead figure, derived from an OutcomeMeta so the
// client can see which route and model served it and how many attempts it took (and, with
// `--debug-decisions`, why: x-switchyard-decision).
import type { AttemptRecord, OutcomeMeta } from "../runtime/api.ts";
import { attemptLabel } from "../runtime/engine.ts";
import { compactDecision, DECISION_HEADER } from "./decision-header.ts";

/** `a:503,a:503,b:200`; attempts without an HTTP error status show their class (`b:timeout`). */
export function attemptSummary(attempts: readonly AttemptRecord[]): string {
  return attempts.map((a) => attemptLabel(a.model, a.status, a.cls)).join(",");
}

/**
 * Time the gateway itself spent: elapsed minus the time attempts spent waiting on upstreams.
 * For a stream that is still running, the serving attempt is not recorded yet: everything since
 * the last recorded attempt ended (or the engine started) counts as waiting for its first chunk.
 */
export function overheadMs(
  meta: OutcomeMeta | null,
  receivedAt: number,
  engineStartedAt: number,
  now: number,
  streaming: boolean,
): number {
  const elapsed = now - receivedAt;
  if (!meta) return Math.max(0, elapsed);
  let upstream = 0;
  let lastEnd = engineStartedAt;
  for (const a of meta.attempts) {
    upstream += a.durationMs;
    lastEnd = Math.max(lastEnd, a.startedAt + a.durationMs);
  }
  const servingRecorded = meta.attempts.some((a) => a.cls === "ok" && a.model === meta.servedModel);
  if (streaming && !servingRecorded) upstream += Math.max(0, now - lastEnd);
  return Math.max(0, elapsed - upstream);
}

/**
 * The SSE comment before a stream's last event: every attempt as the stream ended and the model that
 * finished. The headers went out with the first model; a continuation changes both afterwards, and
 * a comment reaches every client, unlike trailers (SSE parsers skip it).
 */
export function finalStreamComment(meta: OutcomeMeta): string {
  return `: switchyard attempts=${attemptSummary(meta.attempts)}; model=${meta.servedModel ?? "none"}\n\n`;
}

export function outcomeHeaders(
  meta: OutcomeMeta,
  requestId: string,
  overhead: number,
  streaming: boolean,
): Record<string, string> {
  const attempts = [...meta.attempts];
  // A stream's serving attempt is recorded when it ends; show it as the 200 the client is getting.
  if (streaming && meta.servedModel && !attempts.some((a) => a.cls === "ok" && a.model === meta.servedModel)) {
    attempts.push({
      model: meta.servedModel,
      provider: "",
      status: 200,
      cls: "ok",
      startedAt: 0,
      durationMs: 0,
      ttftMs: null,
      message: null,
    });
  }
  const headers: Record<string, string> = {
    "x-request-id": requestId,
    "x-switchyard-route": meta.route,
    "x-switchyard-attempts": attemptSummary(attempts),
    "x-switchyard-overhead-ms": overhead.toFixed(2),
  };
  if (meta.servedModel) headers["x-switchyard-model"] = meta.servedModel;
  if (meta.decision) headers[DECISION_HEADER] = compactDecision(meta.decision, meta.servedModel, attempts.length);
  return headers;
}
