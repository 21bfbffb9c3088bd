// The scenario file's schema (valibot). Values are written in policy syntax and converted to
// milliseconds, fractions and rates here, so the rest of the simulator never sees a unit string.
import { APIS } from "./dialect-traffic.ts";
import * as v from "valibot";
import { WINDOWS } from "../syntax/vocabulary.ts";
import { count, durationMs, fraction, plainNumber, ratePerMs, usd } from "./policy-values.ts";
import { FAULT_KINDS, type BehaviourSpec, type Choice, type Dist, type FaultWindow } from "./scenario-types.ts";
import { instancesSchema } from "./scenario-instances.ts";

type Scalar = string | number;
const scalar = (what: string) => v.union([v.string(), v.number()], `expected ${what}`);

/** A scalar converted by `convert`; `null` from it becomes an issue naming what was expected. */
function unit(what: string, convert: (x: Scalar) => number | null) {
  return v.pipe(
    scalar(what),
    v.rawTransform(({ dataset, addIssue, NEVER }) => {
      const out = convert(dataset.value);
      if (out === null) {
        addIssue({ message: `expected ${what}, got \`${String(dataset.value)}\`` });
        return NEVER;
      }
      return out;
    }),
  );
}

const DURATION = "a duration like `250ms` or `5m`";
const duration = unit(DURATION, durationMs);
const share = unit("a share like `30%` or `0.3`", fraction);
const amount = unit("a non-negative number like `500` or `1M`", count);
const rate = unit("a rate like `100/s` or `6000/min`", ratePerMs);
const wholeNumber = (what: string) => v.pipe(unit(what, plainNumber), v.integer(`expected ${what}`));
const status = v.pipe(
  v.number("expected an HTTP status"),
  v.integer("expected an HTTP status"),
  v.minValue(100, "expected an HTTP status"),
  v.maxValue(599, "expected an HTTP status"),
);

/** `300ms`, `{ min: 100ms, max: 400ms }` or `{ median: 300ms, p95: 1.2s }`. */
function dist(what: string, one: typeof duration | typeof amount) {
  const fixed = v.pipe(
    one,
    v.transform((value): Dist => ({ kind: "fixed", value })),
  );
  const uniform = v.pipe(
    v.strictObject({ min: one, max: one }),
    v.check((d) => d.min <= d.max, "`min` must not exceed `max`"),
    v.transform((d): Dist => ({ kind: "uniform", min: d.min, max: d.max })),
  );
  const lognormal = v.pipe(
    v.strictObject({ median: one, p95: v.optional(one) }),
    v.check(
      (d) => d.median > 0 && (d.p95 === undefined || d.p95 >= d.median),
      "need `median` > 0 and `p95` ≥ `median`",
    ),
    v.transform(
      (d): Dist =>
        d.p95 === undefined ? { kind: "fixed", value: d.median } : { kind: "lognormal", median: d.median, p95: d.p95 },
    ),
  );
  return v.pipe(
    v.unknown(),
    v.rawTransform(({ dataset, addIssue, NEVER }) => {
      const input = dataset.value;
      const schema =
        typeof input !== "object" || input === null ? fixed : "min" in input || "max" in input ? uniform : lognormal;
      const result = v.safeParse(schema, input);
      if (result.success) return result.output;
      const issue = result.issues[0];
      const key = issue.path?.map((p) => String(p.key)).join(".");
      addIssue({
        message: `${key ? `\`${key}\`: ` : ""}${issue.message}; ${what} is a value, \`{ min, max }\` or \`{ median, p95 }\``,
      });
      return NEVER;
    }),
  );
}

const weight = unit("a weight like `70%` or `3`", (x) => (typeof x === "number" ? (x >= 0 ? x : null) : fraction(x)));

/** `gold`, `[gold, silver]` or `{ gold: 70%, silver: 30% }`. */
const choice = v.pipe(
  v.union(
    [v.string(), v.array(v.string()), v.record(v.string(), weight)],
    "expected a value, a list of values or `{ value: weight }`",
  ),
  v.transform(
    (c): Choice =>
      typeof c === "string"
        ? [{ value: c, weight: 1 }]
        : Array.isArray(c)
          ? c.map((value) => ({ value, weight: 1 }))
          : Object.entries(c).map(([value, weight]) => ({ value, weight })),
  ),
);

