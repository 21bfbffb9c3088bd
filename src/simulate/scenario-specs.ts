// Converts a validated raw scenario's traffic sources and expectations into the simulator's specs:
// snake_case keys become camelCase, optional bounds become `null`, and open ends are clamped to the run.
import type { RawScenario } from "./scenario-schema.ts";
import type { Expectation, TrafficSpec } from "./scenario-types.ts";

type RawTraffic = RawScenario["traffic"][number];
type RawExpectation = RawScenario["expect"][number];

export function trafficSpec(t: RawTraffic, durationMs: number): TrafficSpec {
  return {
    route: t.route,
    api: t.api,
    ratePerMs: t.rate ?? null,
    count: t.count ?? null,
    arrival: t.arrival,
    fromMs: t.from,
    toMs: Math.min(t.until ?? durationMs, durationMs),
    stream: t.mix.stream,
    tools: t.mix.tools,
    images: t.mix.images,
    json: t.mix.json,
    promptTokens: t.prompt_tokens,
    outputTokens: t.output_tokens,
    headers: t.headers,
    metadata: t.metadata,
    key: t.key ?? null,
    repeat: t.repeat,
  };
}

export function expectationSpec(e: RawExpectation, durationMs: number): Expectation {
  switch (e.check) {
    case "success_rate":
      return { check: "success_rate", atLeast: e.at_least };
    case "attempts_per_request":
      return { check: "attempts_per_request", atMost: e.at_most };
    case "share":
    case "served":
      return {
        check: e.check,
        model: e.model,
        fromMs: e.from,
        toMs: e.to ?? durationMs,
        atLeast: e.at_least ?? null,
        atMost: e.at_most ?? null,
      };
    case "probes_per_cooldown":
      return { check: "probes_per_cooldown", model: e.model, atMost: e.at_most };
    case "breaker_respected":
      return { check: "breaker_respected", model: e.model };
    case "breaker_opens":
    case "recovers":
      return { check: e.check, model: e.model, withinMs: e.within };
    case "spend":
    case "refused": {
      const owner =
        e.key !== undefined ? { scope: "key" as const, name: e.key } : { scope: "team" as const, name: e.team ?? "" };
      return { check: e.check, owner, atLeast: e.at_least ?? null, atMost: e.at_most ?? null };
    }
    case "cache_hit_rate":
    case "cache_saved":
      return { check: e.check, atLeast: e.at_least ?? null, atMost: e.at_most ?? null };
    default: {
      const [p, metric] = e.check.split("_") as [string, "latency" | "ttft"];
      return { check: "latency", metric, percentile: Number(p.slice(1)) as 50 | 95 | 99, belowMs: e.below };
    }
  }
}
