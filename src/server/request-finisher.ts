// Closing out a request, once, when it ends: its metrics from the final OutcomeMeta and its JSON
// log line (which also says what the response cache did).
import type { Ports } from "../runtime/ports.ts";
import type { Finish, GatewayCore, RequestContext } from "./context.ts";
import type { GatewayMetrics } from "./metrics.ts";
import { overheadMs } from "./outcome-headers.ts";
import { requestLogLine, type LogSink } from "./request-log.ts";

/** Closes out a request: its metrics and its log line. */
export function requestFinisher(clock: Ports["clock"], metrics: GatewayMetrics, log: LogSink): GatewayCore["finish"] {
  return (ctx: RequestContext, f: Finish) => {
    ctx.logged = true;
    const now = clock.now();
    const durationMs = now - ctx.receivedAt;
    const overhead = overheadMs(f.meta, ctx.receivedAt, f.engineStartedAt ?? now, now, f.stream);
    const route = f.meta?.route ?? null;
    if (f.endpoint) {
      const known = route !== null && ctx.live.addressable.has(route) ? route : "";
      metrics.record({
        endpoint: f.endpoint,
        route: known,
        status: f.status,
        durationMs,
        ttftMs: f.ttftMs,
        overheadMs: overhead,
        meta: f.meta,
      });
    }
    log(
      requestLogLine(
        {
          id: ctx.id,
          method: ctx.req.method,
          path: ctx.path,
          route,
          key: ctx.key,
          status: f.status,
          durationMs,
          ttftMs: f.ttftMs,
          overheadMs: overhead,
          stream: f.stream,
          meta: f.meta,
          error: f.error,
          cache: f.cache,
        },
        now,
      ),
    );
  };
}
