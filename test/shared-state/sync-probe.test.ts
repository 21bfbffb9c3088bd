// SharedStateSync on the in-memory store and a virtual clock: two instances' breakers turn
// half-open together and only the lease holder probes; when the previous lease outlives the
// cool-down (a probe that failed faster than `timeout`), the blocked instances claim again on the
// next tick instead of staying half-open with no probe for ever.
import { expect, test } from "bun:test";
import { ManualClock } from "../../src/ports/manual-clock.ts";
import type { BreakerState, RuntimeState } from "../../src/runtime/api.ts";
import { MemorySharedHub } from "../../src/state/shared/memory-store.ts";
import { SharedStateSync } from "../../src/state/shared/sync.ts";
import { graph } from "../server/fixtures.ts";

const COOLDOWN = 100; // the fixtures' breaker cool-down

function instance(hub: MemorySharedHub, clock: ManualClock, name: string) {
  const breaker: BreakerState = {
    phase: "half_open",
    consecutiveFailures: 0,
    openedAt: 0,
    probesInFlight: 0,
    probeSuccesses: 0,
  };
  const state: RuntimeState = {
    breakers: { a: breaker },
    windows: {},
    quotas: {},
    cursors: {},
    sticky: {},
    counters: {},
  };
  const sync = new SharedStateSync({
    store: hub.connect("p"),
    clock,
    instance: name,
    timeoutMs: 50,
    syncMs: 100,
    graph: () => graph(),
    state: () => state,
    log: () => {},
  });
  return { sync, breaker };
}

test("only the lease holder probes, and a lease left from the last cool-down is claimed again on a later tick", async () => {
  const clock = new ManualClock(0);
  const hub = new MemorySharedHub(clock);
  // the previous probe's lease: taken at 0 for cool-down + timeout, so it outlives this cool-down by 50 ms
  expect(await hub.connect("p").claimProbe("a", "old", COOLDOWN + 50)).toBe(true);
  await clock.advance(COOLDOWN);
  const [x, y] = [instance(hub, clock, "x"), instance(hub, clock, "y")];
  await Promise.all([x.sync.start(), y.sync.start()]);
  x.sync.breakerChanged("a", "open", "half_open", clock.now());
  y.sync.breakerChanged("a", "open", "half_open", clock.now());
  await clock.advance(0);
  const probes = (b: BreakerState) => b.probesInFlight;
  expect([probes(x.breaker), probes(y.breaker)]).toEqual([1, 1]); // both blocked: the old lease holds
  await clock.advance(100); // past the old lease: the next tick claims; exactly one wins
  await clock.advance(0);
  const open = [x.breaker, y.breaker].filter((b) => b.probesInFlight === 0);
  expect(open).toHaveLength(1);
  await Promise.all([x.sync.stop(), y.sync.stop()]);
});
