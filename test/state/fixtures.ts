// Sample runtime states, a tiny graph and temp directories for the state tests.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Graph, ModelNode, RouteNode, Settings } from "../../src/compile/graph.ts";
import type { RuntimeState } from "../../src/runtime/api.ts";

export const T0 = Date.UTC(2026, 10, 25, 12, 0, 0); // 2026-11-25T12:00:00Z

/** A state touching every field, including the awkward values (nulls, -Infinity, fractions). */
export function sampleState(at = T0): RuntimeState {
  return {
    breakers: {
      "gpt-4o": { phase: "open", consecutiveFailures: 5, openedAt: at - 10_000, probesInFlight: 0, probeSuccesses: 0 },
      claude: {
        phase: "half_open",
        consecutiveFailures: 5,
        openedAt: at - 40_000,
        probesInFlight: 1,
        probeSuccesses: 1,
      },
      local: { phase: "closed", consecutiveFailures: 0, openedAt: null, probesInFlight: 0, probeSuccesses: 0 },
      "provider:openai": {
        phase: "closed",
        consecutiveFailures: 2,
        openedAt: null,
        probesInFlight: 0,
        probeSuccesses: 0,
      },
    },
    windows: {
      "gpt-4o": {
        bucketMs: 6_000,
        buckets: [
          { start: at - 54_000, ok: 3, fail: 1 },
          { start: at - 6_000, ok: 10, fail: 4 },
          { start: at, ok: 1, fail: 0 },
        ],
        latencyEwmaMs: 812.25,
        ttftEwmaMs: 230.5,
        tokensPerSecEwma: 41.125,
      },
      local: { bucketMs: 0, buckets: [], latencyEwmaMs: null, ttftEwmaMs: null, tokensPerSecEwma: null },
    },
    quotas: {
      "model:gpt-4o:requests:minute": { windowStart: Math.floor(at / 60_000) * 60_000, used: 12 },
      "model:gpt-4o:usd:month": { windowStart: Date.UTC(2026, 10, 1), used: 3.75 },
      "model:local:tokens:hour": { windowStart: Number.NEGATIVE_INFINITY, used: 0 },
      "model:claude:upstream_quota": { windowStart: at + 30_000, used: 1 },
      "provider:openai:tokens:day": { windowStart: Math.floor(at / 86_400_000) * 86_400_000, used: 120_000 },
    },
    cursors: { "chat#1": 7, "cheap#2": 0 },
    sticky: { "user-1": "gpt-4o", "user-2": "claude" },
    counters: {
      "gpt-4o": { requests: 40, successes: 35, failures: 5, tokensIn: 12_000, tokensOut: 3_400, costUsd: 0.0425 },
      claude: { requests: 3, successes: 2, failures: 1, tokensIn: 900, tokensOut: 100, costUsd: 0.001 },
    },
  };
}

export const breakerSettings = (cooldownMs: number, windowMs: number): Settings => ({
  timeout: { connectMs: 1000, firstTokenMs: 1000, idleMs: 1000, totalMs: 10_000 },
  retry: {
    attempts: 1,
    maxPerRequest: 3,
    backoffBaseMs: 1,
    backoffMaxMs: 5,
    jitter: 0,
    onStatuses: [],
    onClasses: [],
    retryAfterCapMs: 50,
  },
  breaker: { failures: 3, errorRate: null, windowMs, minRequests: 10, cooldownMs, probes: 1, successes: 1 },
  stream: { onBreak: "continue", toolCalls: "hold" },
  failoverOnContentPolicy: false,
});

function model(name: string, provider: string): ModelNode {
  return {
    name,
    upstream: name,
    provider,
    caps: 1,
    capNames: ["chat"],
    contextWindow: 8000,
    maxOutput: 1000,
    priceIn: 1,
    priceOut: 1,
    limits: [],
  };
}

function route(name: string, models: { name: string; provider: string }[], settings: Settings): RouteNode {
  const candidates = models.map((m) => ({
    model: m.name,
    provider: m.provider,
    caps: 1,
    contextWindow: 8000,
    weight: 1,
  }));
  return { name, rules: [{ cond: null, needs: 0, target: { kind: "chain", candidates }, settings, line: 1 }] };
}

/** `chat` → gpt-4o (openai), claude (anthropic); no `local`, no `cheap` route. */
export function sampleGraph(cooldownMs = 30_000, windowMs = 60_000): Graph {
  const gpt = { name: "gpt-4o", provider: "openai" };
  const claude = { name: "claude", provider: "anthropic" };
  return {
    version: 1,
    sources: ["test.route"],
    gateway: {
      clientKeyEnvs: [],
      adminTokenEnv: null,
      metricsTokenEnv: null,
      maxBodyBytes: 1_000_000,
      directModels: false,
    },
    providers: [
      {
        name: "openai",
        kind: "openai",
        baseUrl: "https://api.openai.com/v1",
        keyEnv: "OPENAI_API_KEY",
        headers: {},
        sim: null,
        limits: [],
      },
      {
        name: "anthropic",
        kind: "anthropic",
        baseUrl: "https://api.anthropic.com",
        keyEnv: "ANTHROPIC_API_KEY",
        headers: {},
        sim: null,
        limits: [],
      },
    ],
    models: [model(gpt.name, gpt.provider), model(claude.name, claude.provider)],
    routes: [route("chat", [gpt, claude], breakerSettings(cooldownMs, windowMs))],
  };
}

export interface TempDir {
  path: string;
  file(name: string): string;
  [Symbol.dispose](): void;
}

export function tempDir(): TempDir {
  const path = mkdtempSync(join(tmpdir(), "swyd-state-"));
  return {
    path,
    file: (name) => join(path, name),
    [Symbol.dispose]: () => rmSync(path, { recursive: true, force: true }),
  };
}
