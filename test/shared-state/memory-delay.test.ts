// The in-memory store's propagation delay runs on the injected clock (for simulate): a breaker
// published by one instance reaches another exactly `delayMs` of virtual time later, and an
// operation against a hub that is down rejects, as an unreachable Redis does.
import { expect, test } from "bun:test";
import { ManualClock } from "../../src/ports/manual-clock.ts";
import type { SharedBreaker } from "../../src/runtime/ports.ts";
import { MemorySharedHub } from "../../src/state/shared/memory-store.ts";

test("a published breaker arrives after the configured delay of virtual time", async () => {
  const clock = new ManualClock(0);
  const hub = new MemorySharedHub(clock, 40);
  const [a, b] = [hub.connect("p"), hub.connect("p")];
  const seen: number[] = [];
  const subscribed = b.onBreaker(() => void seen.push(clock.now()));
  await clock.advance(40);
  await subscribed;
  const open: SharedBreaker = { phase: "open", openedAt: 40, by: "a", at: 40 };
  const published = a.publishBreaker("m", open, 60_000);
  await clock.advance(40); // the publish reaches the hub
  await published;
  expect(seen).toEqual([]);
  await clock.advance(40); // and the subscriber
  expect(seen).toEqual([120]);
});

test("a hub that is down rejects every operation", async () => {
  const hub = new MemorySharedHub(new ManualClock(0));
  const store = hub.connect("p");
  hub.down = true;
  await expect(store.ping()).rejects.toThrow("unreachable");
  await expect(store.claimProbe("m", "a", 1000)).rejects.toThrow();
  hub.down = false;
  expect(await store.claimProbe("m", "a", 1000)).toBe(true);
});
