// The response cache in simulation: `repeat` traffic, serve's own cache (src/cache) on the virtual
// clock, hit rate and money saved in the report, and the two expectations on them.
import { describe, expect, test } from "bun:test";
import { renderHtml } from "../../src/simulate/render-html.ts";
import { renderJson } from "../../src/simulate/render-json.ts";
import { renderText } from "../../src/simulate/render-text.ts";
import { generateTraffic } from "../../src/simulate/traffic.ts";
import { scenario, simulate } from "./helpers.ts";

const CACHED = `${import.meta.dir}/fixtures/cached.route`;
const bodyText = (yaml: string) => [...generateTraffic(scenario(yaml))].map((r) => JSON.stringify(r.body));

describe("repeat traffic", () => {
  test("every new prompt is distinct, at the length asked for", () => {
    const bodies = bodyText(`duration: 1m\ntraffic: [{ route: chat, count: 200, prompt_tokens: 50 }]\n`);
    expect(new Set(bodies).size).toBe(200);
    const lengths = [
      ...generateTraffic(scenario(`duration: 1m\ntraffic: [{ route: chat, count: 5, prompt_tokens: 50 }]\n`)),
    ].map((r) => ((r.body.messages as { content: string }[])[0].content as string).length);
    expect(lengths).toEqual([200, 200, 200, 200, 200]);
  });

  test("`repeat` sends about that share of earlier requests again, word for word", () => {
    const reqs = [
      ...generateTraffic(
        scenario(
          `duration: 1h\ntraffic: [{ route: chat, count: 2000, repeat: 30%, mix: { stream: 50%, tools: 20% } }]\n`,
        ),
      ),
    ];
    const seen = new Map<string, number>();
    let repeats = 0;
    for (const r of reqs) {
      const text = JSON.stringify(r.body);
      const first = seen.get(text);
      if (first === undefined) seen.set(text, r.seq);
      else {
        repeats++;
        expect(r.outputTokens).toBe(reqs[first].outputTokens);
      }
    }
    expect(repeats / reqs.length).toBeGreaterThan(0.27);
    expect(repeats / reqs.length).toBeLessThan(0.33);
  });
});

describe("the cache in a run", () => {
  test("repeats are hits at $0; the report shows hit rate and money saved", async () => {
    const s = await simulate(
      `duration: 10m\ntraffic: [{ route: chat, rate: 60/min, repeat: 30%, mix: { stream: 50% } }]\nexpect:\n  - { check: cache_hit_rate, at_least: 25% }\n  - { check: cache_saved, at_least: $0.001 }\n  - { check: success_rate, at_least: 100% }\n`,
      { policy: CACHED },
    );
    const c = s.cache!;
    expect(c.hits + c.misses).toBe(s.totals.requests);
    expect(c.hitRate).toBeGreaterThan(0.2);
    expect(c.savedUsd).toBeGreaterThan(0);
    // a hit makes no attempt
    expect(s.models.find((m) => m.name === "a")!.attempted).toBe(c.misses);
    expect(s.passed).toBe(true);
    expect(JSON.parse(renderJson(s)).cache).toMatchObject({ hits: c.hits, misses: c.misses, savedUsd: c.savedUsd });
    expect(renderHtml(s)).toContain("saved by cache");
    expect(renderText(s)).toContain(
      `cache         ${(Math.round(c.hitRate * 10000) / 100).toString()}% hits (${c.hits} of ${s.totals.requests} lookups)`,
    );
  });

  test("an entry expires at its ttl in virtual time", async () => {
    // one request at 0s, its repeats at 5m (a hit) and at 20m (past the 10m ttl: a miss)
    const yaml = `duration: 30m\ntraffic:\n  - { route: chat, count: 1, from: 0s, until: 1s }\n`;
    const one = await simulate(yaml, { policy: CACHED });
    expect(one.cache).toMatchObject({ hits: 0, misses: 1 });
    const s = await simulate(
      `duration: 30m\ntraffic: [{ route: chat, count: 3, arrival: constant, from: 0s, until: 30m, repeat: 100% }]\n`,
      { policy: CACHED },
    );
    expect(s.cache).toMatchObject({ hits: 1, misses: 2, expirations: 1 });
  });

  test("a policy without a cache has no cache block, and a cache check there fails saying why", async () => {
    const s = await simulate(
      `duration: 1m\ntraffic: [{ route: chat, count: 5 }]\nexpect: [{ check: cache_hit_rate, at_least: 1% }]\n`,
    );
    expect(s.cache).toBeUndefined();
    expect(s.expectations[0]).toMatchObject({ passed: false, detail: "no rule of this policy has a `cache` block" });
  });

  test("cache checks need a bound, and money for `cache_saved`", () => {
    expect(() =>
      scenario(`duration: 1m\ntraffic: [{ route: chat, count: 1 }]\nexpect: [{ check: cache_hit_rate }]\n`),
    ).toThrow("give `at_least` or `at_most`");
    expect(() =>
      scenario(`duration: 1m\ntraffic: [{ route: chat, count: 1 }]\nexpect: [{ check: cache_saved, at_least: 5 }]\n`),
    ).toThrow("money");
  });
});
