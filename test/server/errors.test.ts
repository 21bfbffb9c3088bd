// Every error path of the HTTP layer answers in the OpenAI error shape with the right status.
import { describe, expect, test } from "bun:test";
import { createGateway } from "../../src/server/app.ts";
import { chatBody, completion, fakeEngines, graph, meta, ports, post } from "./fixtures.ts";

function gateway(gatewayOpts: Parameters<typeof graph>[1] = {}, env?: Record<string, string>) {
  const engines = fakeEngines((req) => ({
    kind: "completion",
    body: completion("ok"),
    meta: meta(req.route, { servedModel: "a" }),
  }));
  const lines: string[] = [];
  const app = createGateway({
    graph: graph({}, gatewayOpts),
    ports: ports(undefined, env),
    adapters: {},
    createEngine: engines.create,
    log: (l) => lines.push(l),
  });
  return { app, engines, lines };
}

async function errorOf(res: Response) {
  const body = (await res.json()) as {
    error: { message: string; type: string; param: string | null; code: string | null };
  };
  expect(Object.keys(body.error).sort()).toEqual(["code", "message", "param", "type"]);
  return body.error;
}

describe("request errors", () => {
  test("malformed json is a 400 that says so", async () => {
    const { app, engines } = gateway();
    const res = await app.fetch(post("/v1/chat/completions", "{not json"));
    expect(res.status).toBe(400);
    const err = await errorOf(res);
    expect(err.type).toBe("invalid_request_error");
    expect(err.message).toContain("not valid json");
    expect(engines.built[0].requests).toHaveLength(0);
  });

  test("an invalid body names the wrong field path", async () => {
    const { app } = gateway();
    const res = await app.fetch(
      post("/v1/chat/completions", chatBody({ messages: [{ role: "robot", content: "x" }] })),
    );
    expect(res.status).toBe(400);
    const err = await errorOf(res);
    expect(err.param).toBe("messages[0].role");
    expect(err.message).toContain("`messages[0].role`");
  });

  test("a missing field is reported as required", async () => {
    const { app } = gateway();
    const err = await errorOf(await app.fetch(post("/v1/chat/completions", { model: "fast" })));
    expect(err.message).toBe("`messages` is required");
  });

  test("a non-object body is rejected", async () => {
    const { app } = gateway();
    const res = await app.fetch(post("/v1/chat/completions", "[1,2]"));
    expect(res.status).toBe(400);
    expect((await errorOf(res)).message).toContain("json object");
  });

  test("unknown body fields pass through to the engine", async () => {
    const { app, engines } = gateway();
    const res = await app.fetch(
      post(
        "/v1/chat/completions",
        chatBody({ seed: 7, user: "u1", messages: [{ role: "user", content: "hi", custom: true }] }),
      ),
    );
    expect(res.status).toBe(200);
    const body = engines.built[0].requests[0].body as Record<string, any>;
    expect(body.seed).toBe(7);
    expect(body.messages[0].custom).toBe(true);
  });

  test("a body over the limit by content-length is 413", async () => {
    const { app } = gateway({ maxBodyBytes: 100 });
    const res = await app.fetch(post("/v1/chat/completions", chatBody({ pad: "x".repeat(200) })));
    expect(res.status).toBe(413);
    expect((await errorOf(res)).code).toBe("request_too_large");
  });

  test("a body over the limit without content-length is counted while reading", async () => {
    const { app } = gateway({ maxBodyBytes: 100 });
    const bytes = new TextEncoder().encode(JSON.stringify(chatBody({ pad: "x".repeat(200) })));
    const stream = new ReadableStream<Uint8Array>({
      start(c) {
        for (let i = 0; i < bytes.length; i += 16) c.enqueue(bytes.slice(i, i + 16));
        c.close();
      },
    });
    const req = new Request("http://gw.test/v1/chat/completions", {
      method: "POST",
      body: stream,
      headers: { "content-type": "application/json" },
    });
    expect(req.headers.get("content-length")).toBeNull();
    const res = await app.fetch(req);
    expect(res.status).toBe(413);
  });

  test("a body that breaks off mid-upload is a 400, not a 500", async () => {
    const { app } = gateway();
    const body = new ReadableStream<Uint8Array>({
      start(c) {
        c.enqueue(new TextEncoder().encode('{"model":'));
        c.error(new Error("connection reset by client"));
      },
    });
    const res = await app.fetch(new Request("http://gw.test/v1/chat/completions", { method: "POST", body }));
    expect(res.status).toBe(400);
    expect((await errorOf(res)).message).toContain("could not be read");
  });

  test("an unknown model is a 404 listing the routes", async () => {
    const { app } = gateway();
    const res = await app.fetch(post("/v1/chat/completions", chatBody({ model: "gpt-9" })));
    expect(res.status).toBe(404);
    const err = await errorOf(res);
    expect(err.code).toBe("model_not_found");
    expect(err.message).toContain("`gpt-9`");
    expect(err.message).toContain("`fast`");
  });

  test("a wrong method is a 405 with Allow", async () => {
    const { app } = gateway();
    const res = await app.fetch(new Request("http://gw.test/v1/chat/completions"));
    expect(res.status).toBe(405);
    expect(res.headers.get("allow")).toBe("POST");
    expect((await errorOf(res)).code).toBe("method_not_allowed");
  });

  test("an unknown path is a 404", async () => {
    const { app } = gateway();
    expect((await app.fetch(new Request("http://gw.test/v1/models", { method: "PATCH" }))).headers.get("allow")).toBe(
      "GET",
    );
    const res = await app.fetch(new Request("http://gw.test/v1/nope"));
    expect(res.status).toBe(404);
    expect((await errorOf(res)).type).toBe("not_found_error");
  });

  test("paths work without the /v1 prefix and with a trailing slash", async () => {
    const { app } = gateway();
    expect((await app.fetch(post("/chat/completions", chatBody()))).status).toBe(200);
    expect((await app.fetch(post("/v1/chat/completions/", chatBody()))).status).toBe(200);
  });

  test("embeddings validate their input", async () => {
    const { app } = gateway();
    const bad = await app.fetch(post("/v1/embeddings", { model: "fast", input: 5 }));
    expect(bad.status).toBe(400);
    expect((await errorOf(bad)).param).toBe("input");
    const ok = await app.fetch(post("/v1/embeddings", { model: "fast", input: "hello" }));
    expect(ok.status).toBe(200);
    expect(((await ok.json()) as any).data[0].embedding).toEqual([0.1, 0.2]);
  });

  test("an engine that throws gives a 500 without its message or stack", async () => {
    const engines = fakeEngines(() => {
      throw new Error("boom at /secret/path.ts:12");
    });
    const lines: string[] = [];
    const app = createGateway({
      graph: graph(),
      ports: ports(),
      adapters: {},
      createEngine: engines.create,
      log: (l) => lines.push(l),
    });
    const res = await app.fetch(post("/v1/chat/completions", chatBody()));
    expect(res.status).toBe(500);
    const text = await res.text();
    expect(text).not.toContain("boom");
    expect(text).not.toContain("path.ts");
    expect(lines.join("\n")).not.toContain("boom");
  });
});

