// Keeps this instance's engine state in step with the cluster, from outside the engine: the engine
// goes on reading only its local RuntimeState and the leased quota units it is handed (no request
// ever waits on the store); this module writes what happened locally to the store without awaiting
// it, and lays what the store knows over the local records (breakers as they are published, quota
// totals on every reply and every sync tick; leases in shared-quotas.ts). When the store fails it marks itself down, keeps serving on local state, and on the
// next successful tick reconciles: it re-subscribes, re-publishes open breakers and adds the usage
// counted while it was away.
import type { Graph } from "../../compile/graph.ts";
import type { BreakerPhase, OutcomeMeta, RuntimeState } from "../../runtime/api.ts";
import type { Clock, QuotaLeases, SharedBreaker, SharedStore, TimerHandle } from "../../runtime/ports.ts";
import { timingFromGraph } from "../timing.ts";
import { bounded } from "./bounded.ts";
import { WindowSync } from "./window-sync.ts";
import { SharedStickyPins, STICKY_PIN_CAPACITY, STICKY_PIN_TTL_MS } from "./sticky-pins.ts";
import { SharedQuotas } from "./shared-quotas.ts";

export interface SharedSyncOptions {
  store: SharedStore;
  clock: Clock;
  instance: string;
  timeoutMs: number;
  syncMs: number;
  graph: () => Graph;
  state: () => RuntimeState;
  /** One line per change of reachability (no URL: it may hold a password). */
  log: (event: "shared_state_down" | "shared_state_up", detail: Record<string, unknown>) => void;
}

export interface SharedView {
  instance: string;
  up: boolean;
  breakers: Record<string, SharedBreaker>;
  quotas: Record<string, number>;
  /** Units of `requests` quotas this instance holds (leased, not yet spent). */
  leased: Record<string, number>;
}

export class SharedStateSync {
  #up = false;
  #everUp = false;
  #downLogged = false;
  #timer: TimerHandle | null = null;
  #unsubscribe: (() => Promise<void>) | null = null;
  /** Breakers whose probe lease another instance holds: no local probe until it reports. */
  readonly #probeBlocked = new Set<string>();
  #stopped = false;

  /** Sticky sessions through the store, for the engine (`EngineOptions.stickyPins`). */
  readonly stickyPins: SharedStickyPins;
  readonly #windows: WindowSync;
  readonly #quotas: SharedQuotas;

  constructor(private readonly o: SharedSyncOptions) {
    const { store, clock, timeoutMs, syncMs } = o;
    const pins = { store, clock, timeoutMs, freshMs: syncMs, ttlMs: STICKY_PIN_TTL_MS, capacity: STICKY_PIN_CAPACITY };
    this.stickyPins = new SharedStickyPins({ ...pins, up: () => this.#up });
    this.#windows = new WindowSync({ store, clock, instance: o.instance, state: o.state });
    this.#quotas = new SharedQuotas({
      store,
      clock,
      graph: o.graph,
      state: o.state,
      up: () => this.#up,
      send: (p, onError) => this.#send(p, onError),
      bounded: (p) => this.#bounded(p),
    });
  }

  /**
   * `requests` quotas leased from the cluster, for every engine (`EngineOptions.quotaLeases`). Once
   * asked for, those quotas are taken before each request (never past the limit) instead of being
   * counted after the reply, so an embedder must hand them to every engine it builds.
   */
  quotaLeases(): QuotaLeases {
    return this.#quotas.handOver();
  }

  get up(): boolean {
    return this.#up;
  }

  /** First contact (bounded by `timeoutMs`); serving starts whatever its result. */
  async start(): Promise<void> {
    await this.tick();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    this.#timer?.cancel();
    await this.#unsubscribe?.().catch(() => {});
    await this.o.store.close();
  }

  /** The engine's observer hook: a local breaker changed phase. Synchronous: runs inside admission. */
  breakerChanged(key: string, from: BreakerPhase, to: BreakerPhase, at: number): void {
    const b = this.o.state().breakers[key];
    if (!b) return;
    if (to === "half_open") return this.#gateProbe(key);
    this.#probeBlocked.delete(key);
    if (from === "half_open" || to === "open") {
      const shared: SharedBreaker = { phase: to, openedAt: b.openedAt, by: this.o.instance, at };
      this.#send(this.o.store.publishBreaker(key, shared, this.#breakerTtl(key)));
    }
  }

  /** The engine's observer hook: a request finished. Its tokens and spend go to the shared counters. */
  requestDone(meta: OutcomeMeta): void {
    this.#quotas.requestDone(meta);
  }

