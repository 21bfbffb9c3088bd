// Shutdown over real HTTP, stepped with a manual clock (no sleeps): /readyz fails first while
// everything is still served, then the listener drains, then a stream still running is cut with an
// error event (never a silent close) and logged as cut by the gateway, not as a client cancel.
import { afterEach, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ManualClock } from "../../src/ports/manual-clock.ts";
import { serve, type RunningGateway } from "../../src/server/serve.ts";
import { sseData } from "./fault-harness.ts";
import { completionBody, json, mockUpstream, sse, words, type MockUpstream } from "./mock-upstream.ts";

let running: RunningGateway | null = null;
let upstream: MockUpstream | null = null;
let dir = "";
afterEach(() => {
  upstream?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
  running = null;
});

const chat = (stream: boolean) => ({
  method: "POST",
  body: JSON.stringify({ model: "chat", stream, messages: [{ role: "user", content: "hi" }] }),
});

/** A policy on one upstream whose streams send a word and then hang; timeouts far beyond the test. */
async function start(clock: ManualClock, lines: string[]): Promise<RunningGateway> {
  upstream = mockUpstream((_, body, call) =>
    body.stream ? sse([...words("m", ["one"]), { end: "hang" }], call) : json(completionBody("m", "hello")),
  );
  dir = mkdtempSync(join(tmpdir(), "switchyard-shutdown-"));
  const path = join(dir, "gw.route");
  writeFileSync(
    path,
    `
defaults { timeout { connect 1h  first_token 1h  idle 1h  total 1h } }
provider up { kind openai  base_url "${upstream.url}"  key env("SY_SHUTDOWN_KEY") }
model m { provider up  upstream "m"  can [chat, stream]  context 8k }
route chat { otherwise -> [m] }
`,
  );
  const env = { get: (name: string) => (name === "SY_SHUTDOWN_KEY" ? "sk-test" : undefined) };
  return serve({
    policyPath: path,
    port: 0,
    env,
    clock,
    log: (l) => lines.push(l),
    say: () => {},
    notReadyMs: 5_000,
    drainTimeoutMs: 10_000,
  });
}

test("not ready first, then drain, then running streams end with a gateway_shutdown error event", async () => {
  const clock = new ManualClock(1_000_000);
  const lines: string[] = [];
  running = await start(clock, lines);
  const url = running.url;
  const streaming = await fetch(`${url}/v1/chat/completions`, chat(true));
  expect(streaming.status).toBe(200);
  const body = streaming.body!.getReader();
  let text = "";
  for (let i = 0; i < 10 && !text.includes("one"); i++) text += new TextDecoder().decode((await body.read()).value);
  expect(text).toContain("one");

  const stopping = running.stop();
  // 1. the not-ready window: readiness fails, requests are still answered
  const ready = await fetch(`${url}/readyz`);
  expect(ready.status).toBe(503);
  expect(await ready.json()).toEqual({ status: "shutting_down" });
  expect((await fetch(`${url}/v1/chat/completions`, chat(false))).status).toBe(200);
  expect(running.gateway.inflight()).toBe(1);

  // 2. the window is over: draining (the stream still runs, nothing is cut yet)
  await clock.advance(5_000);
  await clock.advance(9_999);
  expect(running.gateway.inflight()).toBe(1);

  // 3. the drain time is over: the stream is cut with an error event and no [DONE]
  await clock.advance(1);
  for (let i = 0; i < 100; i++) {
    const { done, value } = await body.read();
    if (done) break;
    text += new TextDecoder().decode(value);
  }
  const frames = sseData(text);
  expect(frames).not.toContain("[DONE]");
  expect(frames.at(-1)).toMatchObject({ error: { code: "gateway_shutdown", type: "server_error" } });
  await stopping;

  const logged = lines.map((l) => JSON.parse(l));
  const streamLine = logged.find((l) => l.event === "request" && l.stream === true);
  expect(streamLine).toMatchObject({ status: 200, error: "gateway_shutdown" });
  expect(logged.filter((l) => l.event === "shutdown").map((l) => l.phase)).toEqual(["not_ready", "cut"]);
  await upstream!.calls[0].gone; // the upstream request was cancelled, not left hanging
});

test("with nothing running, stop() neither waits out the window nor the drain time beyond the window", async () => {
  const clock = new ManualClock(1_000_000);
  running = await start(clock, []);
  const stopping = running.stop();
  let stopped = false;
  void stopping.then(() => (stopped = true));
  await clock.advance(4_999);
  expect(stopped).toBe(false); // the load balancer still gets its whole window
  await clock.advance(1);
  await stopping; // no drain wait: nothing was in flight
  expect(clock.pending()).toBe(0);
});
