// Who counts a `requests` quota in the shared counter: once an embedder takes the leases for its
// engines (`sync.quotaLeases()`, as serve does), units are taken ahead by the sync tick and a
// finished request adds nothing more; an embedder that does not keeps the quota shared by adding
// each served request after its reply, and takes no lease it would never spend.
import { expect, test } from "bun:test";
import { ManualClock } from "../../src/ports/manual-clock.ts";
import type { OutcomeMeta, RuntimeState } from "../../src/runtime/api.ts";
import { MemorySharedHub } from "../../src/state/shared/memory-store.ts";
import { SharedStateSync } from "../../src/state/shared/sync.ts";
import { graph, model } from "../server/fixtures.ts";

const KEY = "model:a:requests:day";
const g = graph({
  models: [model("a", "p", { limits: [{ metric: "requests", amount: 100, window: "day" }] }), model("b")],
});
const counter = { key: KEY, windowStart: 0, windowEnd: 86_400_000, limit: 100 };

function instance(hub: MemorySharedHub, clock: ManualClock, name: string): SharedStateSync {
  const state: RuntimeState = {
    breakers: {},
    windows: {},
    quotas: { [KEY]: { windowStart: 0, used: 0 } },
    cursors: {},
    sticky: {},
    counters: {},
  };
  const o = { store: hub.connect("p"), clock, instance: name, timeoutMs: 50, syncMs: 100 };
  return new SharedStateSync({ ...o, graph: () => g, state: () => state, log: () => {} });
}

const served = (at: number): OutcomeMeta => ({
  id: "r",
  route: "fast",
  servedModel: "a",
  attempts: [],
  skipped: [],
  failovers: 0,
  continuations: 0,
  usage: { prompt_tokens: 5, completion_tokens: 3, total_tokens: 8 },
  costUsd: 0,
  startedAt: at,
  endedAt: at,
  status: 200,
  errorClass: null,
});

test("leases handed to an engine take units ahead; without them each served request is added after its reply", async () => {
  const clock = new ManualClock(1_000);
  const hub = new MemorySharedHub(clock);
  const store = hub.connect("p");
  const plain = instance(hub, clock, "x");
  await plain.start();
  expect(await store.usage(counter)).toBe(0); // no lease taken for an engine that will not spend it
  plain.requestDone(served(clock.now()));
  await clock.advance(0);
  expect(await store.usage(counter)).toBe(1);

  const leasing = instance(hub, clock, "y");
  const leases = leasing.quotaLeases();
  await leasing.start();
  await clock.advance(0);
  expect(await store.usage(counter)).toBe(11); // the first tick leased 10 units
  expect(leases.allows(KEY, clock.now())).toBe(true);
  leases.admitted(KEY, clock.now());
  leasing.requestDone(served(clock.now()));
  await clock.advance(0);
  expect(await store.usage(counter)).toBe(11); // the request's unit was among them
  expect((await leasing.view()).leased).toEqual({ [KEY]: 9 });
  await Promise.all([plain.stop(), leasing.stop()]);
});