  /** Only one instance probes per cool-down: the others hold their probe slots until it reports. */
  #gateProbe(key: string): void {
    const b = this.o.state().breakers[key]!;
    const probes = this.#probeSlots();
    b.probesInFlight = probes; // refuse local probes until the lease is ours
    this.#probeBlocked.add(key);
    this.#claimProbe(key, probes);
  }

  /** Tried at the turn to half-open and again every tick while blocked (the last lease may outlive the cool-down by up to `timeout`). */
  #claimProbe(key: string, probes: number): void {
    const b = this.o.state().breakers[key];
    if (!b || b.phase !== "half_open") {
      this.#probeBlocked.delete(key);
      return;
    }
    const lease = this.o.store.claimProbe(key, this.o.instance, this.o.timeoutMs + this.#cooldown(key));
    this.#send(
      lease.then((won) => {
        if (!won || b.phase !== "half_open") return;
        this.#probeBlocked.delete(key);
        b.probesInFlight = Math.max(0, b.probesInFlight - probes);
      }),
    );
  }

  #applyBreaker(key: string, shared: SharedBreaker): void {
    if (shared.by === this.o.instance) return;
    const b = this.o.state().breakers[key];
    if (!b) return;
    if (shared.phase === "open" && (b.phase !== "open" || (b.openedAt ?? 0) < (shared.openedAt ?? 0))) {
      Object.assign(b, {
        phase: "open",
        openedAt: shared.openedAt,
        consecutiveFailures: 0,
        probesInFlight: 0,
        probeSuccesses: 0,
      });
    } else if (shared.phase === "closed" && b.phase !== "closed" && (b.openedAt ?? 0) <= shared.at) {
      Object.assign(b, {
        phase: "closed",
        openedAt: null,
        consecutiveFailures: 0,
        probesInFlight: 0,
        probeSuccesses: 0,
      });
      this.#probeBlocked.delete(key);
    }
  }

  /** Publishes windows, re-reads breakers and quota totals; reconnects and reconciles after an outage. */
  async tick(): Promise<void> {
    try {
      await this.#bounded(this.o.store.ping());
      if (!this.#up) await this.#reconcile();
      await this.#bounded(this.#pull());
    } catch (err) {
      this.#markDown(err);
    }
    if (!this.#stopped) this.#timer = this.o.clock.schedule(this.o.syncMs, () => void this.tick());
  }

  async #reconcile(): Promise<void> {
    if (this.#unsubscribe) await this.#bounded(this.#unsubscribe()).catch(() => {}); // the old subscription may have died with the connection
    this.#unsubscribe = await this.#bounded(this.o.store.onBreaker((key, b) => this.#applyBreaker(key, b)));
    const now = this.o.clock.now();
    const owed = await this.#quotas.reconcile();
    const state = this.o.state();
    for (const [key, b] of Object.entries(state.breakers)) {
      if (b.phase === "open")
        await this.#bounded(
          this.o.store.publishBreaker(
            key,
            { phase: "open", openedAt: b.openedAt, by: this.o.instance, at: now },
            this.#breakerTtl(key),
          ),
        );
    }
    this.#up = true;
    this.#downLogged = false;
    this.o.log("shared_state_up", {
      instance: this.o.instance,
      reconciled_quotas: owed,
      ...(this.#everUp ? { after_outage: true } : {}),
    });
    this.#everUp = true;
  }

  async #pull(): Promise<void> {
    const graph = this.o.graph();
    const state = this.o.state();
    for (const key of this.#probeBlocked) this.#claimProbe(key, this.#probeSlots());
    const breakers = await this.o.store.readBreakers(Object.keys(state.breakers));
    for (const [key, b] of Object.entries(breakers)) this.#applyBreaker(key, b);
    await this.#quotas.pull(this.o.syncMs + this.o.timeoutMs);
    await this.#windows.exchange(timingFromGraph(graph).windowMs);
  }

  /** What the cluster holds for this graph (for /admin/state). */
  async view(): Promise<SharedView> {
    const view: SharedView = { instance: this.o.instance, up: this.#up, breakers: {}, quotas: {}, leased: {} };
    if (!this.#up) return view;
    try {
      view.breakers = await this.#bounded(this.o.store.readBreakers(Object.keys(this.o.state().breakers)));
      view.quotas = await this.#quotas.totals();
      view.leased = this.#quotas.leases.held(this.o.clock.now());
    } catch (err) {
      this.#markDown(err);
      view.up = false;
    }
    return view;
  }

  #markDown(err: unknown): void {
    if (this.#stopped) return;
    if (!this.#downLogged) this.o.log("shared_state_down", { instance: this.o.instance, reason: reasonOf(err) });
    this.#downLogged = true;
    this.#up = false;
  }

  /** Fire and forget; a failure marks the store down (and runs `onError`). */
  #send(p: Promise<unknown>, onError?: () => void): void {
    p.catch((err) => {
      onError?.();
      this.#markDown(err);
    });
  }

  #bounded<T>(p: Promise<T>): Promise<T> {
    return bounded(this.o.clock, this.o.timeoutMs, p);
  }

  #cooldown(key: string): number {
    return timingFromGraph(this.o.graph()).cooldownMs(key);
  }

  #breakerTtl(key: string): number {
    return this.#cooldown(key) * 2 + 60_000;
  }

  /** The most probes any rule lets through: blocking that many blocks them all. */
  #probeSlots(): number {
    const graph = this.o.graph();
    return Math.max(1, ...graph.routes.flatMap((r) => r.rules.map((rule) => rule.settings.breaker.probes)));
  }
}

function reasonOf(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  return text.replace(/\/\/[^@\s]*@/g, "//***@").slice(0, 200); // never a password from a URL
}
