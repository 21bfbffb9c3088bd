// /metrics exposition, admin token handling, and the swap semantics of Gateway.reload.
import { describe, expect, test } from "bun:test";
import type { StreamEvent } from "../../src/runtime/api.ts";
import { createGateway } from "../../src/server/app.ts";
import {
  chainRoute,
  chatBody,
  completion,
  emptyState,
  events,
  fakeEngines,
  graph,
  meta,
  model,
  ports,
  post,
  type ChatScript,
} from "./fixtures.ts";

const PROVIDER_KEY = "sk-secret-provider-key";
const env = { P_KEY: PROVIDER_KEY, ADMIN: "admin-token" };

function gateway(script: ChatScript, gatewayNode: Parameters<typeof graph>[1] = { adminTokenEnv: "ADMIN" }) {
  const engines = fakeEngines(script);
  const lines: string[] = [];
  const app = createGateway({
    graph: graph({}, gatewayNode),
    ports: ports(undefined, env),
    adapters: {},
    createEngine: engines.create,
    log: (l) => lines.push(l),
  });
  return { app, engines, lines };
}

const served: ChatScript = (req) => ({
  kind: "completion",
  body: completion("hi", "b"),
  meta: meta(req.route, {
    servedModel: "b",
    attempts: [
      {
        model: "a",
        provider: "p",
        status: 429,
        cls: "rate_limit",
        startedAt: 0,
        durationMs: 5,
        ttftMs: null,
        message: null,
      },
      { model: "b", provider: "p", status: 200, cls: "ok", startedAt: 5, durationMs: 5, ttftMs: 2, message: null },
    ],
    skipped: [{ model: "c", reason: "breaker_open" }],
    failovers: 1,
    usage: { prompt_tokens: 10, completion_tokens: 4, total_tokens: 14 },
    costUsd: 0.25,
  }),
});

const admin = (path: string, token?: string, method = "GET") =>
  new Request(`http://gw.test${path}`, { method, headers: token ? { authorization: `Bearer ${token}` } : {} });

describe("metrics", () => {
  test("counts requests, attempts, skips, failovers, tokens, cost and breaker state", async () => {
    const { app, engines } = gateway(served);
    engines.built[0].state().breakers.a = {
      phase: "open",
      consecutiveFailures: 3,
      openedAt: 0,
      probesInFlight: 0,
      probeSuccesses: 0,
    };
    await app.fetch(post("/v1/chat/completions", chatBody()));
    await app.fetch(post("/v1/chat/completions", chatBody()));
    await app.fetch(post("/v1/chat/completions", "{bad"));
    const res = await app.fetch(new Request("http://gw.test/metrics"));
    expect(res.headers.get("content-type")).toContain("text/plain");
    const text = await res.text();
    expect(text).toContain('switchyard_requests_total{endpoint="chat",route="fast",status="200"} 2');
    expect(text).toContain('switchyard_requests_total{endpoint="chat",route="",status="400"} 1');
    expect(text).toContain('switchyard_attempts_total{class="rate_limit",model="a"} 2');
    expect(text).toContain('switchyard_attempts_total{class="ok",model="b"} 2');
    expect(text).toContain('switchyard_skips_total{model="c",reason="breaker_open"} 2');
    expect(text).toContain('switchyard_failovers_total{route="fast"} 2');
    expect(text).toContain('switchyard_tokens_total{direction="in",model="b"} 20');
    expect(text).toContain('switchyard_tokens_total{direction="out",model="b"} 8');
    expect(text).toContain('switchyard_cost_usd_total{model="b"} 0.5');
    expect(text).toContain('switchyard_breaker_state{model="a"} 2');
    expect(text).toContain('switchyard_breaker_state{model="b"} 0');
    expect(text).toContain('switchyard_request_duration_seconds_bucket{route="fast",le="+Inf"} 2');
    expect(text).toContain("switchyard_overhead_seconds_count 3");
    expect(text).toContain("# TYPE switchyard_ttft_seconds histogram");
    // Every non-comment line is `name{labels} value`.
    for (const line of text
      .trim()
      .split("\n")
      .filter((l) => !l.startsWith("#")))
      expect(line).toMatch(/^[a-z_]+(\{[^}]*\})? [0-9.e+-]+$|^[a-z_]+(\{[^}]*\})? \+Inf$/);
  });

  test("an unknown model name does not become a label", async () => {
    const { app } = gateway(served);
    await app.fetch(post("/v1/chat/completions", chatBody({ model: "attacker-chosen-name" })));
    expect(await (await app.fetch(new Request("http://gw.test/metrics"))).text()).not.toContain("attacker-chosen-name");
  });
});

