// Explaining a decision for a calling key: `POST /admin/explain?key=NAME` over real HTTP and
// `switchyard explain --key NAME`, so `when key`/`when tag` rules and the key's limits count; a
// value that names no declared key is refused without being echoed (it may be a pasted secret).
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { cleanupScratch, cli, scratch } from "../cli/run-cli.ts";
import { KEY_SECRETS, KEYS_POLICY } from "./policy.ts";
import { chatReq, serveKeys, type Served } from "./serve-helpers.ts";

const ADMIN = KEY_SECRETS.SWITCHYARD_ADMIN_TOKEN!;
const BODY = { model: "chat", messages: [{ role: "user", content: "hello" }] };
let served: Served;
let url: string;

beforeAll(async () => {
  served = await serveKeys();
  url = `http://127.0.0.1:${served.running.port}`;
});
afterAll(async () => {
  await served.close();
  cleanupScratch();
});

const explain = (query: string) =>
  fetch(`${url}/admin/explain${query}`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${ADMIN}` },
    body: JSON.stringify(BODY),
  });

describe("POST /admin/explain?key=NAME", () => {
  test("`when key` and `when tag` rules are decided for the named key", async () => {
    const search = await (await explain("?key=search-prod")).json();
    expect(search.key).toBe("search-prod");
    expect(search.rules.map((r: { matched: boolean }) => r.matched)).toEqual([true]);
    expect(search.chosen).toBe("pricey");
    const ads = await (await explain("?key=ads-bot")).json();
    expect(ads.rules.map((r: { matched: boolean }) => r.matched)).toEqual([false, true]);
    const anonymous = await (await explain("")).json();
    expect(anonymous.key).toBeNull();
    expect(anonymous.rules.map((r: { matched: boolean }) => r.matched)).toEqual([false, false, true]);
  });

  test("the key's route allowance refuses in the trace, as it would on /v1", async () => {
    const res = await fetch(`${url}/admin/explain?key=search-prod`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${ADMIN}` },
      body: JSON.stringify({ ...BODY, model: "premium" }),
    });
    const trace = await res.json();
    expect(trace.chosen).toBeNull();
    expect(trace.refused.status).toBe(403);
  });

  test("explaining as a key spends none of its limits: ads-bot (3 requests/min) is explained 5 times, then served", async () => {
    for (let i = 0; i < 5; i++) expect((await (await explain("?key=ads-bot")).json()).chosen).toBe("cheap");
    const keys = await (await fetch(`${url}/admin/keys`, { headers: { authorization: `Bearer ${ADMIN}` } })).text();
    expect(keys).not.toContain('"requests":5');
    const served = await chatReq(url, KEY_SECRETS.SWITCHYARD_KEY_ADS!);
    expect(served.status).toBe(200);
  });

  test("a value naming no declared key is a 400 that does not echo it", async () => {
    const secret = KEY_SECRETS.SWITCHYARD_KEY_SEARCH!;
    const res = await explain(`?key=${secret}`);
    expect(res.status).toBe(400);
    const text = await res.text();
    expect(text).not.toContain(secret);
    expect(JSON.parse(text).error.param).toBe("key");
    expect(JSON.parse(text).error.message).toContain("`search-prod`");
  });
});

describe("switchyard explain --key NAME", () => {
  test("decides for the key, and refuses an undeclared name without echoing it", () => {
    const dir = scratch({ "keys.route": KEYS_POLICY, "req.json": JSON.stringify(BODY) });
    const run = cli(["explain", `${dir}/keys.route`, `${dir}/req.json`, "--key", "search-prod", "--format", "json"]);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout).chosen).toBe("pricey");
    const human = cli(["explain", `${dir}/keys.route`, `${dir}/req.json`, "--key", "search-prod"]);
    expect(human.stdout).toContain("a request to `chat` with key `search-prod`");
    const wrong = cli(["explain", `${dir}/keys.route`, `${dir}/req.json`, "--key", "sy-not-a-name-123"]);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain("`key` must name a key declared in the policy");
    expect(wrong.stderr + wrong.stdout).not.toContain("sy-not-a-name-123");
  });
});
