// A fixed, fast OpenAI-compatible upstream for benchmarks: small non-stream completions and
// short SSE streams, no randomness, so every difference measured is the proxy's.
// Usage: bun bench/mock-upstream.ts <port>   (prints "ready <port>" when listening)

import { COMPLETION_JSON, STREAM_TEXT } from "./lib/fixtures.ts";

const port = Number(process.argv[2] ?? 0);
const completion = COMPLETION_JSON;
const streamBody = new TextEncoder().encode(STREAM_TEXT);

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
