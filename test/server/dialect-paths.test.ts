// Unknown paths and wrong methods under a dialect's own prefix answer in that dialect's error shape,
// so an Anthropic SDK pointed at a path the gateway lacks (`/v1/messages/batches`) raises its typed
// NotFoundError instead of failing to parse an OpenAI body. Over real HTTP on 127.0.0.1.
import { describe, expect, test } from "bun:test";
import { NotFoundError } from "@anthropic-ai/sdk";
import { faultGraph, faultSettings, startRig, stopAfterEach } from "./fault-harness.ts";
import { sdk } from "./messages-helpers.ts";
import { json, mockUpstream } from "./mock-upstream.ts";

const track = stopAfterEach();

function rig() {
  const up = track(mockUpstream(() => json({})));
  return track(startRig(faultGraph([{ name: "a", upstream: up }], faultSettings())));
}

async function call(url: string, method: string): Promise<{ status: number; allow: string | null; body: any }> {
  const res = await fetch(url, { method, headers: { "content-type": "application/json" } });
  return { status: res.status, allow: res.headers.get("allow"), body: await res.json() };
}

describe("errors under /v1/messages are Anthropic-shaped", () => {
  for (const path of ["/v1/messages/batches", "/v1/messages/nope/deeper", "/messages/batches"]) {
    test(`404 on ${path}`, async () => {
      const r = rig();
      const { status, body } = await call(`${r.url}${path}`, "POST");
      expect(status).toBe(404);
      expect(body).toEqual({ type: "error", error: { type: "not_found_error", message: `no endpoint \`${path}\`` } });
    });
  }

  test("405 on GET /v1/messages and /v1/messages/count_tokens, with Allow", async () => {
    const r = rig();
    for (const path of ["/v1/messages", "/v1/messages/count_tokens"]) {
      const { status, allow, body } = await call(`${r.url}${path}`, "GET");
      expect(status).toBe(405);
      expect(allow).toBe("POST");
      expect(body.type).toBe("error");
      expect(body.error.type).toBe("invalid_request_error");
      expect(body.error.message).toBe(`method \`GET\` is not allowed on \`${path}\`; use POST`);
    }
  });

  test("the Anthropic SDK raises its NotFoundError for an endpoint the gateway lacks", async () => {
    const r = rig();
    const err = await sdk(r.url)
      .messages.batches.retrieve("msgbatch_1")
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NotFoundError);
    expect((err as NotFoundError).error).toMatchObject({ type: "error", error: { type: "not_found_error" } });
  });
});

describe("errors under /v1/responses stay OpenAI-shaped", () => {
  test("405 on GET /v1/responses and PUT /v1/responses/{id}, 404 beside it", async () => {
    const r = rig();
    for (const [method, path, status] of [
      ["GET", "/v1/responses", 405],
      ["PUT", "/v1/responses/resp_1", 405],
      ["POST", "/v1/responsesx", 404],
    ] as const) {
      const res = await call(`${r.url}${path}`, method);
      expect(res.status).toBe(status);
      expect(Object.keys(res.body.error).sort()).toEqual(["code", "message", "param", "type"]);
    }
  });
});
