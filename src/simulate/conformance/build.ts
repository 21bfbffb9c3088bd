// Scenario pieces for the conformance cases: traffic sources and fault windows with the same
// defaults a scenario file gets, so a case states only what makes it that case.
import type { FaultKind, FaultWindow, TrafficSpec } from "../scenario-types.ts";

/** Plain chat requests on `route`: `count` of them, evenly spread over [fromMs, toMs). */
export function traffic(route: string, over: Partial<TrafficSpec> = {}): TrafficSpec {
  return {
    route,
    api: "chat",
    ratePerMs: null,
    count: 1,
    arrival: "constant",
    fromMs: 0,
    toMs: 1,
    stream: 0,
    tools: 0,
    images: 0,
    json: 0,
    promptTokens: { kind: "fixed", value: 500 },
    outputTokens: { kind: "fixed", value: 60 },
    headers: {},
    metadata: {},
    key: null,
    repeat: 0,
    ...over,
  };
}

/** A fault window on the primary; without `forMs` it lasts the whole run. */
export function fault(kind: FaultKind, over: Partial<FaultWindow> = {}): FaultWindow {
  return {
    atMs: 0,
    forMs: Number.POSITIVE_INFINITY,
    fault: kind,
    status: 503,
    retryAfterMs: null,
    retryAfterDate: false,
    delayMs: 30_000,
    tokens: 10,
    share: 1,
    ...over,
  };
}
