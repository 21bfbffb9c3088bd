// The gateway's Prometheus metrics. Per-request numbers are recorded once, when a request ends,
// from its final OutcomeMeta; breaker state is read from the live engine at scrape time.
import type { Graph } from "../compile/graph.ts";
import type { BreakerPhase, Engine, OutcomeMeta } from "../runtime/api.ts";
import { addKeyMetrics } from "./key-usage.ts";
import type { CacheStats } from "../cache/response-cache.ts";
import { addProcessMetrics } from "./process-metrics.ts";
import { ComputedGauge, Counter, Histogram, Registry } from "./prometheus.ts";

const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];
const OVERHEAD_BUCKETS = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1];
const PHASE_VALUE: Record<BreakerPhase, number> = { closed: 0, half_open: 1, open: 2 };

export interface FinishedRequest {
  endpoint: "chat" | "messages" | "responses" | "embeddings";
  /** A route name from the graph, or "" when the request never matched one (keeps label cardinality bounded). */
  route: string;
  status: number;
  durationMs: number;
  ttftMs: number | null;
  overheadMs: number;
  meta: OutcomeMeta | null;
}

export class GatewayMetrics {
  private readonly registry = new Registry();
  private readonly requests = this.registry.add(
    new Counter("switchyard_requests_total", "client requests by endpoint, route and final status"),
  );
  private readonly attempts = this.registry.add(
    new Counter("switchyard_attempts_total", "upstream attempts by model and outcome class"),
  );
  private readonly failovers = this.registry.add(
    new Counter("switchyard_failovers_total", "moves to another candidate model"),
  );
  private readonly continuations = this.registry.add(
    new Counter("switchyard_continuations_total", "streams continued on another model mid-stream"),
  );
  private readonly skips = this.registry.add(
    new Counter("switchyard_skips_total", "candidates skipped without an attempt, by reason"),
  );
  private readonly tokens = this.registry.add(
    new Counter("switchyard_tokens_total", "tokens by serving model and direction (in, out)"),
  );
  private readonly cost = this.registry.add(
    new Counter("switchyard_cost_usd_total", "estimated spend in USD by serving model"),
  );
  private readonly latency = this.registry.add(
    new Histogram("switchyard_request_duration_seconds", "time from request received to last byte", LATENCY_BUCKETS),
  );
  private readonly ttft = this.registry.add(
    new Histogram(
      "switchyard_ttft_seconds",
      "time from request received to the first streamed chunk sent",
      LATENCY_BUCKETS,
    ),
  );
  private readonly overhead = this.registry.add(
    new Histogram("switchyard_overhead_seconds", "gateway time excluding upstream waits", OVERHEAD_BUCKETS),
  );

  /** `eventLoopLag`: seconds, from serve's sampler; null leaves that series out (no sampler runs). */
  constructor(
    current: () => { graph: Graph; engine: Engine },
    inflight: () => number,
    eventLoopLag: (() => number) | null = null,
    shared: { readonly up: boolean } | null = null,
  ) {
    if (shared)
      this.registry.add(
        new ComputedGauge(
          "switchyard_shared_state_up",
          "1 while the shared state store (Redis) answers, 0 while this instance serves on local state alone",
          () => [[{}, shared.up ? 1 : 0]],
        ),
      );
    this.registry.add(
      new ComputedGauge("switchyard_breaker_state", "circuit breaker per model: 0 closed, 1 half-open, 2 open", () => {
        const { graph, engine } = current();
        const breakers = engine.state().breakers;
        return graph.models.map((m) => [{ model: m.name }, PHASE_VALUE[breakers[m.name]?.phase ?? "closed"]]);
      }),
    );
    this.registry.add(
      new ComputedGauge(
        "switchyard_inflight_requests",
        "API and admin requests being served now (probes and scrapes are not counted)",
        () => [[{}, inflight()]],
      ),
    );
    addKeyMetrics(this.registry, current);
    addProcessMetrics(this.registry, eventLoopLag);
  }

  /** Exports the response cache's counters (read at scrape time). */
  watchCache(stats: () => CacheStats): void {
    const counter = (name: string, help: string, read: (s: CacheStats) => number) =>
      this.registry.add(new ComputedGauge(name, help, () => [[{}, read(stats())]], "counter"));
    counter("switchyard_cache_hits_total", "requests answered from the response cache", (s) => s.hits);
    counter("switchyard_cache_misses_total", "requests to a caching rule not found in the cache", (s) => s.misses);
    counter(
      "switchyard_cache_bypasses_total",
      "requests to a caching rule that skipped the cache (n > 1, Cache-Control)",
      (s) => s.bypasses,
    );
    counter(
      "switchyard_cache_evictions_total",
      "cached answers dropped to stay within max_entries / max_bytes",
      (s) => s.evictions,
    );
    counter("switchyard_cache_expirations_total", "cached answers found past their ttl", (s) => s.expirations);
    counter(
      "switchyard_cache_saved_usd_total",
      "what the answers served from the cache cost when first bought, in USD",
      (s) => s.savedUsd,
    );
    this.registry.add(
      new ComputedGauge("switchyard_cache_entries", "answers in the response cache", () => [[{}, stats().entries]]),
    );
    this.registry.add(
      new ComputedGauge("switchyard_cache_bytes", "bytes charged to the response cache", () => [[{}, stats().bytes]]),
    );
  }

  record(r: FinishedRequest): void {
    this.requests.inc({ endpoint: r.endpoint, route: r.route, status: String(r.status) });
    this.latency.observe(r.durationMs / 1000, { route: r.route });
    if (r.ttftMs !== null) this.ttft.observe(r.ttftMs / 1000, { route: r.route });
    this.overhead.observe(r.overheadMs / 1000);
    const meta = r.meta;
    if (!meta) return;
    for (const a of meta.attempts) this.attempts.inc({ model: a.model, class: a.cls });
    for (const s of meta.skipped) this.skips.inc({ model: s.model, reason: s.reason });
    if (meta.failovers > 0) this.failovers.inc({ route: r.route }, meta.failovers);
    if (meta.continuations > 0) this.continuations.inc({ route: r.route }, meta.continuations);
    const model = meta.servedModel;
    if (model && meta.usage) {
      this.tokens.inc({ model, direction: "in" }, meta.usage.prompt_tokens ?? 0);
      this.tokens.inc({ model, direction: "out" }, meta.usage.completion_tokens ?? 0);
    }
    if (model && meta.costUsd > 0) this.cost.inc({ model }, meta.costUsd);
  }

  render(): string {
    return this.registry.render();
  }
}
