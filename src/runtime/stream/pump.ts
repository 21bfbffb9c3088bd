// The pump: the next step of a segment when nothing is ready in memory, waiting on the upstream
// under the idle watchdog (or, once the answer is complete, a short grace for a trailing usage
// chunk), and telling a cut, stall, in-band error or client disconnect apart.
import { classifyError, DeadlineExceeded } from "../attempt/classify.ts";
import { MAX_MALFORMED_IN_A_ROW } from "../attempt/chat-attempt.ts";
import type { RequestCtx } from "../flow/context.ts";
import { UpstreamError, type ChatChunk } from "../upstream.ts";
import type { StreamEvent } from "../api.ts";
import { CLIENT_GONE, FINISHED, type Segment, type SegmentEnd, type TakeChunk } from "./segment.ts";

/** After a finish_reason, how long to wait for a trailing usage chunk (capped by the idle timeout). */
const USAGE_GRACE_MS = 1000;

const CUT: SegmentEnd = {
  kind: "broken",
  failure: {
    cls: "cut",
    status: null,
    message: "stream ended without a finish_reason",
    retryAfterMs: null,
    code: null,
  },
};

/** Whether the segment must stop delivering: its attempt was aborted or the client left. */
export const stopped = (seg: Segment, ctx: RequestCtx): boolean =>
  seg.handle.run.abortReason !== null || ctx.signal.aborted;

/** The next event or segment end, waiting on the upstream when nothing is ready. */
export async function pump(seg: Segment, ctx: RequestCtx, take: TakeChunk): Promise<StreamEvent | SegmentEnd> {
  const run = seg.handle.run;
  const clock = ctx.core.ports.clock;
  const idleMs = ctx.settings.timeout.idleMs;
  for (;;) {
    const now = seg.ready(take, stopped(seg, ctx));
    if (now !== null) return now;
    const t = clock.now();
    if (seg.finished) run.arm("grace", t + Math.min(USAGE_GRACE_MS, idleMs));
    else run.arm("idle", t + idleMs);
    let r: IteratorResult<ChatChunk>;
    try {
      r = await run.race(seg.iterator.next());
    } catch (err) {
      if (run.clientGone || ctx.signal.aborted) return CLIENT_GONE;
      if (seg.finished) return FINISHED; // the answer is complete; only the tail went wrong
      const reason = run.abortReason;
      if (
        !reason &&
        err instanceof UpstreamError &&
        err.cls === "malformed" &&
        ++seg.malformed <= MAX_MALFORMED_IN_A_ROW
      )
        continue;
      return {
        kind: "broken",
        failure: classifyError(reason instanceof DeadlineExceeded ? reason : err, ctx.core.redactor),
      };
    }
    if (r.done) return seg.finished ? FINISHED : CUT;
    run.hold();
    seg.readAt = clock.now();
    const step = take(r.value, false);
    if (step !== null) return step;
  }
}
