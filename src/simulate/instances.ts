// The gateway instances a simulation runs: one by default, or `instances: N` engines behind a
// simulated load balancer, each with its own RuntimeState and response cache (as N `serve`
// processes have), on the same graph, virtual clock and simulated upstreams. With sharing on they
// are attached to one in-memory shared store through serve's own SharedStateSync, so quotas,
// breakers, probes, windows and sticky sessions are shared exactly as through Redis; the store's
// propagation delay runs on the virtual clock, so a seed gives the same run every time.
import { MemoryCacheStore } from "../cache/memory-store.ts";
import { ResponseCache } from "../cache/response-cache.ts";
import type { Graph } from "../compile/graph.ts";
import { SHARED_STATE_DEFAULTS } from "../check/defaults.ts";
import type { Engine, Observer, RuntimeState } from "../runtime/api.ts";
import { createEngine } from "../runtime/engine.ts";
import type { ManualClock } from "../ports/manual-clock.ts";
import type { Ports } from "../runtime/ports.ts";
import type { AdapterSet } from "../runtime/upstream.ts";
import { SeededRandom } from "../ports/seeded-random.ts";
import { MemorySharedHub, SharedStateSync } from "../state/index.ts";
import type { ProbeEvent } from "./cluster-checks.ts";
import type { Recorder, RequestRow } from "./recorder.ts";
import type { InstancesSpec } from "./scenario-types.ts";
import { deriveSeed } from "./seeds.ts";

/** One instance's counters, for the report's per-instance rows. */
export interface InstanceTally {
  requests: number;
  served: number;
  /** Requests served by a model other than the first one tried. */
  failedOver: number;
  /** Half-open probes this instance let through to an upstream. */
  probes: number;
}

export interface SimInstance {
  /** 1-based, as the report and the breaker timeline name it. */
  number: number;
  engine: Engine;
  cache: ResponseCache;
  tally: InstanceTally;
  /** Its link to the shared store; null when alone (one instance, or `shared: false`). */
  sync: SharedStateSync | null;
}

export interface ClusterSetup {
  graph: Graph;
  /** Absent: one instance. */
  spec: InstancesSpec | undefined;
  clock: ManualClock;
  ports: Ports;
  adapters: AdapterSet;
  recorder: Recorder;
  origin: number;
  seed: number;
  /** Runtime state every instance starts from (a snapshot); each gets its own copy. */
  state?: RuntimeState;
  /** Count half-open probes even with one instance (a `probes_per_cooldown` expectation asks). */
  countProbes: boolean;
}

export class Cluster {
  readonly instances: SimInstance[] = [];
  /** Probes from every instance, in the order they reached an upstream. */
  readonly probes: ProbeEvent[] = [];
  readonly spec: InstancesSpec | undefined;
  readonly #pick: () => SimInstance;
  #stopped = false;

  constructor(private readonly o: ClusterSetup) {
    this.spec = o.spec;
    const count = o.spec?.count ?? 1;
    const hub = o.spec?.shared ? new MemorySharedHub(o.clock, o.spec.propagationMs) : null;
    for (let n = 1; n <= count; n++) this.instances.push(this.#instance(n, count > 1, hub));
    this.#pick = balancer(this.instances, o.spec, o.seed);
  }

  /** The instance the load balancer sends the next request to. */
  pick(): SimInstance {
    const instance = this.#pick();
    instance.tally.requests++;
    return instance;
  }

  /** First contact of every instance with the store (serve's start), on the virtual clock. */
  start(): void {
    for (const i of this.instances) void i.sync?.start();
  }

  /** Stops the store's periodic syncs, so the clock can run out once the last request is done. */
  stop(): void {
    if (this.#stopped) return;
    this.#stopped = true;
    for (const i of this.instances) void i.sync?.stop();
  }

  /** Counts a finished request against the instance that served it. */
  record(instance: SimInstance, row: RequestRow): void {
    if (row.ok) instance.tally.served++;
    if (row.failovers > 0) instance.tally.failedOver++;
  }

  #instance(number: number, many: boolean, hub: MemorySharedHub | null): SimInstance {
    const { graph, clock } = this.o;
    const tally: InstanceTally = { requests: 0, served: 0, failedOver: 0, probes: 0 };
    const node = graph.gateway.sharedState;
    let engine: Engine | null = null;
    const state = (): RuntimeState => engine!.state();
    const sync = hub
      ? new SharedStateSync({
          store: hub.connect(node?.prefix ?? SHARED_STATE_DEFAULTS.prefix),
          clock,
          instance: `instance-${number}`,
          timeoutMs: node?.timeoutMs ?? SHARED_STATE_DEFAULTS.timeout,
          syncMs: node?.syncMs ?? SHARED_STATE_DEFAULTS.sync,
          graph: () => graph,
          state,
          log: () => {}, // reachability shows in the report's `store` column
        })
      : null;
    const recorded = many ? this.o.recorder.instanceObserver(number) : this.o.recorder.observer;
    const countProbes = many || this.o.countProbes;
    const adapters = countProbes
      ? probeCounting(this.o.adapters, state, (model, confirming) => {
          tally.probes++;
          this.probes.push({ model, at: clock.now() - this.o.origin, instance: number, confirming });
        })
      : this.o.adapters;
    engine = createEngine({
      graph,
      ports: this.o.ports,
      adapters,
      observer: sync ? withSync(recorded, sync) : recorded,
      state: this.o.state && many ? structuredClone(this.o.state) : this.o.state,
      ...(sync ? { stickyPins: sync.stickyPins } : {}),
    });
    return { number, engine, cache: new ResponseCache(new MemoryCacheStore(clock)), tally, sync };
  }
}

/** The hooks serve's gateway gives the sync (server/app.ts): breaker changes and finished requests. */
function withSync(recorded: Observer, sync: SharedStateSync): Observer {
  return {
    ...recorded,
    breaker: (model, from, to, at) => {
      recorded.breaker?.(model, from, to, at);
      sync.breakerChanged(model, from, to, at);
    },
    requestDone: (meta) => sync.requestDone(meta),
  };
}

/** Round robin, or a seeded random pick: the load balancer in front of the instances. */
function balancer(instances: SimInstance[], spec: InstancesSpec | undefined, seed: number): () => SimInstance {
  if (instances.length === 1) return () => instances[0]!;
  if (spec?.balance === "random") {
    const random = new SeededRandom(deriveSeed(seed, "balance"));
    return () => instances[Math.floor(random.next() * instances.length)]!;
  }
  let next = 0;
  return () => instances[next++ % instances.length]!;
}

/**
 * Adapters that note each call made while the instance's breaker for the model (or its provider)
 * is half-open: the call is a probe. Read at the call, where the engine has just admitted it. A
 * probe after a successful one (a breaker that needs `successes` > 1) is `confirming`.
 */
function probeCounting(
  base: AdapterSet,
  state: () => RuntimeState,
  onProbe: (model: string, confirming: boolean) => void,
): AdapterSet {
  const out: AdapterSet = {};
  for (const [kind, adapter] of Object.entries(base)) {
    out[kind] = {
      ...adapter,
      chat: (call, ports) => {
        const breakers = state().breakers;
        const own = breakers[call.model.name];
        const provider = breakers[`provider:${call.provider.name}`];
        const b = own?.phase === "half_open" ? own : provider?.phase === "half_open" ? provider : null;
        if (b) onProbe(call.model.name, b.probeSuccesses > 0);
        return adapter.chat(call, ports);
      },
    };
  }
  return out;
}
