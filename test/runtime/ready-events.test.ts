// The declared synchronous side of a stream (StreamEvents.takeReady): when the upstream delivered
// the whole reply in one read, every event up to `done` is taken without a promise, and the books
// are closed by then; the server relies on this to answer with a plain body instead of guessing.
import { expect, test } from "bun:test";
import { compilePolicySource } from "../../src/compile/index.ts";
import { ManualClock } from "../../src/ports/manual-clock.ts";
import { SeededRandom } from "../../src/ports/seeded-random.ts";
import { defaultAdapters } from "../../src/providers/index.ts";
import type { StreamEvent } from "../../src/runtime/api.ts";
import { createEngine } from "../../src/runtime/engine.ts";
import { rawTextOf } from "../../src/runtime/upstream.ts";

const chunk = (delta: object, finish: string | null = null) =>
  `data: ${JSON.stringify({ id: "c1", object: "chat.completion.chunk", created: 1, model: "up", choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
const usage = `data: ${JSON.stringify({ id: "c1", object: "chat.completion.chunk", created: 1, model: "up", choices: [], usage: { prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 } })}\n\n`;
const WHOLE =
  chunk({ role: "assistant", content: "" }) +
  chunk({ content: "Hel" }) +
  chunk({ content: "lo" }) +
  chunk({}, "stop") +
  usage +
  "data: [DONE]\n\n";

function engineWith(body: string, contentType = "text/event-stream") {
  const source = `provider p { kind openai  base_url "http://upstream.test/v1" }\nmodel m { provider p  upstream "up"  can [chat, stream] }\nroute r { otherwise -> [m] }\n`;
  const { graph } = compilePolicySource(source, "t.route");
  if (!graph) throw new Error("test policy does not compile");
  const transport = { fetch: async () => new Response(body, { headers: { "content-type": contentType } }) };
  const ports = {
    clock: new ManualClock(0),
    random: new SeededRandom(1),
    transport,
    secrets: { get: () => undefined },
  };
  return createEngine({ graph, ports, adapters: defaultAdapters() });
}

async function takeAll(engine: ReturnType<typeof engineWith>): Promise<StreamEvent[]> {
  const outcome = await engine.chat({
    id: "x",
    route: "r",
    body: { model: "r", stream: true, messages: [{ role: "user", content: "hi" }] },
    headers: new Headers(),
    receivedAt: 0,
  });
  if (outcome.kind !== "stream") throw new Error(`expected a stream, got ${outcome.kind}`);
  const taken: StreamEvent[] = [];
  for (let e = outcome.events.takeReady?.(); e !== undefined; e = outcome.events.takeReady?.()) taken.push(e);
  return taken;
}

test("without a usage chunk, the end of a stream read in one go is known without waiting (ChunkStream.ended)", async () => {
  const taken = await takeAll(engineWith(WHOLE.replace(usage, "")));
  expect(taken.at(-1)).toEqual({ type: "done" });
});

test("a completion answering a stream request is replayed whole through takeReady", async () => {
  const completion = {
    id: "c1",
    object: "chat.completion",
    created: 1,
    model: "up",
    choices: [{ index: 0, message: { role: "assistant", content: "Hello" }, finish_reason: "stop" }],
  };
  const taken = await takeAll(engineWith(JSON.stringify(completion), "application/json"));
  expect(taken.at(-1)).toEqual({ type: "done" });
  expect(taken.some((e) => e.type === "chunk" && e.chunk.choices[0]?.delta.content === "Hello")).toBe(true);
});

test("a stream read in one go is taken whole through takeReady, ending in done with the books closed", async () => {
  const engine = engineWith(WHOLE);
  const outcome = await engine.chat({
    id: "x",
    route: "r",
    body: { model: "r", stream: true, messages: [{ role: "user", content: "hi" }] },
    headers: new Headers(),
    receivedAt: 0,
  });
  if (outcome.kind !== "stream") throw new Error(`expected a stream, got ${outcome.kind}`);
  const taken: StreamEvent[] = [];
  for (let e = outcome.events.takeReady?.(); e !== undefined; e = outcome.events.takeReady?.()) taken.push(e);
  expect(taken.at(-1)).toEqual({ type: "done" });
  const text = taken.map((e) => (e.type === "chunk" ? (e.chunk.choices[0]?.delta.content ?? "") : "")).join("");
  expect(text).toBe("Hello");
  expect(outcome.meta.status).toBe(200);
  expect(outcome.meta.usage?.total_tokens).toBe(5);
  expect(engine.checkpoints()).toHaveLength(0);
  // a chunk changed only in its model name goes out as the upstream's text with that name spliced in
  const first = taken.find((e) => e.type === "chunk" && e.chunk.choices[0]?.delta.content === "lo");
  expect(first?.type === "chunk" && rawTextOf(first.chunk)).toContain('"model":"m"');
  const it = outcome.events[Symbol.asyncIterator]();
  expect(await it.next()).toEqual({ value: undefined, done: true });
});
