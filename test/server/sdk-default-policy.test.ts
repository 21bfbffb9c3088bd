// The official openai SDK against the embedded default policy, over real HTTP, with the real engine
// and the simulated providers: what a new user sees on first run. The clock is InstantClock, so
// the simulated latencies cost no wall time.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import OpenAI from "openai";
import defaultPolicy from "../../policies/default.route" with { type: "text" };
import { compilePolicySource } from "../../src/compile/index.ts";
import { defaultAdapters } from "../../src/providers/index.ts";
import { createGateway } from "../../src/server/app.ts";
import { InstantClock, ports } from "./fixtures.ts";

const compiled = compilePolicySource(defaultPolicy, "policies/default.route");
const gateway = createGateway({ graph: compiled.graph!, ports: ports(new InstantClock()), adapters: defaultAdapters() });
let server: ReturnType<typeof Bun.serve>;
let sdk: OpenAI;

beforeAll(() => {
  server = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: (req) => gateway.fetch(req) });
  sdk = new OpenAI({ apiKey: "unused", baseURL: `http://127.0.0.1:${server.port}/v1`, maxRetries: 0 });
});
afterAll(() => server.stop(true));

describe("openai sdk on the default policy: embeddings", () => {
  test("embeddings.create (base64 on the wire, the SDK's default) returns the same non-zero vectors as float", async () => {
    const input = ["the quick brown fox", "jumps"];
    const viaBase64 = await sdk.embeddings.create({ model: "embed", input });
    const viaFloat = await sdk.embeddings.create({ model: "embed", input, encoding_format: "float" });
    expect(viaBase64.data).toHaveLength(2);
    for (const [i, item] of viaBase64.data.entries()) {
      expect(item.embedding).toHaveLength(8);
      expect(item.embedding.some((x) => x !== 0)).toBe(true);
      expect(Math.hypot(...item.embedding)).toBeCloseTo(1, 5);
      item.embedding.forEach((x, j) => expect(x).toBeCloseTo(viaFloat.data[i]!.embedding[j]!, 6));
    }
  });

  test("encoding_format base64 is sent as a base64 string of little-endian float32s", async () => {
    const res = await fetch(`http://127.0.0.1:${server.port}/v1/embeddings`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ model: "embed", input: "hi", encoding_format: "base64" }) });
    const body = (await res.json()) as { data: { embedding: unknown }[] };
    expect(typeof body.data[0]!.embedding).toBe("string");
    const bytes = Buffer.from(body.data[0]!.embedding as string, "base64");
    expect(bytes.length).toBe(32);
    expect(bytes.readFloatLE(0)).not.toBe(0);
  });
});
