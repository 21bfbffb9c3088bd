// GET /v1/models on a large policy (issue 9, item 7): linear in the policy's size. A generated
// 10,000-route policy is compiled and listed over real HTTP, and the work is counted: every read
// of the graph's model list is recorded, so a per-route scan over all models shows as ~10^8 reads.
import { describe, expect, test } from "bun:test";
import { compilePolicySource } from "../../src/compile/index.ts";
import { defaultAdapters } from "../../src/providers/index.ts";
import { SystemClock } from "../../src/ports/system-clock.ts";
import { createGateway } from "../../src/server/app.ts";
import { listModels } from "../../src/server/models.ts";
import { ports } from "./fixtures.ts";
import { stopAfterEach } from "./fault-harness.ts";

const track = stopAfterEach();
const ROUTES = 10_000;

/** 10,000 models (all addressable) and routes; every tenth route hands over to the next route. */
function bigPolicy(): string {
  const lines = ["gateway { direct_models true }", "provider sim { kind simulated }"];
  for (let i = 0; i < ROUTES; i++) lines.push(`model m${i} { provider sim  can [chat, stream] }`);
  for (let i = 0; i < ROUTES; i++)
    lines.push(
      i % 10 === 0 && i + 1 < ROUTES
        ? `route r${i} { otherwise -> route r${i + 1} }`
        : `route r${i} { otherwise -> [m${i}] }`,
    );
  for (let i = 0; i < ROUTES; i += 10) lines.push(`route extra${i} { otherwise -> [m${i}] }`); // m0, m10… are used somewhere
  return lines.join("\n");
}

/** The array with every element read counted. */
function counted<T extends object>(list: T[]): { list: T[]; reads: () => number } {
  let reads = 0;
  const proxy = new Proxy(list, {
    get(target, key, receiver) {
      if (typeof key === "string" && /^\d+$/.test(key)) reads++;
      return Reflect.get(target, key, receiver);
    },
  });
  return { list: proxy, reads: () => reads };
}

describe("/v1/models on a 10,000-route policy", () => {
  const compiled = compilePolicySource(bigPolicy(), "big.route");
  const graph = compiled.graph!;

  test("the policy compiles", () => {
    expect(compiled.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    expect(graph.routes.filter((r) => !r.direct).length).toBe(ROUTES + ROUTES / 10);
  });

  test("listing reads each model a bounded number of times", () => {
    const models = counted(graph.models);
    const body = listModels({ ...graph, models: models.list }, 0);
    expect(body.data.length).toBe(ROUTES + ROUTES / 10 + graph.models.length);
    expect(models.reads()).toBeLessThanOrEqual(3 * ROUTES);
  });

  test("served over HTTP with every route and its models", async () => {
    const gateway = createGateway({ graph, ports: ports(new SystemClock()), adapters: defaultAdapters() });
    const server = track({
      s: Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: (req) => gateway.fetch(req) }),
      stop() {
        this.s.stop(true);
      },
    });
    const body = (await (await fetch(`http://127.0.0.1:${server.s.port}/v1/models`)).json()) as {
      data: { id: string; models?: string[] }[];
    };
    const byId = new Map(body.data.map((e) => [e.id, e]));
    expect(byId.get("r0")?.models).toEqual(["m1"]);
    expect(byId.get("r9990")?.models).toEqual(["m9991"]);
    expect(byId.get("r5")?.models).toEqual(["m5"]);
  });
});
