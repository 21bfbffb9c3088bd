// Sticky sessions shared by the instances: the engine asks for the cluster's pin of a session and
// reports which model served it. A pin read from the store is trusted for `freshMs` (the policy's
// `sync`), so a session moved on one instance is followed by every other within that bound plus
// one round trip; within it the answer comes without a promise. A stale or unknown pin is read
// again, the request waiting at most `timeoutMs`; when the store is down or slow the engine goes on
// with this instance's own sticky map. The first model to serve a session claims it (first claim
// wins, so two instances seeing a new session at once agree); a later failover moves it (last
// writer wins). Pins live `ttlMs` after their last use.
import type { Clock, SharedStore, StickyPins } from "../../runtime/ports.ts";
import { bounded } from "./bounded.ts";

export interface SharedStickyOptions {
  store: SharedStore;
  clock: Clock;
  timeoutMs: number;
  freshMs: number;
  ttlMs: number;
  /** Whether the store is reachable (the sync's view): while it is not, nothing waits on it. */
  up: () => boolean;
  /** Sessions remembered here (the least recently checked go first). */
  capacity: number;
}

interface Known {
  model: string | null;
  checkedAt: number;
  /** When this instance last wrote the pin (refreshing its lifetime); -Infinity: never. */
  writtenAt: number;
}

/** How long a session's pin outlives its last use in the store. */
export const STICKY_PIN_TTL_MS = 60 * 60_000;

/** Sessions remembered per instance, as many as the engine's own sticky map keeps. */
export const STICKY_PIN_CAPACITY = 10_000;

export class SharedStickyPins implements StickyPins {
  readonly #known = new Map<string, Known>();

  constructor(private readonly o: SharedStickyOptions) {}

  pinned(key: string): string | null | Promise<string | null> {
    const now = this.o.clock.now();
    const known = this.#known.get(key);
    if (!this.o.up() || (known !== undefined && now - known.checkedAt < this.o.freshMs)) return known?.model ?? null;
    return bounded(this.o.clock, this.o.timeoutMs, this.o.store.readSticky(key)).then(
      (model) => {
        this.#remember(key, { model, checkedAt: now, writtenAt: known?.writtenAt ?? -Infinity });
        return model;
      },
      () => known?.model ?? null, // slow or down: this instance's own view; the sync tick notices the outage
    );
  }

  served(key: string, model: string): void {
    const now = this.o.clock.now();
    const known = this.#known.get(key);
    if (known?.model === model && now - known.writtenAt < this.o.ttlMs / 2) return; // the store already says so
    const writtenAt = this.o.up() ? now : -Infinity;
    this.#remember(key, { model, checkedAt: now, writtenAt });
    if (writtenAt === -Infinity) return;
    if (known === undefined || known.model === null) {
      const claim = this.o.store.claimSticky(key, model, this.o.ttlMs);
      claim.then(
        (holder) => holder !== model && this.#remember(key, { model: holder, checkedAt: now, writtenAt }),
        noop,
      );
    } else {
      this.o.store.pinSticky(key, model, this.o.ttlMs).catch(noop);
    }
  }

  #remember(key: string, known: Known): void {
    this.#known.delete(key);
    this.#known.set(key, known);
    if (this.#known.size > this.o.capacity) this.#known.delete(this.#known.keys().next().value!);
  }
}

const noop = (): void => {};
