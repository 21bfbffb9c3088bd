// Circuit breakers over plain BreakerState records (so they live in RuntimeState and survive hot
// reload). closed → open on `failures` consecutive failures or a windowed error rate; open →
// half_open after the cooldown; half_open admits only `probes` concurrent probes and closes after
// `successes` probe successes, while one probe failure reopens it.
import type { Settings } from "../../compile/graph.ts";
import type { BreakerPhase, BreakerState } from "../api.ts";

export type BreakerSettings = Settings["breaker"];
/** How an attempt got through: as ordinary traffic, or as one of the half-open probes. */
export type Admission = "normal" | "probe";
export type OnTransition = (from: BreakerPhase, to: BreakerPhase) => void;

export function freshBreaker(): BreakerState {
  return { phase: "closed", consecutiveFailures: 0, openedAt: null, probesInFlight: 0, probeSuccesses: 0 };
}

function moveTo(b: BreakerState, to: BreakerPhase, now: number, notify: OnTransition): void {
  const from = b.phase;
  if (from === to) return;
  b.phase = to;
  b.probesInFlight = 0;
  b.probeSuccesses = 0;
  if (to === "open") b.openedAt = now;
  if (to === "closed") {
    b.openedAt = null;
    b.consecutiveFailures = 0;
  }
  notify(from, to);
}

/** Lazily turns an open breaker half-open once its cooldown has passed. */
function refresh(b: BreakerState, cfg: BreakerSettings, now: number, notify: OnTransition): void {
  if (b.phase === "open" && b.openedAt !== null && now >= b.openedAt + cfg.cooldownMs) {
    moveTo(b, "half_open", now, notify);
  }
}

export function wouldAdmit(b: BreakerState, cfg: BreakerSettings, now: number, notify: OnTransition): boolean {
  refresh(b, cfg, now, notify);
  return b.phase === "closed" || (b.phase === "half_open" && b.probesInFlight < cfg.probes);
}

/** Takes a slot (a probe slot when half-open); null when the breaker refuses. */
export function admit(b: BreakerState, cfg: BreakerSettings, now: number, notify: OnTransition): Admission | null {
  if (!wouldAdmit(b, cfg, now, notify)) return null;
  if (b.phase === "closed") return "normal";
  b.probesInFlight++;
  return "probe";
}

export function recordSuccess(
  b: BreakerState,
  cfg: BreakerSettings,
  how: Admission,
  now: number,
  notify: OnTransition,
): void {
  if (how === "probe") {
    if (b.phase !== "half_open") return;
    b.probesInFlight = Math.max(0, b.probesInFlight - 1);
    b.probeSuccesses++;
    if (b.probeSuccesses >= cfg.successes) moveTo(b, "closed", now, notify);
    return;
  }
  if (b.phase === "closed") b.consecutiveFailures = 0;
}

/** `rateTripped`: the caller's window says the error rate rule fired. */
export function recordFailure(
  b: BreakerState,
  cfg: BreakerSettings,
  how: Admission,
  now: number,
  notify: OnTransition,
  rateTripped: boolean,
): void {
  if (how === "probe") {
    if (b.phase === "half_open") moveTo(b, "open", now, notify);
    return;
  }
  if (b.phase !== "closed") return; // admitted before it opened: already accounted for
  b.consecutiveFailures++;
  if (b.consecutiveFailures >= cfg.failures || rateTripped) moveTo(b, "open", now, notify);
}

/** Gives a probe slot back without judging the upstream (client abort, client-side error). */
export function release(b: BreakerState, how: Admission): void {
  if (how === "probe" && b.phase === "half_open") b.probesInFlight = Math.max(0, b.probesInFlight - 1);
}

/** When an open breaker will let probes through again; null when it is not open. */
export function reopensAt(b: BreakerState, cfg: BreakerSettings): number | null {
  return b.phase === "open" && b.openedAt !== null ? b.openedAt + cfg.cooldownMs : null;
}
