// Requests no candidate could ever serve (issue 9, item 6) are the client's 400, naming what is
// missing and the models considered, so SDKs do not retry them; temporary states keep their 503.
import { describe, expect, test } from "bun:test";
import OpenAI from "openai";
import { CAP_BIT } from "../../src/syntax/vocabulary.ts";
import { faultGraph, faultSettings, startRig, stopAfterEach, type RigModel } from "./fault-harness.ts";
import { completionBody, json, mockUpstream, openaiError, type MockUpstream } from "./mock-upstream.ts";

const track = stopAfterEach();
const ok = () => json(completionBody("up", "fine"));
const CHAT_CAPS = ["chat", "stream", "tools", "json"] as const;
const chatOnly = { caps: CHAT_CAPS.reduce((m, c) => m | CAP_BIT[c], 0), capNames: [...CHAT_CAPS] };

function rig(extra: RigModel["extra"][] = [chatOnly, chatOnly], scripts: ((n: number) => Response)[] = [ok, ok]) {
  const ups: MockUpstream[] = scripts.map((s) => track(mockUpstream(s)));
  const models = ups.map((upstream, i) => ({ name: ["a", "b"][i]!, upstream, extra: extra[i] }));
  const r = track(startRig(faultGraph(models, faultSettings({ breaker: { failures: 1, cooldownMs: 60_000 } }))));
  const requests = () => r.logs.map((l) => JSON.parse(l)).filter((l) => l.event === "request").length;
  return { r, ups, requests };
}

async function errorOf(res: Response) {
  return ((await res.json()) as { error: { message: string; type: string; param: string | null; code: string | null } })
    .error;
}

describe("requests that can never succeed", () => {
  test("a trailing assistant message no model can continue: 400 naming `prefill`, param messages, both models", async () => {
    const { r, ups } = rig();
    const res = await r.chat({
      messages: [
        { role: "user", content: "hi" },
        { role: "assistant", content: "Sure," },
      ],
    });
    expect(res.status).toBe(400);
    expect(res.headers.get("retry-after")).toBeNull();
    const err = await errorOf(res);
    expect(err).toMatchObject({ type: "invalid_request_error", param: "messages", code: "unsupported_capability" });
    expect(err.message).toContain("`prefill`");
    expect(err.message).toContain("`a`");
    expect(err.message).toContain("`b`");
    expect(ups.every((u) => u.calls.length === 0)).toBe(true);
  });

  test("reasoning_effort on a route without reasoning models: 400 with param reasoning_effort", async () => {
    const { r } = rig();
    const res = await r.chat({ reasoning_effort: "high" });
    expect(res.status).toBe(400);
    const err = await errorOf(res);
    expect(err.param).toBe("reasoning_effort");
    expect(err.message).toContain("`reasoning`");
  });

  test("embeddings sent to a chat route: 400 naming `embeddings`", async () => {
    const { r } = rig();
    const res = await fetch(`${r.url}/v1/embeddings`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ model: "r", input: "hello" }),
    });
    expect(res.status).toBe(400);
    const err = await errorOf(res);
    expect(err.param).toBe("model");
    expect(err.message).toContain("`embeddings`");
  });

  test("a prompt larger than every context window: 400 context_length_exceeded naming the windows", async () => {
    const small = { ...chatOnly, contextWindow: 100 };
    const { r, ups } = rig([small, small]);
    const res = await r.chat({ messages: [{ role: "user", content: "x".repeat(2000) }] });
    expect(res.status).toBe(400);
    const err = await errorOf(res);
    expect(err).toMatchObject({ param: "messages", code: "context_length_exceeded" });
    expect(err.message).toContain("100-token context window");
    expect(ups.every((u) => u.calls.length === 0)).toBe(true);
  });

  test("an upstream context_length_exceeded with no larger model left is the client's 400, not 502", async () => {
    const tooLong = () =>
      openaiError(400, "This model's maximum context length is 128000 tokens", "context_length_exceeded");
    const { r, ups } = rig([chatOnly, chatOnly], [tooLong, ok]);
    const res = await r.chat({});
    expect(res.status).toBe(400);
    const err = await errorOf(res);
    expect(err).toMatchObject({ type: "invalid_request_error", param: "messages", code: "context_length_exceeded" });
    expect(ups[0]!.calls).toHaveLength(1);
    expect(ups[1]!.calls).toHaveLength(0); // same window: skipped, never attempted
  });

  test("open breakers are temporary: still 503 with Retry-After", async () => {
    const fail = () => openaiError(500, "down");
    const { r } = rig([chatOnly, chatOnly], [fail, fail]);
    expect((await r.chat({})).status).toBe(502); // opens both breakers (failures 1)
    const res = await r.chat({});
    expect(res.status).toBe(503);
    expect(res.headers.get("retry-after")).not.toBeNull();
  });

  test("the official openai SDK gets a 400 and does not retry it", async () => {
    const { r, ups, requests } = rig();
    const client = new OpenAI({ apiKey: "unused", baseURL: `${r.url}/v1`, maxRetries: 2 });
    const error = await client.chat.completions
      .create({
        model: "r",
        messages: [
          { role: "user", content: "hi" },
          { role: "assistant", content: "Sure," },
        ],
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.APIError);
    expect((error as InstanceType<typeof OpenAI.APIError>).status).toBe(400);
    expect(requests()).toBe(1);
    expect(ups.every((u) => u.calls.length === 0)).toBe(true);
  });
});
