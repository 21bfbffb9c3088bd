// Leases of `requests` quotas on the in-memory store and a manual clock (the store answers after a
// 5 ms round trip): no unit in hand means "out of quota" at once and one take on its way, units
// are taken again when half are spent, two instances together admit exactly the limit, a new
// window starts from nothing, and while the store is down the local record decides.
import { expect, test } from "bun:test";
import type { LimitNode } from "../../src/compile/graph.ts";
import { ManualClock } from "../../src/ports/manual-clock.ts";
import type { QuotaRef } from "../../src/state/shared/quota-counters.ts";
import { SharedQuotaLeases } from "../../src/state/shared/quota-leases.ts";
import { MemorySharedHub } from "../../src/state/shared/memory-store.ts";

const KEY = "model:free:requests:minute";
const RTT = 5;

function instance(hub: MemorySharedHub, clock: ManualClock, limit: LimitNode, size = 10) {
  const store = hub.connect("p");
  const refs = new Map<string, QuotaRef>([[KEY, { key: KEY, limit }]]);
  const seen = { takes: 0, laid: 0, owed: 0, up: true, failures: 0 };
  const leases = new SharedQuotaLeases({
    clock,
    take: (counter, want) => (seen.takes++, store.take(counter, want)),
    up: () => seen.up,
    refs: () => refs,
    leaseSize: () => size,
    send: (p) => void p.catch(() => seen.failures++),
    lay: (_key, _start, used) => void (seen.laid = used),
    owe: () => void seen.owed++,
  });
  /** Admits one request if the lease allows it (what the engine does at admission). */
  const admit = (): boolean => {
    if (leases.allows(KEY, clock.now()) !== true) return false;
    leases.admitted(KEY, clock.now());
    return true;
  };
  return { leases, seen, admit };
}

const perMinute = (amount: number): LimitNode => ({ metric: "requests", amount, window: "minute" });

/** One instance under `requests 100/min` whose first lease (taken at 0) has come back. */
async function leased() {
  const clock = new ManualClock(0);
  const hub = new MemorySharedHub(clock, RTT);
  const one = instance(hub, clock, perMinute(100));
  one.leases.topUp(0, 100);
  await clock.advance(RTT);
  return { clock, hub, ...one };
}

test("with no unit in hand the quota is out at once and one take goes out; units are taken again at half", async () => {
  const clock = new ManualClock(0);
  const hub = new MemorySharedHub(clock, RTT);
  const { leases, seen, admit } = instance(hub, clock, perMinute(100));
  expect(leases.allows(KEY, 0)).toBe(false); // never waits: the request fails over
  expect(leases.allows(KEY, 0)).toBe(false);
  expect(seen.takes).toBe(1); // one take on its way, not one per request
  await clock.advance(RTT);
  expect(leases.held(clock.now())).toEqual({ [KEY]: 10 });
  expect(seen.laid).toBe(10);
  for (let i = 0; i < 5; i++) expect(admit()).toBe(true);
  expect(seen.takes).toBe(2); // half spent: the next 5 are asked for while 5 are still in hand
  for (let i = 0; i < 5; i++) expect(admit()).toBe(true);
  expect(admit()).toBe(false); // all spent before the take came back
  await clock.advance(RTT);
  expect(leases.held(clock.now())).toEqual({ [KEY]: 5 });
  expect(seen.laid).toBe(15);
});

test("two instances sharing a 25 limit admit exactly 25 between them, and nothing more that window", async () => {
  const clock = new ManualClock(0);
  const hub = new MemorySharedHub(clock, RTT);
  const a = instance(hub, clock, perMinute(25));
  const b = instance(hub, clock, perMinute(25));
  let admitted = 0;
  for (let round = 0; round < 40; round++) {
    for (const x of [a, b]) {
      x.leases.topUp(clock.now(), 100); // what each sync tick does
      for (let i = 0; i < 4; i++) if (x.admit()) admitted++;
    }
    await clock.advance(RTT);
  }
  expect(admitted).toBe(25);
  hub.delayMs = 0; // read the counter without stepping the clock
  expect(await hub.connect("p").usage({ key: KEY, windowStart: 0, windowEnd: 60_000, limit: 25 })).toBe(25);
  expect(a.seen.takes + b.seen.takes).toBeLessThan(25); // far fewer round trips than requests
});

test("without a tick before it, a new window starts with no units: what was left is dropped, not carried over", async () => {
  const { clock, hub, leases, admit } = await leased();
  expect(admit()).toBe(true);
  await clock.advance(60_000 - RTT - 1); // the last millisecond of the minute
  expect(leases.held(clock.now())).toEqual({ [KEY]: 9 });
  await clock.advance(1);
  expect(admit()).toBe(false);
  await clock.advance(RTT);
  expect(admit()).toBe(true);
  hub.delayMs = 0;
  expect(await hub.connect("p").usage({ key: KEY, windowStart: 60_000, windowEnd: 120_000, limit: 100 })).toBe(10);
});

test("the last tick before a window ends leases the next one, so its first request has a unit in hand", async () => {
  const { clock, hub, leases, seen, admit } = await leased();
  await clock.advance(59_800 - clock.now());
  leases.topUp(clock.now(), 100); // the window ends in more than 100 ms: nothing ahead yet
  expect(seen.takes).toBe(1);
  await clock.advance(100);
  leases.topUp(clock.now(), 100);
  leases.topUp(clock.now(), 100); // one lease ahead, not one per tick
  expect(seen.takes).toBe(2);
  await clock.advance(RTT);
  expect(leases.held(clock.now())).toEqual({ [KEY]: 10 }); // still this window's units
  await clock.advance(60_000 - clock.now());
  expect(admit()).toBe(true);
  expect(leases.held(clock.now())).toEqual({ [KEY]: 9 });
  hub.delayMs = 0;
  expect(await hub.connect("p").usage({ key: KEY, windowStart: 60_000, windowEnd: 120_000, limit: 100 })).toBe(10);
});

test("an upstream that says the quota is gone drops the units in hand for the rest of the window", async () => {
  const { clock, hub, leases, seen, admit } = await leased();
  leases.exhausted(KEY, clock.now());
  expect(admit()).toBe(false);
  leases.topUp(clock.now(), 100);
  expect(seen.takes).toBe(1);
});

test("while the store is down the local record decides, and admissions are owed to the cluster", async () => {
  const clock = new ManualClock(0);
  const hub = new MemorySharedHub(clock, RTT);
  const { leases, seen } = instance(hub, clock, perMinute(100));
  seen.up = false;
  expect(leases.allows(KEY, 0)).toBeNull();
  leases.admitted(KEY, 0);
  expect(seen.owed).toBe(1);
  expect(leases.allows("model:other:requests:minute", 0)).toBeNull(); // not a shared quota
  seen.up = true;
  hub.down = true;
  expect(leases.allows(KEY, 0)).toBe(false);
  await clock.advance(RTT);
  expect(seen.failures).toBe(1); // the failed take goes to the sync, which marks the store down
  hub.down = false;
  expect(leases.allows(KEY, clock.now())).toBe(false); // a new take after the failed one
  await clock.advance(RTT);
  expect(leases.allows(KEY, clock.now())).toBe(true);
});
