// The schema the compiler reads values with: built-in defaults as the language reference states
// them, canonical units from readValue, and inheritance through resolveSettings.
import { expect, test } from "bun:test";
import {
  BUILTIN_DEFAULTS,
  readValue,
  resolveSettings,
  settingsSchema,
  modelSchema,
  providerSchema,
} from "../../src/check/index.ts";
import type { Block } from "../../src/syntax/ast.ts";
import { parsePolicy } from "../../src/syntax/parse.ts";

function bodies(text: string): Block[] {
  return parsePolicy(text, "t.route").policy!.items.map((d) => d.body);
}

test("built-in defaults match the language reference", () => {
  expect(BUILTIN_DEFAULTS.timeout).toEqual({ connect: 10_000, first_token: 60_000, idle: 30_000, total: 600_000 });
  expect(BUILTIN_DEFAULTS.retry.attempts).toBe(2);
  expect(BUILTIN_DEFAULTS.retry.backoff).toEqual({ base: 250, max: 8_000, jitter: 0.2 });
  expect(BUILTIN_DEFAULTS.retry.on).toEqual({ statuses: [429, 500, 502, 503, 504], classes: ["connect", "reset"] });
  expect(BUILTIN_DEFAULTS.breaker).toEqual({
    failures: 5,
    error_rate: 0.5,
    window: 60_000,
    min_requests: 20,
    cooldown: 30_000,
    probes: 1,
    successes: 2,
  });
  expect(BUILTIN_DEFAULTS.stream).toEqual({ on_break: "continue", tool_calls: "hold" });
  expect(BUILTIN_DEFAULTS.failover.on_content_policy).toBe(false);
});

test("settings inherit defaults → route → target and remember who set them", () => {
  const [defaults, route] = bodies(`defaults { timeout { total 5m } retry { attempts 3  backoff { jitter 10% } } }
route r { timeout { idle 5s } otherwise -> m { retry { attempts 1 } } }`);
  const rule = route.members.find((m) => m.kind === "rule")!;
  const resolved = resolveSettings([defaults, route, rule.kind === "rule" ? rule.settings : null]);
  expect(resolved.values.timeout).toEqual({ connect: 10_000, first_token: 60_000, idle: 5_000, total: 300_000 });
  expect(resolved.values.retry.attempts).toBe(1);
  expect(resolved.values.retry.backoff.jitter).toBeCloseTo(0.1);
  expect(resolved.origin.get("timeout.total")?.kind).toBe("duration");
  expect(resolved.origin.has("timeout.connect")).toBe(false);
  expect(BUILTIN_DEFAULTS.retry.attempts).toBe(2); // not mutated
});

test("readValue gives canonical units and rejects the wrong kind", () => {
  const [p, m] = bodies(`provider p { kind simulated  ttft 1.5s  error_rate 5% }
model m { provider p  can [chat, tools]  context 128k  quota { requests [500/min, 10000/day]  spend $5/month } }`);
  const prop = (b: Block, k: string) => {
    const found = b.members.find((x) => x.kind === "property" && x.key.name === k);
    if (!found || found.kind !== "property") throw new Error(k);
    return found.value;
  };
  expect(readValue(providerSchema.ttft, prop(p, "ttft"))).toBe(1500);
  expect(readValue(providerSchema.error_rate, prop(p, "error_rate"))).toBeCloseTo(0.05);
  expect(readValue(modelSchema.can, prop(m, "can"))).toEqual(["chat", "tools"]);
  expect(readValue(modelSchema.context, prop(m, "context"))).toBe(128_000);
  const quota = prop(m, "quota");
  if (quota.kind !== "block") throw new Error("quota");
  const [requests, spend] = quota.members.map((x) => (x.kind === "property" ? x.value : null)!);
  expect(readValue({ type: "limits", metric: "requests", doc: "" }, requests)).toEqual([
    { metric: "requests", amount: 500, window: "minute" },
    { metric: "requests", amount: 10_000, window: "day" },
  ]);
  expect(readValue({ type: "limits", metric: "usd", doc: "" }, spend)).toEqual([
    { metric: "usd", amount: 5, window: "month" },
  ]);
  expect(readValue(settingsSchema.timeout.fields.total, prop(p, "ttft"))).toBe(1500);
  expect(readValue(settingsSchema.retry.fields.attempts, prop(p, "ttft"))).toBeUndefined();
});

test("retry.on expands status classes", () => {
  const [d] = bodies(`defaults { retry { on [429, 5xx, timeout] } }`);
  const resolved = resolveSettings([d]);
  expect(resolved.values.retry.on.classes).toEqual(["timeout"]);
  expect(resolved.values.retry.on.statuses.length).toBe(101);
  expect(resolved.values.retry.on.statuses[0]).toBe(429);
});