const mix = v.strictObject({
  stream: v.optional(share, 0),
  tools: v.optional(share, 0),
  images: v.optional(share, 0),
  json: v.optional(share, 0),
});

const traffic = v.pipe(
  v.strictObject({
    route: v.pipe(v.string("expected a route name"), v.minLength(1, "expected a route name")),
    api: v.optional(v.picklist(APIS, "expected `chat`, `messages` or `responses`"), "chat"),
    rate: v.optional(rate),
    count: v.optional(v.pipe(wholeNumber("a whole number of requests"), v.minValue(1, "expected at least 1 request"))),
    arrival: v.optional(v.picklist(["constant", "poisson"], "expected `constant` or `poisson`"), "poisson"),
    from: v.optional(duration, 0),
    until: v.optional(duration),
    mix: v.optional(mix, {}),
    prompt_tokens: v.optional(dist("prompt_tokens", amount), 500),
    output_tokens: v.optional(dist("output_tokens", amount), 200),
    headers: v.optional(v.record(v.string(), choice), {}),
    metadata: v.optional(v.record(v.string(), choice), {}),
    key: v.optional(v.pipe(v.string("expected a key name"), v.minLength(1, "expected a key name"))),
    repeat: v.optional(share, 0),
  }),
  v.check((t) => (t.rate === undefined) !== (t.count === undefined), "give exactly one of `rate` or `count`"),
  // The Messages API has neither a JSON mode nor a metadata map a route could match on.
  v.check(
    (t) => t.api !== "messages" || (t.mix.json === 0 && Object.keys(t.metadata).length === 0),
    "`api: messages` requests have no json mode and no `metadata` map: drop `mix.json` and `metadata`, or use `chat` or `responses`",
  ),
  v.check((t) => t.until === undefined || t.from < t.until, "`from` must come before `until`"),
);

