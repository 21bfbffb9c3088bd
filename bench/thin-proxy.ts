// The physical limit of a Bun gateway: Bun.serve plus fetch, forwarding the body unchanged and
// streaming the response back. Switchyard is measured as a ratio against this.
// Usage: bun bench/thin-proxy.ts <port> <upstream-base-url>

const port = Number(process.argv[2] ?? 0);
const upstream = process.argv[3] ?? "http://127.0.0.1:9000/v1";

const server = Bun.serve({
  port,
  hostname: "127.0.0.1",
  async fetch(req) {
    const res = await fetch(upstream + "/chat/completions", {
      method: "POST",
      headers: { "content-type": "application/json", authorization: req.headers.get("authorization") ?? "" },
      body: req.body,
    });
    return new Response(res.body, {
      status: res.status,
      headers: { "content-type": res.headers.get("content-type") ?? "application/json" },
    });
  },
});
console.log(`ready ${server.port}`);

export {}; // a module, so its top-level names stay local
