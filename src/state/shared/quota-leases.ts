// Leases of `requests` quotas (the engine's QuotaLeases): each instance holds up to `lease` units
// taken from the cluster's window counter by one atomic script (`take`: never past the limit) and
// spends them at admission, synchronously. When half of them are gone it takes the rest again in
// the background; with none in hand the model is out of quota for that request (it fails over),
// never waiting on the store. So the cluster admits at most `limit` per window, and at most
// N × `lease` units stay leased but unspent when a window ends. While the store is down every
// answer is null (the local quota record decides) and admissions are owed to the cluster.
import type { Clock, CounterResult, QuotaLeases, SharedCounter } from "../../runtime/ports.ts";
import { windowBounds } from "../../syntax/vocabulary.ts";
import type { QuotaRef } from "./quota-counters.ts";

export interface QuotaLeasesOptions {
  clock: Clock;
  /** The store's atomic take (a lease is a take of several units). */
  take: (counter: SharedCounter, want: number) => Promise<CounterResult>;
  up: () => boolean;
  /** The shared `requests` quotas of the live graph, by the engine's quota key. */
  refs: () => ReadonlyMap<string, QuotaRef>;
  /** Units held per quota at most (`shared_state { lease }`). */
  leaseSize: () => number;
  /** Fire and forget; a failure marks the store down. */
  send: (p: Promise<unknown>) => void;
  /** The cluster's total after a take, for the local quota record (admin views, snapshots, fallback). */
  lay: (key: string, windowStart: number, used: number) => void;
  /** An admission counted while the store was down, added to the counter when it returns. */
  owe: (ref: QuotaRef, windowStart: number) => void;
}

/** The units this instance holds of one quota in one window. */
export interface Lease {
  windowStart: number;
  windowEnd: number;
  /** Units in hand: each admits one request. */
  units: number;
  /** A take is on its way (at most one per quota). */
  taking: boolean;
  /** The cluster gave less than asked (or the upstream said the quota is gone): nothing more this window. */
  dry: boolean;
}

export class SharedQuotaLeases implements QuotaLeases {
  #leases = new Map<string, Lease>();
  /** Leases on the next window, taken during the last tick before it starts (so it starts with units in hand). */
  #next = new Map<string, Lease>();

  constructor(private readonly o: QuotaLeasesOptions) {}

  allows(key: string, now: number): boolean | null {
    if (!this.o.up()) return null;
    const ref = this.o.refs().get(key);
    if (ref === undefined) return null;
    const lease = this.#current(ref, now);
    if (lease.units > 0) return true;
    this.#refill(ref, lease);
    return false;
  }

  admitted(key: string, now: number): void {
    const ref = this.o.refs().get(key);
    if (ref === undefined) return;
    if (!this.o.up()) return this.o.owe(ref, windowBounds(ref.limit.window, now)[0]);
    const lease = this.#current(ref, now);
    if (lease.units > 0) lease.units--;
    if (lease.units * 2 <= this.o.leaseSize()) this.#refill(ref, lease);
  }

  exhausted(key: string, now: number): void {
    const ref = this.o.refs().get(key);
    if (ref === undefined) return;
    const lease = this.#current(ref, now);
    lease.units = 0;
    lease.dry = true;
  }

  /**
   * Every sync tick: top up what is low, so a quota has units in hand before its first request,
   * and lease the next window when it starts within `aheadMs` (the time to the next tick).
   */
  topUp(now: number, aheadMs: number): void {
    if (!this.o.up()) return;
    const size = this.o.leaseSize();
    for (const ref of this.o.refs().values()) {
      const lease = this.#current(ref, now);
      if (lease.units * 2 <= size) this.#refill(ref, lease);
      if (lease.windowEnd - now > aheadMs) continue;
      const next = this.#next.get(ref.key);
      if (next !== undefined && next.windowStart === lease.windowEnd) continue;
      const [windowStart, windowEnd] = windowBounds(ref.limit.window, lease.windowEnd);
      const ahead: Lease = { windowStart, windowEnd, units: 0, taking: false, dry: false };
      this.#next.set(ref.key, ahead);
      this.#refill(ref, ahead);
    }
  }

  /** After an outage: units in hand may be from before it; start again from the counters. */
  reset(): void {
    this.#leases = new Map();
    this.#next = new Map();
  }

  /** What this instance holds, for the admin view. */
  held(now: number): Record<string, number> {
    const out: Record<string, number> = {};
    for (const [key, lease] of this.#leases) if (lease.windowEnd > now) out[key] = lease.units;
    return out;
  }

  #current(ref: QuotaRef, now: number): Lease {
    const lease = this.#leases.get(ref.key);
    if (lease !== undefined && now < lease.windowEnd && now >= lease.windowStart) return lease;
    const next = this.#next.get(ref.key);
    if (next !== undefined && now < next.windowEnd && now >= next.windowStart) {
      this.#next.delete(ref.key);
      this.#leases.set(ref.key, next);
      return next;
    }
    const [windowStart, windowEnd] = windowBounds(ref.limit.window, now);
    const fresh: Lease = { windowStart, windowEnd, units: 0, taking: false, dry: false };
    this.#leases.set(ref.key, fresh);
    return fresh;
  }

  /** Takes the units missing to a full lease; what comes back after the window ended is dropped with it. */
  #refill(ref: QuotaRef, lease: Lease): void {
    const want = this.o.leaseSize() - lease.units;
    if (lease.taking || lease.dry || want <= 0) return;
    lease.taking = true;
    const counter = {
      key: ref.key,
      windowStart: lease.windowStart,
      windowEnd: lease.windowEnd,
      limit: ref.limit.amount,
    };
    const taken = this.o.take(counter, want).then(
      (r) => {
        lease.taking = false;
        if (lease.dry) return; // the upstream said the quota is gone meanwhile
        lease.units += r.granted;
        if (r.granted < want) lease.dry = true;
        this.o.lay(ref.key, lease.windowStart, r.used);
      },
      (err) => {
        lease.taking = false;
        throw err;
      },
    );
    this.o.send(taken);
  }
}
