// A fixed, fast OpenAI-compatible upstream for benchmarks: small non-stream completions and
// short SSE streams, no randomness, so every difference measured is the proxy's.
// Usage: bun bench/mock-upstream.ts <port>   (prints "ready <port>" when listening)

const port = Number(process.argv[2] ?? 0);
const created = 1_700_000_000;
const completion = JSON.stringify({
  id: "chatcmpl-bench", object: "chat.completion", created, model: "bench-model",
  choices: [{ index: 0, message: { role: "assistant", content: "Hello from the bench upstream." }, finish_reason: "stop" }],
  usage: { prompt_tokens: 12, completion_tokens: 7, total_tokens: 19 },
});
const chunk = (delta: object, finish: string | null) =>
  `data: ${JSON.stringify({ id: "chatcmpl-bench", object: "chat.completion.chunk", created, model: "bench-model", choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
const streamBody = new TextEncoder().encode(
  chunk({ role: "assistant", content: "" }, null) +
    ["Hello", " from", " the", " bench", " upstream."].map((t) => chunk({ content: t }, null)).join("") +
    chunk({}, "stop") +
    `data: ${JSON.stringify({ id: "chatcmpl-bench", object: "chat.completion.chunk", created, model: "bench-model", choices: [], usage: { prompt_tokens: 12, completion_tokens: 5, total_tokens: 17 } })}\n\n` +
    "data: [DONE]\n\n",
);

const server = Bun.serve({
  port,
  hostname: "127.0.0.1",
  async fetch(req) {
    const body = (await req.json()) as { stream?: boolean };
    if (body.stream) return new Response(streamBody, { headers: { "content-type": "text/event-stream" } });
    return new Response(completion, { headers: { "content-type": "application/json" } });
  },
});
console.log(`ready ${server.port}`);

export {}; // a module, so its top-level names stay local