describe("admin endpoints", () => {
  test("no admin token configured: 404 saying the policy declares no `admin_token`", async () => {
    const { app } = gateway(served, { adminTokenEnv: null });
    for (const [path, method] of [
      ["/admin/state", "GET"],
      ["/admin/keys", "GET"],
      ["/admin/reload", "POST"],
    ]) {
      const res = await app.fetch(admin(path, "admin-token", method));
      expect(res.status).toBe(404);
      const body = (await res.json()) as any;
      expect(body.error.type).toBe("not_found_error");
      expect(body.error.code).toBe("not_found");
      expect(body.error.message).toContain("the admin api is disabled: the policy declares no `admin_token`");
      expect(body.error.message).toContain('gateway { admin_token env("SWITCHYARD_ADMIN_TOKEN") }');
    }
  });

  test("token env named but unset: 403", async () => {
    const { app } = gateway(served, { adminTokenEnv: "NOT_SET" });
    expect((await app.fetch(admin("/admin/state", "anything"))).status).toBe(403);
  });

  test("missing or wrong token: 401; right token: state", async () => {
    const { app } = gateway(served);
    expect((await app.fetch(admin("/admin/state"))).status).toBe(401);
    expect((await app.fetch(admin("/admin/state", "admin-tokex"))).status).toBe(401);
    const res = await app.fetch(admin("/admin/state", "admin-token"));
    expect(res.status).toBe(200);
    const body = (await res.json()) as any;
    expect(body.routes).toEqual(["fast"]);
    expect(body.state).toEqual(emptyState());
  });

  test("reload without a policy file is refused with 409", async () => {
    const { app } = gateway(served);
    expect((await app.fetch(admin("/admin/reload", "admin-token", "POST"))).status).toBe(409);
  });

  test("the provider key never appears in logs, errors, /admin/state or /metrics", async () => {
    const { app, lines } = gateway(served);
    const seen: string[] = [];
    for (const req of [
      post("/v1/chat/completions", chatBody()),
      post("/v1/chat/completions", "{"),
      admin("/admin/state", "admin-token"),
      new Request("http://gw.test/metrics"),
      new Request("http://gw.test/v1/models"),
    ]) {
      seen.push(await (await app.fetch(req)).text());
    }
    seen.push(...lines);
    expect(seen.join("\n")).not.toContain(PROVIDER_KEY);
    expect(lines.join("\n")).not.toContain('hi"'); // no prompt or reply text in logs
  });
});

describe("reload", () => {
  test("in-flight requests finish on the old engine; new ones use the new graph; state carries over", async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    async function* held(): AsyncGenerator<StreamEvent> {
      yield { type: "chunk", chunk: { choices: [{ index: 0, delta: { content: "old" } }] } };
      await gate;
      yield { type: "done" };
    }
    const { app, engines, lines } = gateway((req, engine) =>
      engine === engines.built[0]
        ? { kind: "stream", events: held(), meta: meta(req.route, { servedModel: "a" }) }
        : { kind: "stream", events: events([{ type: "done" }]), meta: meta(req.route, { servedModel: "c" }) },
    );
    engines.built[0].state().breakers.a = {
      phase: "open",
      consecutiveFailures: 5,
      openedAt: 10,
      probesInFlight: 0,
      probeSuccesses: 0,
    };

    const inflight = await app.fetch(post("/v1/chat/completions", chatBody({ stream: true })));
    const next = graph(
      { models: [model("a"), model("c")], routes: [chainRoute("fast", ["c", "a"]), chainRoute("slow", ["a"])] },
      { adminTokenEnv: "ADMIN" },
    );
    app.reload(next);

    expect(engines.built).toHaveLength(2);
    expect(engines.built[1].opts.graph).toBe(next);
    expect(engines.built[1].opts.state?.breakers.a.phase).toBe("open");
    expect(app.graph()).toBe(next);
    expect(app.engine()).toBe(engines.built[1]);

    const fresh = await app.fetch(post("/v1/chat/completions", chatBody({ model: "slow", stream: true })));
    expect(fresh.headers.get("x-switchyard-model")).toBe("c");
    expect(engines.built[1].requests).toHaveLength(1);

    release();
    expect(await inflight.text()).toContain("old");
    expect(engines.built[0].requests).toHaveLength(1);
    expect(lines.some((l) => JSON.parse(l).event === "reload")).toBe(true);
  });
});
