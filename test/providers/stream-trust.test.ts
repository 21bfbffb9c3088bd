// Which client carries an upstream's streams (src/providers/stream-trust.ts): node:http until the
// origin has ended TRUSTED_AFTER streams in a row with the chunked terminator, fetch after, and
// node:http again after one stream of it broke. Observed at the upstream: Bun's fetch sends a
// `user-agent`, node:http sends none.
import { describe, expect, test } from "bun:test";
import { createNetworkTransport } from "../../src/providers/fetch-transport.ts";
import { defaultAdapters } from "../../src/providers/index.ts";
import { originOf, StreamTrust, TRUSTED_AFTER } from "../../src/providers/stream-trust.ts";
import type { ChatChunk } from "../../src/runtime/upstream.ts";
import { chunkJson, closingUpstream, frames, mockUpstream, sse, words } from "../server/mock-upstream.ts";
import { stopAfterEach } from "../server/fault-harness.ts";
import { call, provider, realPorts } from "./helpers.ts";

const track = stopAfterEach();
const viaFetch = (headers: Headers) => (headers.get("user-agent") ?? "").startsWith("Bun/");

/** One streamed chat through the real OpenAI adapter, read the way the engine reads it. */
async function streamOnce(
  url: string,
  ports: ReturnType<typeof realPorts>,
): Promise<{ text: string; error: string | null }> {
  const adapter = defaultAdapters().openai!;
  const reply = await adapter.chat(call({ provider: provider({ baseUrl: url }), stream: true }), ports);
  if (reply.kind !== "stream") throw new Error("expected a stream");
  let text = "";
  try {
    for (let r = await reply.chunks.next(); !r.done; r = await reply.chunks.next())
      text += (r.value as ChatChunk).choices[0]?.delta?.content ?? "";
    return { text, error: null };
  } catch (err) {
    return { text, error: err instanceof Error ? err.message : String(err) };
  }
}

describe("stream trust", () => {
  test("an origin is trusted after enough clean endings in a row; one broken stream starts the count again", () => {
    const trust = new StreamTrust();
    const a = "http://127.0.0.1:4000";
    for (let i = 0; i < TRUSTED_AFTER - 1; i++) trust.ended(a);
    expect(trust.trusted(a)).toBe(false);
    trust.ended(a);
    expect(trust.trusted(a)).toBe(true);
    expect(trust.trusted("http://127.0.0.1:4001")).toBe(false); // per origin
    trust.broke(a);
    expect(trust.trusted(a)).toBe(false);
    expect(originOf("http://127.0.0.1:4000/v1/chat/completions")).toBe(a);
    expect(originOf("https://api.example.com")).toBe("https://api.example.com");
  });

  test("a well-behaved upstream's streams move to fetch once it earned trust, through the adapter's own reads", async () => {
    const up = track(mockUpstream(() => sse([...words("m", ["hello", " there"]), { end: "done" }])));
    const ports = realPorts(createNetworkTransport());
    for (let i = 0; i < TRUSTED_AFTER; i++) expect((await streamOnce(up.url, ports)).text).toBe("hello there");
    expect(up.calls.every((c) => !viaFetch(c.headers))).toBe(true);
    expect(await streamOnce(up.url, ports)).toEqual({ text: "hello there", error: null });
    expect(viaFetch(up.calls.at(-1)!.headers)).toBe(true);
  });

  test("an upstream that closes without the terminator never leaves node:http, and keeps its last events", async () => {
    const trust = new StreamTrust();
    const ports = realPorts(createNetworkTransport(trust));
    for (let run = 0; run < 5; run++) {
      let open!: () => void;
      const gate = new Promise<void>((r) => (open = r));
      const up = track(
        closingUpstream(
          frames(chunkJson("m", { content: "a" })),
          frames(chunkJson("m", { content: "b" }), "[DONE]"),
          gate,
        ),
      );
      const pending = streamOnce(up.url, ports);
      open();
      expect(await pending).toEqual({ text: "ab", error: null });
      expect(trust.trusted(originOf(up.url))).toBe(false);
    }
  });

  test("a trusted origin whose stream breaks mid-body goes back to node:http, told by the adapter's failed read", async () => {
    const trust = new StreamTrust();
    const ports = realPorts(createNetworkTransport(trust));
    // one event, then the connection closes without the terminator: a cut, whichever client reads it
    const up = track(closingUpstream(frames(chunkJson("m", { content: "a" })), [], Promise.resolve()));
    const origin = originOf(up.url);
    for (let i = 0; i < TRUSTED_AFTER; i++) trust.ended(origin); // as if it had ended that many cleanly
    expect(trust.trusted(origin)).toBe(true);
    const broken = await streamOnce(up.url, ports); // over fetch now
    expect(broken.error).toContain("stream broke mid-body");
    expect(trust.trusted(origin)).toBe(false);
  });
});
