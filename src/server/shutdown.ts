// The order in which the gateway stops (SIGTERM, SIGINT or RunningGateway.stop()):
//   1. not ready: /readyz answers 503 while every request, old and new, is still served, so a load
//      balancer can notice and move traffic away (the not-ready window, default 0);
//   2. drain: the listener stops accepting, API requests on open connections get 503
//      `shutting_down`, and in-flight requests get up to the drain time to finish;
//   3. cut: streams still running are ended with an error event (`gateway_shutdown`) and logged as
//      cut by the gateway; they get a short moment to write it.
// serve.ts then writes the last snapshot and closes the listener. All waits are on the injected clock.
import type { Clock } from "../runtime/ports.ts";
import type { Gateway } from "./app.ts";
import { eventLogLine, type LogSink } from "./request-log.ts";

export interface ShutdownTiming {
  /** How long /readyz fails before the listener stops accepting. */
  notReadyMs: number;
  /** Longest wait for in-flight requests once the listener stopped accepting. */
  drainMs: number;
}

export const DEFAULT_NOT_READY_MS = 0;
export const DEFAULT_DRAIN_MS = 10_000;

/** After a cut a stream only has to write its error event; this bounds that. */
const CUT_FLUSH_MS = 1_000;

export interface ShutdownSteps {
  gateway: Gateway;
  clock: Clock;
  timing: ShutdownTiming;
  /** Stops accepting connections (open ones finish). */
  stopAccepting(): void;
  log: LogSink;
}

/** Runs steps 1–3; resolves with the number of streams that had to be cut. */
export async function shutDown(steps: ShutdownSteps): Promise<number> {
  const { gateway, clock, timing, log } = steps;
  gateway.markNotReady();
  log(
    eventLogLine("shutdown", clock.now(), {
      phase: "not_ready",
      inflight: gateway.inflight(),
      notReadyMs: timing.notReadyMs,
      drainMs: timing.drainMs,
    }),
  );
  if (timing.notReadyMs > 0) await clock.sleep(timing.notReadyMs);
  steps.stopAccepting();
  if (await settlesWithin(clock, gateway.drain(), timing.drainMs)) return 0;
  const cut = gateway.cutStreams();
  log(eventLogLine("shutdown", clock.now(), { phase: "cut", streams: cut, inflight: gateway.inflight() }));
  await settlesWithin(clock, gateway.drain(), CUT_FLUSH_MS);
  return cut;
}

/** Whether `work` settled before `ms` passed on `clock`; the timer is called off either way. */
async function settlesWithin(clock: Clock, work: Promise<void>, ms: number): Promise<boolean> {
  const timer = new AbortController();
  const expired = clock.sleep(ms, timer.signal).then(
    () => false,
    () => false,
  );
  const finished = await Promise.race([work.then(() => true), expired]);
  timer.abort();
  return finished;
}
