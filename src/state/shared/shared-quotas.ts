// The quota side of the shared-state sync: `requests` quotas through leases (taken before the
// request, so the cluster never passes the limit), `tokens` and `usd` added to the window counters
// after the reply (so each instance may pass the limit by what its in-flight requests use), the
// limits of declared keys and teams (all three metrics) added after the reply the same way, the
// cluster's totals laid over the local quota records, and what was counted while the store was
// down added back when it returns.
import type { Graph } from "../../compile/graph.ts";
import type { OutcomeMeta, RuntimeState } from "../../runtime/api.ts";
import type { Clock, SharedStore } from "../../runtime/ports.ts";
import {
  allKeyQuotas,
  allQuotas,
  amountFor,
  counterAt,
  quotasOfKey,
  quotasOfModel,
  type QuotaRef,
} from "./quota-counters.ts";
import { SharedQuotaLeases } from "./quota-leases.ts";

/** `shared_state { lease }` when a hand-built graph says nothing (the language's default, check/defaults.ts). */
const DEFAULT_LEASE = 10;

export interface SharedQuotasOptions {
  store: SharedStore;
  clock: Clock;
  graph: () => Graph;
  state: () => RuntimeState;
  up: () => boolean;
  /** Fire and forget; a failure marks the store down (and runs `onError`). */
  send: (p: Promise<unknown>, onError?: () => void) => void;
  bounded: <T>(p: Promise<T>) => Promise<T>;
}

export class SharedQuotas {
  /** Usage counted while the store was down, added back on reconnect. */
  readonly #owed = new Map<string, { ref: QuotaRef; amount: number; windowStart: number }>();
  #refsOf: Graph | null = null;
  #requestRefs = new Map<string, QuotaRef>();
  readonly leases: SharedQuotaLeases;
  /**
   * Set once the leases are handed to an engine: from then on `requests` quotas are counted
   * through them (before the request); until then after the reply, like tokens and spend, so an
   * embedder that does not hand them over still shares its quotas.
   */
  #leasing = false;

  constructor(private readonly o: SharedQuotasOptions) {
    this.leases = new SharedQuotaLeases({
      clock: o.clock,
      take: (counter, want) => o.store.take(counter, want),
      up: o.up,
      refs: () => this.#refs(),
      leaseSize: () => o.graph().gateway.sharedState?.lease ?? DEFAULT_LEASE,
      send: (p) => o.send(p),
      lay: (key, windowStart, used) => this.#lay(key, windowStart, used),
      owe: (ref, windowStart) => this.#owe(ref, 1, windowStart),
    });
  }

  /** The leases, for an engine (`EngineOptions.quotaLeases`): `requests` quotas are counted through them from now on. */
  handOver(): SharedQuotaLeases {
    this.#leasing = true;
    return this.leases;
  }

  /**
   * A request finished: its tokens and spend go to the counters (and its request, unless a unit was
   * leased for it), and to its key's and team's limits when it was booked to a declared key.
   */
  requestDone(meta: OutcomeMeta): void {
    const now = this.o.clock.now();
    // a key's request counts whether or not a model served it: it was admitted (meta.key is set then)
    if (meta.key) for (const ref of quotasOfKey(this.o.graph(), meta.key)) this.#add(ref, meta, now);
    if (meta.servedModel === null) return;
    for (const ref of quotasOfModel(this.o.graph(), meta.servedModel)) {
      if (this.#leasing && ref.limit.metric === "requests") continue;
      this.#add(ref, meta, now);
    }
  }

  #add(ref: QuotaRef, meta: OutcomeMeta, now: number): void {
    const amount = amountFor(ref, meta);
    if (amount <= 0) return;
    const counter = counterAt(ref, now);
    if (!this.o.up()) return this.#owe(ref, amount, counter.windowStart);
    this.o.send(
      this.o.store.add(counter, amount).then((r) => this.#lay(ref.key, counter.windowStart, r.used)),
      () => this.#owe(ref, amount, counter.windowStart),
    );
  }

  /** After an outage: adds what was owed; leases start again. Returns how many quotas were owed. */
  async reconcile(): Promise<number> {
    const now = this.o.clock.now();
    const owed = [...this.#owed.values()];
    this.#owed.clear();
    for (const { ref, amount, windowStart } of owed) {
      const counter = counterAt(ref, now);
      if (counter.windowStart === windowStart) await this.o.bounded(this.o.store.add(counter, amount));
    }
    this.leases.reset();
    return owed.length;
  }

  /** Every tick: the cluster's totals over the local records, and leases topped up (`aheadMs`: to the next tick). */
  async pull(aheadMs: number): Promise<void> {
    const now = this.o.clock.now();
    const graph = this.o.graph();
    await Promise.all(
      [...allQuotas(graph), ...allKeyQuotas(graph)].map(async (ref) => {
        const counter = counterAt(ref, now);
        this.#lay(ref.key, counter.windowStart, await this.o.store.usage(counter));
      }),
    );
    if (this.#leasing) this.leases.topUp(this.o.clock.now(), aheadMs);
  }

  /** The cluster's totals (each bounded). */
  async totals(): Promise<Record<string, number>> {
    const now = this.o.clock.now();
    const out: Record<string, number> = {};
    const graph = this.o.graph();
    for (const ref of [...allQuotas(graph), ...allKeyQuotas(graph)])
      out[ref.key] = await this.o.bounded(this.o.store.usage(counterAt(ref, now)));
    return out;
  }

  /** The shared total replaces the local count when it is larger and in the same window. */
  #lay(key: string, windowStart: number, used: number): void {
    const q = this.o.state().quotas[key];
    if (!q) return;
    if (q.windowStart !== windowStart) {
      if (q.windowStart > windowStart) return;
      q.windowStart = windowStart;
      q.used = 0;
    }
    if (used > q.used) q.used = used;
  }

  #owe(ref: QuotaRef, amount: number, windowStart: number): void {
    const owed = this.#owed.get(ref.key);
    if (owed && owed.windowStart === windowStart) owed.amount += amount;
    else this.#owed.set(ref.key, { ref, amount, windowStart });
  }

  /** The live graph's shared `requests` quotas, rebuilt when a reload swaps the graph. */
  #refs(): ReadonlyMap<string, QuotaRef> {
    const graph = this.o.graph();
    if (graph !== this.#refsOf) {
      this.#refsOf = graph;
      this.#requestRefs = new Map(
        allQuotas(graph)
          .filter((r) => r.limit.metric === "requests")
          .map((r) => [r.key, r]),
      );
    }
    return this.#requestRefs;
  }
}