describe("client auth", () => {
  const env = { CLIENT_A: "key-a", CLIENT_B: "key-b", P_KEY: "sk-secret-provider-key" };

  test("no Authorization is a 401 invalid_api_key", async () => {
    const { app } = gateway({ clientKeyEnvs: ["CLIENT_A", "CLIENT_B"] }, env);
    const res = await app.fetch(post("/v1/chat/completions", chatBody()));
    expect(res.status).toBe(401);
    const err = await errorOf(res);
    expect(err).toEqual({ message: err.message, type: "invalid_request_error", param: null, code: "invalid_api_key" });
  });

  test("a wrong key is a 401, and any configured key is accepted", async () => {
    const { app } = gateway({ clientKeyEnvs: ["CLIENT_A", "CLIENT_B"] }, env);
    expect((await app.fetch(post("/v1/chat/completions", chatBody(), { authorization: "Bearer key-c" }))).status).toBe(
      401,
    );
    expect((await app.fetch(post("/v1/chat/completions", chatBody(), { authorization: "Bearer key-" }))).status).toBe(
      401,
    );
    expect((await app.fetch(post("/v1/chat/completions", chatBody(), { authorization: "Bearer key-a" }))).status).toBe(
      200,
    );
    expect((await app.fetch(post("/v1/chat/completions", chatBody(), { authorization: "Bearer key-b" }))).status).toBe(
      200,
    );
  });

  test("auth is checked before the body is parsed", async () => {
    const { app } = gateway({ clientKeyEnvs: ["CLIENT_A"] }, env);
    expect((await app.fetch(post("/v1/chat/completions", "{bad"))).status).toBe(401);
  });

  test("/v1/models needs a key too, health does not", async () => {
    const { app } = gateway({ clientKeyEnvs: ["CLIENT_A"] }, env);
    expect((await app.fetch(new Request("http://gw.test/v1/models"))).status).toBe(401);
    expect(
      (await app.fetch(new Request("http://gw.test/v1/models", { headers: { authorization: "Bearer key-a" } }))).status,
    ).toBe(200);
    expect((await app.fetch(new Request("http://gw.test/healthz"))).status).toBe(200);
  });

  test("a configured but unset key env accepts nothing, not an empty bearer", async () => {
    const { app } = gateway({ clientKeyEnvs: ["UNSET_ENV"] }, env);
    expect((await app.fetch(post("/v1/chat/completions", chatBody(), { authorization: "Bearer " }))).status).toBe(401);
    expect(
      (await app.fetch(post("/v1/chat/completions", chatBody(), { authorization: "Bearer undefined" }))).status,
    ).toBe(401);
  });
});
