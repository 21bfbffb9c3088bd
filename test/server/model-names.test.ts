// What a client may put in `model` (issue 9, item 15): routes always, models only when the policy
// says `gateway { direct_models true }`. /v1/models and /v1/models/{id} list exactly that, and
// every unknown name gets the same 404 wherever it is caught, with a did-you-mean.
import { describe, expect, test } from "bun:test";
import OpenAI from "openai";
import { compilePolicySource } from "../../src/compile/index.ts";
import { defaultAdapters } from "../../src/providers/index.ts";
import { SystemClock } from "../../src/ports/system-clock.ts";
import { createGateway } from "../../src/server/app.ts";
import { stopAfterEach } from "./fault-harness.ts";
import { ports } from "./fixtures.ts";

const track = stopAfterEach();

function serve(direct: boolean | null) {
  const gateway = direct === null ? "" : `gateway { direct_models ${direct} }`;
  const policy = `${gateway}
provider sim { kind simulated  ttft 0ms  per_token 0ms }
model mini { provider sim  can [chat, stream] }
model large { provider sim  can [chat, stream, tools] }
route chat { otherwise -> [mini, large] }
`;
  const compiled = compilePolicySource(policy, "names.route");
  expect(compiled.diagnostics).toEqual([]);
  const app = createGateway({ graph: compiled.graph!, ports: ports(new SystemClock()), adapters: defaultAdapters() });
  const server = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: (req) => app.fetch(req) });
  track({ stop: () => void server.stop(true) });
  const url = `http://127.0.0.1:${server.port}`;
  const chat = (model: string) =>
    fetch(`${url}/v1/chat/completions`, {
      method: "POST",
      body: JSON.stringify({ model, messages: [{ role: "user", content: "hi" }] }),
    });
  return { url, chat, sdk: new OpenAI({ apiKey: "unused", baseURL: `${url}/v1`, maxRetries: 0 }) };
}

const errorOf = async (res: Response) =>
  ((await res.json()) as { error: { message: string; param: string | null; code: string | null } }).error;

describe("model names, routes only (the default)", () => {
  test("/v1/models lists the routes only, and a model name is a 404 that says how to allow it", async () => {
    const g = serve(null);
    const list = (await (await fetch(`${g.url}/v1/models`)).json()) as { data: { id: string; kind: string }[] };
    expect(list.data.map((d) => d.id)).toEqual(["chat"]);
    const res = await g.chat("mini");
    expect(res.status).toBe(404);
    const err = await errorOf(res);
    expect(err).toMatchObject({ param: "model", code: "model_not_found" });
    expect(err.message).toContain("direct_models true");
    expect((await fetch(`${g.url}/v1/models/mini`)).status).toBe(404);
  });

  test("GET /v1/models/{id} returns a route's entry, also through the SDK", async () => {
    const g = serve(false);
    const entry = (await (await fetch(`${g.url}/v1/models/chat`)).json()) as Record<string, unknown>;
    expect(entry).toMatchObject({ id: "chat", object: "model", kind: "route", models: ["mini", "large"] });
    expect((await g.sdk.models.retrieve("chat")).id).toBe("chat");
  });

  test("an unknown name gets a did-you-mean, and the same message from every endpoint", async () => {
    const g = serve(false);
    const viaChat = await errorOf(await g.chat("caht"));
    const viaRetrieve = await errorOf(await fetch(`${g.url}/v1/models/caht`));
    expect(viaChat.message).toContain("did you mean `chat`?");
    expect(viaRetrieve).toEqual(viaChat);
    const viaSdk = await g.sdk.models.retrieve("caht").catch((e: unknown) => e);
    expect(viaSdk).toBeInstanceOf(OpenAI.NotFoundError);
  });
});

describe("model names with `gateway { direct_models true }`", () => {
  test("a model name is served by that model alone", async () => {
    const g = serve(true);
    const res = await g.chat("large");
    expect(res.status).toBe(200);
    expect(res.headers.get("x-switchyard-model")).toBe("large");
  });

  test("/v1/models lists the routes, then the models; /v1/models/{id} finds both", async () => {
    const g = serve(true);
    const list = (await (await fetch(`${g.url}/v1/models`)).json()) as { data: { id: string; kind: string }[] };
    expect(list.data.map((d) => [d.id, d.kind])).toEqual([
      ["chat", "route"],
      ["mini", "model"],
      ["large", "model"],
    ]);
    const entry = (await (await fetch(`${g.url}/v1/models/large`)).json()) as Record<string, unknown>;
    expect(entry).toMatchObject({
      id: "large",
      kind: "model",
      provider: "sim",
      capabilities: ["chat", "stream", "tools"],
    });
    const err = await errorOf(await g.chat("lrage"));
    expect(err.message).toContain("did you mean `large`?");
  });
});
