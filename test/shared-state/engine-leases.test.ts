// The engine with leased `requests` quotas (the QuotaLeases port, on the in-memory store): a model
// with no unit in hand is skipped for quota at once (the request fails over, it never waits), each
// admitted attempt spends a unit, and an upstream that says the quota is gone drops the units the
// instance still holds.
import { expect, test } from "bun:test";
import type { LimitNode } from "../../src/compile/graph.ts";
import { MemorySharedHub } from "../../src/state/shared/memory-store.ts";
import { SharedQuotaLeases } from "../../src/state/shared/quota-leases.ts";
import { chainGraph, err, harness, model } from "../runtime/fixtures.ts";

const DAY = 86_400_000;
const KEY = "model:free:requests:day";
const limit: LimitNode = { metric: "requests", amount: 100, window: "day" };

function setup() {
  const holder: { leases?: SharedQuotaLeases; hub?: MemorySharedHub } = {};
  const h = harness(chainGraph([model("free", { limits: [limit] }), model("paid")]), {
    start: DAY * 100 + 5_000,
    quotaLeases: (clock) => {
      const hub = new MemorySharedHub(clock, 2);
      const store = hub.connect("p");
      holder.hub = hub;
      holder.leases = new SharedQuotaLeases({
        clock,
        take: (counter, want) => store.take(counter, want),
        up: () => true,
        refs: () => new Map([[KEY, { key: KEY, limit }]]),
        leaseSize: () => 4,
        send: (p) => void p.catch(() => {}),
        lay: () => {},
        owe: () => {},
      });
      return holder.leases;
    },
  });
  return { h, leases: holder.leases!, hub: holder.hub! };
}

test("no unit in hand: the model is skipped for quota and the request fails over without waiting", async () => {
  const { h, leases } = setup();
  const first = await h.chat();
  expect(first.meta.servedModel).toBe("paid");
  expect(first.meta.skipped).toEqual([{ model: "free", reason: "quota" }]);
  // the take started by that request came back while it ran: the next ones spend its units
  const served: (string | null)[] = [];
  for (let i = 0; i < 6; i++) served.push((await h.chat()).meta.servedModel);
  expect(served).toEqual(Array(6).fill("free"));
  expect(h.engine.state().quotas[KEY]!.used).toBe(6); // the local record counts admissions as before
  expect(leases.held(h.clock.now())[KEY]).toBeGreaterThan(0); // topped up at half, in the background
});

test("an upstream quota error drops the units in hand: the model stays skipped though the cluster has units", async () => {
  const { h, leases, hub } = setup();
  await h.chat(); // starts the first take
  h.upstream.script("free", () => ({ kind: "fail", error: err("quota", 429) }));
  expect((await h.chat()).meta.servedModel).toBe("paid");
  expect(leases.held(h.clock.now())[KEY]).toBe(0);
  h.engine.state().quotas[KEY]!.used = 0; // only the lease decides now (no local record says spent)
  expect((await h.chat()).meta.skipped).toEqual([{ model: "free", reason: "quota" }]);
  hub.delayMs = 0;
  const taken = await hub.connect("p").usage({ key: KEY, windowStart: DAY * 100, windowEnd: DAY * 101, limit: 100 });
  expect(taken).toBe(4); // one lease, and no new take after the upstream said the quota is gone
});
