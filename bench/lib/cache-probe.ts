// `bun bench/lib/cache-probe.ts <variant> <requests>`: one in-process gateway on the bench policy,
// alone in its process, and the CPU time per request of `requests` requests after a warm-up; prints
// `{"cpuUs": …}`. bench/micro.ts runs one process per variant, in turns: in a shared process the
// entries one gateway holds would slow the others too (the collector sizes its young generation
// by everything the heap holds), and no real server holds another one's cache.
//   off       no cache, a new prompt each request
//   nothing   cache on, through a store that keeps nothing: the cache's own work on a miss (key,
//             lookup, serialising what would be stored)
//   1k, 10k   cache on, 0% hits, the store full at that many entries (every miss evicts)
//   hit       cache on, the same prompt each request
import type { ResponseCacheStore } from "../../src/cache/store.ts";
import { createGateway } from "../../src/server/app.ts";
import { defaultAdapters } from "../../src/providers/index.ts";
import { benchPolicy, requestBody } from "./fixtures.ts";
import { benchPorts, chatRequest, compileOrThrow, instantTransport } from "./in-process.ts";

const [variant = "off", count = "30000"] = process.argv.slice(2);
/** What `x-switchyard-cache` must say once warm, so a broken cache cannot pass for a fast one. */
const expected: Record<string, string> = { off: "bypass", nothing: "miss", "1k": "miss", "10k": "miss", hit: "hit" };
if (!(variant in expected)) throw new Error(`cache probe: unknown variant \`${variant}\``);
const entries = variant === "1k" ? "1k" : "10k";
const policy = benchPolicy("http://upstream.local/v1");
const cached = policy.replace("defaults {", `defaults {\n  cache { ttl 10m  max_entries ${entries} }`);
const keepsNothing: ResponseCacheStore = {
  get: () => null,
  set: () => {},
  stats: () => ({ entries: 0, bytes: 0, evictions: 0, expirations: 0 }),
};
const gateway = createGateway({
  graph: compileOrThrow(variant === "off" ? policy : cached),
  ports: benchPorts(instantTransport()),
  adapters: defaultAdapters(),
  log: () => {},
  ...(variant === "nothing" ? { cacheStore: keepsNothing } : {}),
});
const same = requestBody("chat", false);
let n = 0;
const next = (): string => (variant === "hit" ? same : same.replace("five words.", `five words, take ${n++}.`));
const run = async (): Promise<string | null> => {
  const response = await gateway.fetch(chatRequest(next()));
  await response.arrayBuffer();
  return response.headers.get("x-switchyard-cache");
};

for (let i = 0; i < 20_000; i++) await run(); // the JIT, and the store full (10k entries) before measuring
const status = await run();
if (status !== expected[variant]) throw new Error(`cache probe: ${variant} answered x-switchyard-cache ${status}`);
const requests = Number(count);
const before = process.cpuUsage();
for (let i = 0; i < requests; i++) await run();
const used = process.cpuUsage(before);
console.log(JSON.stringify({ cpuUs: (used.user + used.system) / requests }));
