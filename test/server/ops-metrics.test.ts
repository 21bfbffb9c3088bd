// What operators read from a running gateway, over real HTTP: /metrics counts in-flight work but
// not the scrape itself, exports the standard process metrics, is protected when keys are set, and
// every log line has an ISO time.
import { afterEach, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ServeError, serve, type RunningGateway } from "../../src/server/serve.ts";

let running: RunningGateway | null = null;
let dir = "";
afterEach(async () => {
  await running?.stop();
  running = null;
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = "";
});

const noKeys = { get: () => undefined };

/** `name{labels} value` → value, for a series without labels. */
function sample(text: string, name: string): number | null {
  const line = text.split("\n").find((l) => l.startsWith(`${name} `));
  return line === undefined ? null : Number(line.slice(name.length + 1));
}

test("a scrape does not count itself as an in-flight request", async () => {
  running = await serve({ port: 0, env: noKeys, log: () => {}, say: () => {} });
  const text = await (await fetch(`${running.url}/metrics`)).text();
  expect(sample(text, "switchyard_inflight_requests")).toBe(0);
});

test("process metrics under their standard Prometheus names", async () => {
  running = await serve({ port: 0, env: noKeys, log: () => {}, say: () => {} });
  const text = await (await fetch(`${running.url}/metrics`)).text();
  expect(text).toContain("# TYPE process_cpu_seconds_total counter");
  expect(sample(text, "process_cpu_seconds_total")).toBeGreaterThan(0);
  expect(sample(text, "process_resident_memory_bytes")).toBeGreaterThan(1_000_000);
  expect(sample(text, "process_open_fds")).toBeGreaterThan(2); // stdio and the listening socket at least
  expect(sample(text, "process_start_time_seconds")).toBeGreaterThan(1_600_000_000);
  expect(sample(text, "nodejs_eventloop_lag_seconds")).toBeGreaterThanOrEqual(0);
});

test("log lines carry `time` as ISO 8601 UTC next to `at` in epoch milliseconds", async () => {
  const lines: string[] = [];
  running = await serve({ port: 0, env: noKeys, log: (l) => lines.push(l), say: () => {} });
  await (await fetch(`${running.url}/nope`)).arrayBuffer();
  const line = JSON.parse(lines.find((l) => l.includes('"request"'))!);
  expect(line.time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  expect(Date.parse(line.time)).toBe(Math.floor(line.at));
});

describe("/metrics is protected when the policy sets keys", () => {
  const sim = `provider sim { kind simulated }\nmodel m { provider sim  can [chat] }\nroute chat { otherwise -> [m] }\n`;
  const secrets: Record<string, string> = { SY_CLIENT: "client-key-1", SY_METRICS: "scrape-token-1" };
  const env = { get: (name: string) => secrets[name] };
  async function start(gatewayBlock: string): Promise<RunningGateway> {
    dir = mkdtempSync(join(tmpdir(), "switchyard-metrics-"));
    const path = join(dir, "gw.route");
    writeFileSync(path, `gateway { ${gatewayBlock} }\n${sim}`);
    return serve({ policyPath: path, port: 0, env, log: () => {}, say: () => {} });
  }
  const scrape = (token?: string) =>
    fetch(`${running!.url}/metrics`, { headers: token ? { authorization: `Bearer ${token}` } : {} });

  test("keys without metrics_token: a client key is needed", async () => {
    running = await start(`keys [env("SY_CLIENT")]`);
    const refused = await scrape();
    expect(refused.status).toBe(401);
    expect(((await refused.json()) as any).error.code).toBe("invalid_api_key");
    expect((await scrape("wrong")).status).toBe(401);
    expect((await scrape("client-key-1")).status).toBe(200);
  });

  test("metrics_token: only that token (a client key cannot scrape)", async () => {
    running = await start(`keys [env("SY_CLIENT")]  metrics_token env("SY_METRICS")`);
    expect((await scrape()).status).toBe(401);
    expect((await scrape("client-key-1")).status).toBe(401);
    const ok = await scrape("scrape-token-1");
    expect(ok.status).toBe(200);
    expect(await ok.text()).toContain("switchyard_requests_total");
  });

  test("serve refuses to start when the metrics_token variable is not set", async () => {
    const err = await start(`metrics_token env("SY_METRICS_UNSET")`).catch((e) => e);
    expect(err).toBeInstanceOf(ServeError);
    expect(err.message).toContain("`SY_METRICS_UNSET`");
  });
});
