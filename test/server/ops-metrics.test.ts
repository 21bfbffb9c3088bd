// What operators read from a running gateway, over real HTTP: /metrics counts in-flight work but
// not the scrape itself, exports the standard process metrics, and every log line has an ISO time.
import { afterEach, expect, test } from "bun:test";
import { serve, type RunningGateway } from "../../src/server/serve.ts";

let running: RunningGateway | null = null;
afterEach(async () => {
  await running?.stop();
  running = null;
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