const fault = v.pipe(
  v.strictObject({
    at: duration,
    for: v.optional(duration),
    fault: v.picklist(FAULT_KINDS, `expected one of ${FAULT_KINDS.map((k) => `\`${k}\``).join(", ")}`),
    status: v.optional(status),
    retry_after: v.optional(duration),
    retry_after_format: v.optional(v.picklist(["seconds", "date"], "expected `seconds` or `date`"), "seconds"),
    delay: v.optional(duration),
    tokens: v.optional(amount),
    share: v.optional(share, 1),
  }),
  v.transform(
    (f): FaultWindow => ({
      atMs: f.at,
      forMs: f.for ?? Infinity,
      fault: f.fault,
      status: f.status ?? (f.fault === "quota" ? 429 : 503),
      retryAfterMs: f.retry_after ?? null,
      retryAfterDate: f.retry_after_format === "date",
      delayMs: f.delay ?? 30_000,
      tokens: f.tokens ?? 10,
      share: f.share,
    }),
  ),
);

const quota = v.pipe(
  v.strictObject({
    requests: v.optional(amount),
    tokens: v.optional(amount),
    per: v.optional(v.picklist(WINDOWS, `expected one of ${WINDOWS.join(", ")}`), "day"),
  }),
  v.check((q) => q.requests !== undefined || q.tokens !== undefined, "give `requests` or `tokens`"),
);

const behaviour = v.pipe(
  v.strictObject({
    ttft: v.optional(dist("ttft", duration)),
    per_token: v.optional(dist("per_token", duration)),
    error_rate: v.optional(share),
    error_status: v.optional(status),
    faults: v.optional(v.array(fault), []),
    quota: v.optional(quota),
  }),
  v.transform(
    (b): BehaviourSpec => ({
      ttftMs: b.ttft ?? null,
      perTokenMs: b.per_token ?? null,
      errorRate: b.error_rate ?? null,
      errorStatus: b.error_status ?? null,
      faults: b.faults,
      quota: b.quota ? { requests: b.quota.requests ?? null, tokens: b.quota.tokens ?? null, per: b.quota.per } : null,
    }),
  ),
);

const model = v.pipe(v.string("expected a model name"), v.minLength(1, "expected a model name"));
const money = unit("money like `$5` or `$0.25`", usd);
const accessName = (what: string) =>
  v.optional(v.pipe(v.string(`expected a ${what} name`), v.minLength(1, `expected a ${what} name`)));

/** `{ check: spend, key: search-team, at_most: $5 }`: one of `key` or `team`, and a bound. */
function accessCheck<C extends "spend" | "refused">(check: C, bound: typeof money | typeof amount) {
  return v.pipe(
    v.strictObject({
      check: v.literal(check),
      key: accessName("key"),
      team: accessName("team"),
      at_least: v.optional(bound),
      at_most: v.optional(bound),
    }),
    v.check((s) => (s.key === undefined) !== (s.team === undefined), "give exactly one of `key` or `team`"),
    v.check((s) => s.at_least !== undefined || s.at_most !== undefined, "give `at_least` or `at_most`"),
  );
}
/** `{ check: cache_hit_rate, at_least: 25% }`: a run-wide value between optional bounds. */
function bounded<C extends string>(check: C, bound: typeof share | typeof money) {
  return v.pipe(
    v.strictObject({ check: v.literal(check), at_least: v.optional(bound), at_most: v.optional(bound) }),
    v.check((s) => s.at_least !== undefined || s.at_most !== undefined, "give `at_least` or `at_most`"),
  );
}
const percentileChecks = ["p50", "p95", "p99"].flatMap((p) => [`${p}_latency`, `${p}_ttft`] as const);

const expectation = v.variant(
  "check",
  [
    v.strictObject({ check: v.literal("success_rate"), at_least: share }),
    v.strictObject({
      check: v.picklist(percentileChecks as `${"p50" | "p95" | "p99"}_${"latency" | "ttft"}`[]),
      below: duration,
    }),
    v.strictObject({
      check: v.literal("attempts_per_request"),
      at_most: v.pipe(unit("a number", plainNumber), v.minValue(1, "expected at least 1")),
    }),
    v.pipe(
      v.strictObject({
        check: v.literal("share"),
        model,
        from: v.optional(duration, 0),
        to: v.optional(duration),
        at_least: v.optional(share),
        at_most: v.optional(share),
      }),
      v.check((s) => s.at_least !== undefined || s.at_most !== undefined, "give `at_least` or `at_most`"),
    ),
    v.strictObject({ check: v.literal("breaker_respected"), model }),
    v.strictObject({ check: v.literal("breaker_opens"), model, within: duration }),
    v.strictObject({ check: v.literal("recovers"), model, within: duration }),
    accessCheck("spend", money),
    accessCheck("refused", amount),
    bounded("cache_hit_rate", share),
    bounded("cache_saved", money),
    v.pipe(
      v.strictObject({
        check: v.literal("served"),
        model,
        from: v.optional(duration, 0),
        to: v.optional(duration),
        at_least: v.optional(amount),
        at_most: v.optional(amount),
      }),
      v.check((s) => s.at_least !== undefined || s.at_most !== undefined, "give `at_least` or `at_most`"),
    ),
    v.strictObject({ check: v.literal("probes_per_cooldown"), model, at_most: amount }),
  ],
  "expected `check` to be one of success_rate, p50_latency, p95_latency, p99_latency, p50_ttft, p95_ttft, p99_ttft, attempts_per_request, share, breaker_respected, breaker_opens, recovers, spend, refused, cache_hit_rate, cache_saved, served, probes_per_cooldown",
);

export const ScenarioSchema = v.strictObject({
  name: v.optional(v.string("expected a name")),
  seed: v.optional(wholeNumber("a whole-number seed"), 1),
  duration,
  traffic: v.pipe(
    v.array(traffic, "expected a list of traffic sources"),
    v.minLength(1, "expected at least one traffic source"),
  ),
  providers: v.optional(v.record(v.string(), behaviour), {}),
  models: v.optional(v.record(v.string(), behaviour), {}),
  expect: v.optional(v.array(expectation, "expected a list of expectations"), []),
  instances: v.optional(instancesSchema(duration, wholeNumber("a whole number of instances"))),
});

export type RawScenario = v.InferOutput<typeof ScenarioSchema>;
