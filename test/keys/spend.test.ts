// Spend is counted from actual usage after the answer, at the policy's prices: over 1,000 mixed
// requests (two keys, two models, plain and streamed, different prompt and reply sizes) the per-key
// spend equals the sum of each answer's usage × price, to the cent and closer. In-process: the
// gateway's fetch with the real engine and the simulated provider, on a manual clock.
import { expect, test } from "bun:test";
import { compilePolicySource } from "../../src/compile/index.ts";
import { ManualClock } from "../../src/ports/manual-clock.ts";
import { SeededRandom } from "../../src/ports/seeded-random.ts";
import { defaultAdapters } from "../../src/providers/index.ts";
import { createGateway } from "../../src/server/app.ts";
import { KEY_SECRETS, KEYS_POLICY, START } from "./policy.ts";

const PRICES: Record<string, [number, number]> = { cheap: [1, 2], pricey: [10, 30] };

function usageOfStream(text: string): { model: string; usage: { prompt_tokens: number; completion_tokens: number } } {
  let found: { model: string; usage: { prompt_tokens: number; completion_tokens: number } } | null = null;
  for (const line of text.split("\n")) {
    if (!line.startsWith("data: {")) continue;
    const chunk = JSON.parse(line.slice(6));
    if (chunk.usage) found = { model: chunk.model, usage: chunk.usage };
  }
  if (found === null) throw new Error("stream without usage");
  return found;
}

test("per-key spend over 1,000 mixed requests matches usage × price to the cent", async () => {
  const { graph } = compilePolicySource(KEYS_POLICY.replace("$0.002/month", "$1000/month"), "keys.route");
  const clock = new ManualClock(START);
  const secrets = { get: (n: string) => KEY_SECRETS[n] };
  const app = createGateway({
    graph: graph!,
    ports: {
      clock,
      random: new SeededRandom(7),
      transport: { fetch: () => Promise.reject(new Error("no network")) },
      secrets,
    },
    adapters: defaultAdapters(),
  });
  const expected: Record<string, number> = { "search-prod": 0, batch: 0 };
  const random = new SeededRandom(42);
  for (let i = 0; i < 1000; i++) {
    const key = i % 3 === 0 ? "search-prod" : "batch";
    const secret = key === "search-prod" ? KEY_SECRETS.SWITCHYARD_KEY_SEARCH : KEY_SECRETS.SWITCHYARD_KEY_BATCH;
    const stream = random.next() < 0.4;
    const route = key === "batch" && random.next() < 0.5 ? "premium" : "chat";
    const words = 1 + Math.floor(random.next() * 400);
    const body = {
      model: route,
      messages: [{ role: "user", content: "word ".repeat(words) }],
      stream,
      ...(stream ? { stream_options: { include_usage: true } } : {}),
    };
    const res = await app.fetch(
      new Request("http://gw.test/v1/chat/completions", {
        method: "POST",
        headers: { authorization: `Bearer ${secret}`, "content-type": "application/json" },
        body: JSON.stringify(body),
      }),
    );
    expect(res.status).toBe(200);
    const answer = stream ? usageOfStream(await res.text()) : await res.json();
    const [pin, pout] = PRICES[answer.model]!;
    expect(answer.usage.prompt_tokens).toBeGreaterThan(0);
    expect(answer.usage.completion_tokens).toBeGreaterThan(0);
    expected[key]! += (answer.usage.prompt_tokens * pin + answer.usage.completion_tokens * pout) / 1_000_000;
  }
  const access = app.engine().state().access!;
  for (const key of ["search-prod", "batch"]) {
    expect(access[`key:${key}`]!.costUsd.toFixed(2)).toBe(expected[key]!.toFixed(2));
    expect(Math.abs(access[`key:${key}`]!.costUsd - expected[key]!)).toBeLessThan(1e-9);
  }
  expect(access["key:search-prod"]!.requests + access["key:batch"]!.requests).toBe(1000);
  expect(access["team:search"]!.costUsd).toBeCloseTo(expected["search-prod"]!, 9);
  expect(expected.batch).toBeGreaterThan(0.01);
});

test("budget strict refuses a request whose worst case does not fit, before any attempt", async () => {
  const policy = KEYS_POLICY.replace(
    'key batch { secret env("SWITCHYARD_KEY_BATCH") }',
    'key batch { secret env("SWITCHYARD_KEY_BATCH")  budget { spend $0.01/day  strict true } }',
  );
  const { graph, diagnostics } = compilePolicySource(policy, "keys.route");
  expect(diagnostics.filter((d) => d.code !== "SY3011")).toEqual([]); // tiny budgets on purpose (SY3011 says so)
  const clock = new ManualClock(START);
  const app = createGateway({
    graph: graph!,
    ports: {
      clock,
      random: new SeededRandom(1),
      transport: { fetch: () => Promise.reject(new Error("no network")) },
      secrets: { get: (n) => KEY_SECRETS[n] },
    },
    adapters: defaultAdapters(),
  });
  const ask = (maxTokens: number) =>
    app.fetch(
      new Request("http://gw.test/v1/chat/completions", {
        method: "POST",
        headers: { authorization: `Bearer ${KEY_SECRETS.SWITCHYARD_KEY_BATCH}` },
        body: JSON.stringify({ model: "premium", max_tokens: maxTokens, messages: [{ role: "user", content: "hi" }] }),
      }),
    );
  // premium is pricey ($30 per 1M out): 1,000 reply tokens may cost $0.03 > $0.01, 100 at most $0.003
  const refused = await ask(1000);
  expect(refused.status).toBe(429);
  expect((await refused.json()).error.code).toBe("budget_exceeded");
  expect(app.engine().state().access!["key:batch"]!.refused).toBe(1);
  expect((await ask(100)).status).toBe(200);
});

test("a hot reload keeps each key's usage and spent limits; a removed key's usage goes", async () => {
  const { graph } = compilePolicySource(KEYS_POLICY, "keys.route");
  const clock = new ManualClock(START);
  const app = createGateway({
    graph: graph!,
    ports: {
      clock,
      random: new SeededRandom(1),
      transport: { fetch: () => Promise.reject(new Error("offline")) },
      secrets: { get: (n) => KEY_SECRETS[n] },
    },
    adapters: defaultAdapters(),
  });
  const ask = () =>
    app.fetch(
      new Request("http://gw.test/v1/chat/completions", {
        method: "POST",
        headers: { authorization: `Bearer ${KEY_SECRETS.SWITCHYARD_KEY_ADS}` },
        body: JSON.stringify({ model: "chat", messages: [{ role: "user", content: "hi" }] }),
      }),
    );
  for (let i = 0; i < 3; i++) expect((await ask()).status).toBe(200);
  const before = app.engine().state().access!["key:ads-bot"]!;
  app.reload(
    compilePolicySource(KEYS_POLICY.replace('key batch { secret env("SWITCHYARD_KEY_BATCH") }', ""), "keys.route")
      .graph!,
  );
  expect(app.engine().state().access!["key:ads-bot"]).toEqual(before);
  expect(app.engine().state().access!["key:batch"]).toBeUndefined();
  expect((await ask()).status).toBe(429);
});
