// POST /admin/explain over real HTTP (127.0.0.1, port 0): the served engine's decision trace for a
// chat body, behind the admin token, with a clear 400 for a bad body.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { serve, type RunningGateway } from "../../src/server/serve.ts";

const POLICY = `
gateway { admin_token env("SY_ADMIN") }
provider p { kind simulated }
model text { provider p  can [chat, stream] }
model eyes { provider p  can [chat, stream, vision] }
route chat {
  when vision -> [text, eyes]
  otherwise -> [text]
}
`;

let dir: string;
let gw: RunningGateway;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "sy-admin-explain-"));
  writeFileSync(join(dir, "p.route"), POLICY);
  gw = await serve({
    policyPath: join(dir, "p.route"),
    port: 0,
    env: { get: (n) => (n === "SY_ADMIN" ? "admin-secret" : undefined) },
    log: () => {},
    say: () => {},
  });
});

afterAll(async () => {
  await gw.stop();
  rmSync(dir, { recursive: true, force: true });
});

const explain = (body: string, token?: string) =>
  fetch(`http://127.0.0.1:${gw.port}/admin/explain`, {
    method: "POST",
    body,
    headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
  });

describe("POST /admin/explain", () => {
  test("returns the decision trace of the served engine", async () => {
    const image = {
      model: "chat",
      messages: [{ role: "user", content: [{ type: "image_url", image_url: { url: "u" } }] }],
    };
    const res = await explain(JSON.stringify(image), "admin-secret");
    expect(res.status).toBe(200);
    const trace = await res.json();
    expect(trace.rules).toEqual([{ route: "chat", rule: 1, line: 7, matched: true }]);
    expect(trace.candidates.map((c: { model: string; skip: string | null }) => [c.model, c.skip])).toEqual([
      ["text", "capability"],
      ["eyes", null],
    ]);
    expect(trace.chosen).toBe("eyes");
    expect(trace.settings.timeout.totalMs).toBe(600_000);
  });

  test("needs the admin token, and answers a bad body with an OpenAI-shaped 400", async () => {
    expect((await explain('{"model":"chat","messages":[{"role":"user","content":"hi"}]}')).status).toBe(401);
    const bad = await explain('{"model":"chat"}', "admin-secret");
    expect(bad.status).toBe(400);
    expect((await bad.json()).error.code).toBe("invalid_body");
    const broken = await explain("{nope", "admin-secret");
    expect(broken.status).toBe(400);
  });
});
