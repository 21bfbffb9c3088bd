// Headers, request ids, engine error outcomes, /v1/models, health, readiness and draining.
import { describe, expect, test } from "bun:test";
import { createGateway } from "../../src/server/app.ts";
import { FakeClock, chatBody, completion, fakeEngines, graph, meta, ports, post, type ChatScript } from "./fixtures.ts";

function gateway(script: ChatScript, clock = new FakeClock()) {
  const engines = fakeEngines(script);
  const lines: string[] = [];
  const app = createGateway({
    graph: graph(),
    ports: ports(clock),
    adapters: {},
    createEngine: engines.create,
    log: (l) => lines.push(l),
  });
  return { app, engines, lines, clock };
}

const attempt = (model: string, status: number | null, cls: any, startedAt: number, durationMs: number) => ({
  model,
  provider: "p",
  status,
  cls,
  startedAt,
  durationMs,
  ttftMs: null,
  message: null,
});

describe("response headers", () => {
  test("route, served model, attempts and overhead come from the outcome", async () => {
    const clock = new FakeClock();
    const { app } = gateway((req) => {
      // 2 ms of gateway work, then 40 ms + 30 ms upstream attempts, then 1 ms more.
      const t0 = clock.t + 2;
      clock.t = t0 + 71;
      return {
        kind: "completion",
        body: completion("hi", "b"),
        meta: meta(req.route, {
          servedModel: "b",
          attempts: [attempt("a", 503, "server", t0, 40), attempt("b", 200, "ok", t0 + 40, 30)],
        }),
      };
    }, clock);
    const res = await app.fetch(post("/v1/chat/completions", chatBody()));
    expect(res.status).toBe(200);
    expect(res.headers.get("x-switchyard-route")).toBe("fast");
    expect(res.headers.get("x-switchyard-model")).toBe("b");
    expect(res.headers.get("x-switchyard-attempts")).toBe("a:503,b:200");
    expect(Number(res.headers.get("x-switchyard-overhead-ms"))).toBe(3);
    expect(((await res.json()) as any).choices[0].message.content).toBe("hi");
  });

  test("a sane client x-request-id is propagated to the engine and the response", async () => {
    const { app, engines } = gateway((req) => ({ kind: "completion", body: completion("x"), meta: meta(req.route) }));
    const res = await app.fetch(post("/v1/chat/completions", chatBody(), { "x-request-id": "trace-42" }));
    expect(res.headers.get("x-request-id")).toBe("trace-42");
    expect(engines.built[0].requests[0].id).toBe("trace-42");
  });

  test("a missing or hostile x-request-id is replaced, also on gateway errors", async () => {
    const { app } = gateway((req) => ({ kind: "completion", body: completion("x"), meta: meta(req.route) }));
    const a = await app.fetch(post("/v1/chat/completions", chatBody(), { "x-request-id": "bad id\twith spaces" }));
    expect(a.headers.get("x-request-id")).toMatch(/^req_[0-9a-f]{32}$/);
    const b = await app.fetch(new Request("http://gw.test/nope"));
    expect(b.headers.get("x-request-id")).toMatch(/^req_/);
  });

  test("an engine 503 keeps its status and body and sets retry-after", async () => {
    const { app } = gateway((req) => ({
      kind: "error",
      status: 503,
      error: {
        error: {
          message: "all candidates unavailable: a:open,b:open",
          type: "upstream_error",
          param: null,
          code: "no_candidates",
        },
      },
      retryAfterS: 2.2,
      meta: meta(req.route, { status: 503 }),
    }));
    const res = await app.fetch(post("/v1/chat/completions", chatBody()));
    expect(res.status).toBe(503);
    expect(res.headers.get("retry-after")).toBe("3");
    expect(((await res.json()) as any).error.message).toContain("a:open");
  });

  test("an engine 504 summarises the attempts", async () => {
    const { app } = gateway((req) => ({
      kind: "error",
      status: 504,
      error: {
        error: {
          message: "all candidates failed: a:timeout,b:timeout",
          type: "upstream_error",
          param: null,
          code: "upstream_timeout",
        },
      },
      retryAfterS: null,
      meta: meta(req.route, {
        status: 504,
        attempts: [attempt("a", null, "timeout", 1000, 10), attempt("b", null, "timeout", 1010, 10)],
      }),
    }));
    const res = await app.fetch(post("/v1/chat/completions", chatBody()));
    expect(res.status).toBe(504);
    expect(res.headers.get("x-switchyard-attempts")).toBe("a:timeout,b:timeout");
    expect(res.headers.get("retry-after")).toBeNull();
  });
});

describe("models and health", () => {
  test("/v1/models lists what `model` accepts (routes only by default) in the OpenAI list shape", async () => {
    const { app } = gateway((req) => ({ kind: "completion", body: completion("x"), meta: meta(req.route) }));
    const body = (await (await app.fetch(new Request("http://gw.test/v1/models"))).json()) as any;
    expect(body.object).toBe("list");
    expect(body.data.map((d: any) => d.id)).toEqual(["fast"]);
    for (const d of body.data) {
      expect(d.object).toBe("model");
      expect(d.owned_by).toBe("switchyard");
      expect(typeof d.created).toBe("number");
    }
    expect(body.data[0]).toMatchObject({ kind: "route", models: ["a", "b"] });
    expect(body.data[0].capabilities).toContain("stream");
  });

  test("readyz turns 503 while draining, and drain waits for an in-flight stream", async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    async function* slow() {
      yield { type: "chunk" as const, chunk: { choices: [{ index: 0, delta: { content: "x" } }] } };
      await gate;
      yield { type: "done" as const };
    }
    const { app } = gateway((req) => ({ kind: "stream", events: slow(), meta: meta(req.route) }));
    expect((await app.fetch(new Request("http://gw.test/readyz"))).status).toBe(200);
    const res = await app.fetch(post("/v1/chat/completions", chatBody({ stream: true })));
    const body = res.text();
    let drained = false;
    const draining = app.drain().then(() => (drained = true));
    expect((await app.fetch(new Request("http://gw.test/readyz"))).status).toBe(503);
    expect((await app.fetch(new Request("http://gw.test/healthz"))).status).toBe(200);
    const refused = await app.fetch(post("/v1/chat/completions", chatBody()));
    expect(refused.status).toBe(503);
    expect(drained).toBe(false);
    release();
    expect(await body).toContain("[DONE]");
    await draining;
    expect(drained).toBe(true);
  });
});
