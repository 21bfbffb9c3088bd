// Traffic generation: arrival counts and order, mix shares, prompt sizes the engine will estimate
// as intended, header/metadata choices, and seeded replay.
import { describe, expect, test } from "bun:test";
import { inferChatNeeds } from "../../src/runtime/plan/needs.ts";
import { CAP_BIT } from "../../src/syntax/vocabulary.ts";
import { generateTraffic, type SimRequest } from "../../src/simulate/traffic.ts";
import { scenario } from "./helpers.ts";

const all = (yaml: string): SimRequest[] => [...generateTraffic(scenario(yaml))];

describe("traffic", () => {
  test("constant arrivals are evenly spaced and stop at the end of the run", () => {
    const reqs = all(`duration: 10s\ntraffic: [{ route: chat, rate: 2/s, arrival: constant }]\n`);
    expect(reqs.map((r) => r.at)).toEqual([
      0, 500, 1000, 1500, 2000, 2500, 3000, 3500, 4000, 4500, 5000, 5500, 6000, 6500, 7000, 7500, 8000, 8500, 9000,
      9500,
    ]);
    expect(reqs.map((r) => r.seq)).toEqual(reqs.map((_, i) => i));
  });

  test("poisson arrivals average the rate", () => {
    const reqs = all(`duration: 1h\ntraffic: [{ route: chat, rate: 600/min }]\n`);
    expect(reqs.length).toBeGreaterThan(36_000 * 0.97);
    expect(reqs.length).toBeLessThan(36_000 * 1.03);
    for (let i = 1; i < reqs.length; i++) if (reqs[i].at < reqs[i - 1].at) throw new Error("arrivals out of order");
  });

  test("a count is exact and stays inside its window", () => {
    const reqs = all(`duration: 1m\ntraffic: [{ route: chat, count: 50, from: 10s, until: 20s }]\n`);
    expect(reqs).toHaveLength(50);
    expect(reqs.every((r) => r.at >= 10_000 && r.at < 20_000)).toBe(true);
  });

  test("sources interleave in time order", () => {
    const reqs = all(
      `duration: 2s\ntraffic:\n  - { route: a, rate: 2/s, arrival: constant }\n  - { route: b, rate: 1/s, arrival: constant, from: 250ms }\n`,
    );
    expect(reqs.map((r) => `${r.route}@${r.at}`)).toEqual(["a@0", "b@250", "a@500", "a@1000", "b@1250", "a@1500"]);
  });

  test("mix shares become the needs the engine infers", () => {
    const reqs = all(
      `duration: 1h\ntraffic: [{ route: chat, rate: 2/s, mix: { stream: 50%, tools: 20%, images: 10%, json: 5% } }]\n`,
    );
    const share = (bit: number) => reqs.filter((r) => (inferChatNeeds(r.body).mask & bit) !== 0).length / reqs.length;
    expect(share(CAP_BIT.stream)).toBeCloseTo(0.5, 1);
    expect(share(CAP_BIT.tools)).toBeCloseTo(0.2, 1);
    expect(share(CAP_BIT.vision)).toBeCloseTo(0.1, 1);
    expect(share(CAP_BIT.json)).toBeCloseTo(0.05, 1);
    expect(reqs.filter((r) => r.stream).every((r) => r.body.stream === true)).toBe(true);
  });

  test("prompt sizes are what the engine estimates", () => {
    const reqs = all(`duration: 10s\ntraffic: [{ route: chat, count: 20, prompt_tokens: { min: 100, max: 5000 } }]\n`);
    for (const r of reqs) {
      const tokens = inferChatNeeds(r.body).promptTokens;
      expect(tokens).toBeGreaterThanOrEqual(100);
      expect(tokens).toBeLessThanOrEqual(5000);
    }
    const fixed = all(`duration: 10s\ntraffic: [{ route: chat, count: 3, prompt_tokens: 1234 }]\n`);
    expect(fixed.map((r) => inferChatNeeds(r.body).promptTokens)).toEqual([1234, 1234, 1234]);
  });

  test("log-normal output tokens centre on the median", () => {
    const reqs = all(
      `duration: 1h\ntraffic: [{ route: chat, rate: 1/s, output_tokens: { median: 200, p95: 1000 } }]\n`,
    );
    const sorted = reqs.map((r) => r.outputTokens).sort((a, b) => a - b);
    expect(sorted[Math.floor(sorted.length / 2)]).toBeGreaterThan(180);
    expect(sorted[Math.floor(sorted.length / 2)]).toBeLessThan(220);
    expect(sorted[Math.floor(sorted.length * 0.95)]).toBeGreaterThan(850);
    expect(sorted[Math.floor(sorted.length * 0.95)]).toBeLessThan(1150);
  });

  test("headers and metadata are drawn from their choices", () => {
    const reqs = all(
      `duration: 1h\ntraffic: [{ route: chat, rate: 1/s, headers: { X-Tier: { free: 75%, paid: 25% } }, metadata: { team: [search, ads] } }]\n`,
    );
    const free = reqs.filter((r) => r.headers.get("x-tier") === "free").length / reqs.length;
    expect(free).toBeCloseTo(0.75, 1);
    expect(new Set(reqs.map((r) => (r.body.metadata as Record<string, string>).team))).toEqual(
      new Set(["search", "ads"]),
    );
  });

  test("the same seed replays the same traffic; adding a source leaves the first one alone", () => {
    const one = all(`duration: 1m\nseed: 3\ntraffic: [{ route: chat, rate: 5/s, mix: { stream: 50% } }]\n`);
    const two = all(`duration: 1m\nseed: 3\ntraffic: [{ route: chat, rate: 5/s, mix: { stream: 50% } }]\n`);
    const more = all(
      `duration: 1m\nseed: 3\ntraffic:\n  - { route: chat, rate: 5/s, mix: { stream: 50% } }\n  - { route: other, rate: 1/s }\n`,
    );
    const shape = (rs: SimRequest[]) =>
      rs.filter((r) => r.route === "chat").map((r) => `${r.at.toFixed(3)}:${r.stream}:${r.outputTokens}`);
    expect(shape(two)).toEqual(shape(one));
    expect(shape(more)).toEqual(shape(one));
  });
});
