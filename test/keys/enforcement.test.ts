// Key enforcement over real HTTP, before any upstream attempt: 401 for a missing or unknown key,
// 403 naming a route outside the key's `routes`, 429 with Retry-After (seconds to the window's
// reset on the injected clock) naming the spent limit or budget, in OpenAI's shape on the chat
// endpoint and Anthropic's on /v1/messages, and through the shared front door on /v1/responses; windows reset at their boundary.
import { afterEach, expect, test } from "bun:test";
import { KEY_SECRETS } from "./policy.ts";
import { chatReq, serveKeys, type Served } from "./serve-helpers.ts";

let served: Served | null = null;
afterEach(async () => {
  await served?.close();
  served = null;
});

const SEARCH = KEY_SECRETS.SWITCHYARD_KEY_SEARCH!;
const ADS = KEY_SECRETS.SWITCHYARD_KEY_ADS!;

test("a missing or unknown key is 401 in OpenAI's shape", async () => {
  served = await serveKeys();
  for (const key of [null, "sy-not-a-declared-key"]) {
    const res = await chatReq(served.running.url, key);
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({
      error: {
        message: expect.stringContaining("api key"),
        type: "invalid_request_error",
        param: null,
        code: "invalid_api_key",
      },
    });
  }
});

test("a route outside the key's routes is 403 naming the route", async () => {
  served = await serveKeys();
  const res = await chatReq(served.running.url, SEARCH, { model: "premium" });
  expect(res.status).toBe(403);
  const body = await res.json();
  expect(body.error).toEqual({
    message: "key `search-prod` may not call route `premium`; it may call `chat`",
    type: "permission_error",
    param: null,
    code: "route_not_allowed",
  });
  expect((await chatReq(served.running.url, SEARCH)).status).toBe(200);
});

test("a spent request limit is 429 with Retry-After to the window's reset, then resets at the boundary", async () => {
  served = await serveKeys();
  const { url } = served.running;
  for (let i = 0; i < 3; i++) expect((await chatReq(url, ADS)).status).toBe(200);
  const res = await chatReq(url, ADS);
  expect(res.status).toBe(429);
  expect(res.headers.get("retry-after")).toBe("50");
  expect((await res.json()).error).toEqual({
    message: "this request would exceed the key `ads-bot` limit of 3 requests per minute; it resets in 50s",
    type: "rate_limit_error",
    param: null,
    code: "rate_limit_exceeded",
  });
  const lines = served.lines.filter((l) => l.includes('"event":"request"')).map((l) => JSON.parse(l));
  expect(lines.map((l) => [l.key, l.status])).toEqual([
    ["ads-bot", 200],
    ["ads-bot", 200],
    ["ads-bot", 200],
    ["ads-bot", 429],
  ]);
  expect(lines[3].error).toBe("key");
  await served.clock.advance(49_999);
  expect((await chatReq(url, ADS)).status).toBe(429);
  await served.clock.advance(1);
  expect((await chatReq(url, ADS)).status).toBe(200);
});

test("on /v1/messages the 429 is in Anthropic's shape with the same Retry-After", async () => {
  served = await serveKeys();
  const { url } = served.running;
  const messages = (key: string) =>
    fetch(`${url}/v1/messages`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-api-key": key, "anthropic-version": "2023-06-01" },
      body: JSON.stringify({ model: "chat", max_tokens: 50, messages: [{ role: "user", content: "hi" }] }),
    });
  for (let i = 0; i < 3; i++) expect((await messages(ADS)).status).toBe(200);
  const res = await messages(ADS);
  expect(res.status).toBe(429);
  expect(res.headers.get("retry-after")).toBe("50");
  expect(await res.json()).toEqual({
    type: "error",
    error: {
      type: "rate_limit_error",
      message: expect.stringContaining("key `ads-bot` limit of 3 requests per minute"),
    },
  });
  expect((await messages("sy-wrong")).status).toBe(401);
});

test("a spent team budget is 429 budget_exceeded, counted from actual usage, until the month ends", async () => {
  served = await serveKeys();
  const { url } = served.running;
  let served200 = 0;
  let res = await chatReq(url, SEARCH);
  while (res.status === 200 && served200 < 20) {
    served200++;
    res = await chatReq(url, SEARCH);
  }
  // pricey: $10/$30 per 1M; ~20 reply tokens ≈ $0.0006 a request, so the $0.002 team budget lasts a few requests
  expect(served200).toBeGreaterThanOrEqual(3);
  expect(served200).toBeLessThanOrEqual(5);
  expect(res.status).toBe(429);
  const body = await res.json();
  expect(body.error.code).toBe("budget_exceeded");
  expect(body.error.type).toBe("insufficient_quota");
  expect(body.error.message).toContain("team `search` budget of $0.002 spend per month");
  // START is 2026-03-10T10:00:10Z: the month ends 2026-04-01T00:00:00Z
  expect(Number(res.headers.get("retry-after"))).toBe((Date.UTC(2026, 3, 1) - Date.UTC(2026, 2, 10, 10, 0, 10)) / 1000);
  // the other team is unaffected
  expect((await chatReq(url, ADS)).status).toBe(200);
});

test("on /v1/responses (the shared front door) the key is identified, limited and booked like chat's", async () => {
  served = await serveKeys();
  const { url } = served.running;
  const responses = (key: string, model = "chat") =>
    fetch(`${url}/v1/responses`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${key}` },
      body: JSON.stringify({ model, input: "hi" }),
    });
  expect((await responses(SEARCH, "premium")).status).toBe(403);
  for (let i = 0; i < 3; i++) expect((await responses(ADS)).status).toBe(200);
  const res = await responses(ADS);
  expect(res.status).toBe(429);
  expect(res.headers.get("retry-after")).toBe("50");
  expect((await responses("sy-wrong")).status).toBe(401);
  const lines = served.lines.filter((l) => l.includes('"event":"request"')).map((l) => JSON.parse(l));
  expect(lines.map((l) => l.key ?? null)).toEqual(["search-prod", "ads-bot", "ads-bot", "ads-bot", "ads-bot", null]);
});
