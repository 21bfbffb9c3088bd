// Provider keys never reach a snapshot: drive the real engine against an upstream that echoes
// the key back in its errors (as some providers do), then search every format's bytes, and the
// `state show` output, for the key.
import { expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import type { Graph } from "../../src/compile/graph.ts";
import { openaiAdapter } from "../../src/providers/index.ts";
import type { ChatRequest } from "../../src/runtime/api.ts";
import { createEngine } from "../../src/runtime/engine.ts";
import { ManualClock } from "../../src/ports/manual-clock.ts";
import type { Ports } from "../../src/runtime/ports.ts";
import { runStateCli } from "../../src/state/cli.ts";
import { STATE_FORMATS } from "../../src/state/format.ts";
import { createSnapshotter } from "../../src/state/snapshotter.ts";
import { T0, breakerSettings, tempDir } from "./fixtures.ts";

const KEY = "sk-live-9f8e7d6c5b4a39281706f5e4d3c2b1a0";

function graph(): Graph {
  const candidates = ["flaky", "steady"].map((model) => ({
    model,
    provider: "openai",
    caps: 1,
    contextWindow: 8000,
    weight: 1,
  }));
  const model = (name: string) => ({
    name,
    upstream: name,
    provider: "openai",
    caps: 1,
    capNames: ["chat"],
    contextWindow: 8000,
    maxOutput: 1000,
    priceIn: 1,
    priceOut: 2,
    limits: [{ metric: "requests" as const, amount: 100, window: "minute" as const }],
  });
  return {
    version: 1,
    sources: ["t.route"],
    gateway: {
      clientKeyEnvs: [],
      adminTokenEnv: null,
      metricsTokenEnv: null,
      maxBodyBytes: 100_000,
      directModels: false,
    },
    providers: [
      {
        name: "openai",
        kind: "openai",
        baseUrl: "http://upstream.test/v1",
        keyEnv: "OPENAI_API_KEY",
        headers: {},
        sim: null,
        limits: [],
      },
    ],
    models: [model("flaky"), model("steady")],
    routes: [
      {
        name: "chat",
        rules: [
          {
            cond: null,
            needs: 1,
            target: { kind: "chain", candidates },
            settings: breakerSettings(30_000, 60_000),
            line: 1,
          },
        ],
      },
    ],
  };
}

test("no provider key in any snapshot format or in `state show`", async () => {
  using dir = tempDir();
  const clock = new ManualClock(T0);
  const seenKeys: string[] = [];
  const ports: Ports = {
    clock,
    random: { next: () => 0.5 },
    secrets: { get: (name) => (name === "OPENAI_API_KEY" ? KEY : undefined) },
    transport: {
      async fetch(_url, init) {
        const auth = new Headers(init.headers).get("authorization") ?? "";
        seenKeys.push(auth);
        const body = JSON.parse(String(init.body)) as { model: string };
        if (body.model === "flaky") {
          const error = {
            message: `Incorrect API key provided: ${auth.replace("Bearer ", "")}`,
            type: "server_error",
            code: null,
          };
          return Response.json({ error }, { status: 500 });
        }
        const choices = [{ index: 0, message: { role: "assistant", content: "hi" }, finish_reason: "stop" }];
        return Response.json({
          id: "c1",
          object: "chat.completion",
          created: 1,
          model: body.model,
          choices,
          usage: { prompt_tokens: 3, completion_tokens: 1, total_tokens: 4 },
        });
      },
    },
  };
  const engine = createEngine({ graph: graph(), ports, adapters: { openai: openaiAdapter } });
  for (let i = 0; i < 4; i++) {
    const req: ChatRequest = {
      id: `r${i}`,
      route: "chat",
      body: { model: "chat", messages: [{ role: "user", content: "hello" }] },
      headers: new Headers({ "x-session": `s${i}` }),
      signal: new AbortController().signal,
      receivedAt: clock.now(),
    };
    const outcome = await engine.chat(req);
    expect(outcome.kind).toBe("completion");
  }
  expect(seenKeys).toContain(`Bearer ${KEY}`); // the key really was in play
  const state = engine.state();
  expect(state.counters.flaky.failures).toBeGreaterThan(0);

  for (const format of STATE_FORMATS) {
    const path = dir.file(`state.${format}`);
    await createSnapshotter({ path, format, intervalMs: 1000, clock, getState: () => engine.state() }).writeNow();
    const bytes = readFileSync(path);
    expect(bytes.includes(KEY)).toBe(false);
    expect(bytes.includes(KEY.slice(3, 20))).toBe(false); // no fragment either
    const out: string[] = [];
    expect(await runStateCli(["show", path], { stdout: (t) => out.push(t), stderr: (t) => out.push(t) })).toBe(0);
    expect(out.join("")).toContain("flaky");
    expect(out.join("")).not.toContain(KEY.slice(3, 20));
  }
});

// Key secrets (issue 13): a served gateway with declared keys, a --state file, refusals of every
// kind and a near-miss secret; then every place a secret could leak is searched for any 10-character
// piece of any key secret: log lines, error bodies, /admin/state, /admin/keys, /metrics, the
// snapshot file, `state show` and the graph output.
test("declared key secrets never reach logs, errors, /admin, /metrics, snapshots or graph output", async () => {
  const { serveKeys, chatReq } = await import("../keys/serve-helpers.ts");
  const { KEY_SECRETS, KEYS_POLICY } = await import("../keys/policy.ts");
  const { compilePolicySource } = await import("../../src/compile/index.ts");
  const { printText } = await import("../../src/compile/print/text.ts");
  using dir = tempDir();
  const statePath = dir.file("state.bin");
  const served = await serveKeys({ statePath, dir: dir.path });
  const seen: string[] = [];
  try {
    const { url } = served.running;
    const admin = { authorization: `Bearer ${KEY_SECRETS.SWITCHYARD_ADMIN_TOKEN}` };
    const secrets = ["SWITCHYARD_KEY_SEARCH", "SWITCHYARD_KEY_ADS", "SWITCHYARD_KEY_BATCH"].map((n) => KEY_SECRETS[n]!);
    for (const key of [...secrets, `${secrets[0]}x`, secrets[1]!.slice(0, -1), null]) {
      for (const model of ["chat", "premium", "chat", "chat", "chat"])
        seen.push(await (await chatReq(url, key, { model })).text());
    }
    // a client that puts its key in the path: the 404's log line names the path
    for (const secret of secrets) seen.push(await (await fetch(`${url}/v1/${secret}`)).text());
    for (const path of ["/admin/state", "/admin/keys"])
      seen.push(await (await fetch(`${url}${path}`, { headers: admin })).text());
    seen.push(await (await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${secrets[2]}` } })).text());
    expect((await fetch(`${url}/admin/snapshot`, { method: "POST", headers: admin })).status).toBe(200);
    seen.push(readFileSync(statePath, "latin1"));
    const out: string[] = [];
    await runStateCli(["show", statePath], { stdout: (t) => out.push(t), stderr: (t) => out.push(t) });
    seen.push(out.join("\n"));
    const { graph } = compilePolicySource(KEYS_POLICY, "keys.route", { secrets: { get: (n) => KEY_SECRETS[n] } });
    seen.push(printText(graph!), JSON.stringify(graph));
    seen.push(served.lines.join("\n"));
    expect(seen.join("\n")).toContain("search-prod"); // the names are there
    const haystack = seen.join("\n");
    for (const secret of secrets) {
      for (let i = 0; i + 10 <= secret.length; i++)
        expect(haystack.includes(secret.slice(i, i + 10)) ? secret.slice(i, i + 10) : null).toBeNull();
    }
  } finally {
    await served.close();
  }
});
