// `gateway { shared_state { … } }` compiles into GatewayNode.sharedState with its defaults, and the
// checker refuses a block without `redis` and an instance name written into the policy.
import { expect, test } from "bun:test";
import { compilePolicySource } from "../../src/compile/index.ts";

const tail = `provider sim { kind simulated }\nmodel m { provider sim  can [chat] }\nroute chat { otherwise -> m }\n`;

test("shared_state compiles with the documented defaults; the URL stays a variable name", () => {
  const { graph } = compilePolicySource(
    `gateway { shared_state { redis env("REDIS_URL")  instance_id env("HOSTNAME") } }\n${tail}`,
    "p.route",
  );
  expect(graph!.gateway.sharedState).toEqual({
    redisUrlEnv: "REDIS_URL",
    instanceIdEnv: "HOSTNAME",
    prefix: "switchyard",
    timeoutMs: 50,
    syncMs: 100,
    lease: 10,
  });
  const plain = compilePolicySource(tail, "p.route");
  expect(plain.graph!.gateway.sharedState ?? null).toBeNull();
});

test("every setting is read: prefix, timeout, sync, lease", () => {
  const text = `gateway { shared_state { redis env("R")  prefix "sy:prod"  timeout 20ms  sync 1s  lease 5 } }\n${tail}`;
  const { graph } = compilePolicySource(text, "p.route");
  expect(graph!.gateway.sharedState).toMatchObject({
    prefix: "sy:prod",
    timeoutMs: 20,
    syncMs: 1000,
    lease: 5,
    instanceIdEnv: null,
  });
});

test("no redis, a literal instance name and a timeout out of range are errors", () => {
  const codes = (body: string) =>
    compilePolicySource(`gateway { shared_state { ${body} } }\n${tail}`, "p.route").diagnostics.map((d) => d.code);
  expect(codes(`prefix "a"`)).toEqual(["SY2008"]);
  expect(codes(`redis env("R")  instance_id "gw-1"`)).toEqual(["SY2002"]);
  expect(codes(`redis env("R")  timeout 10s`)).toEqual(["SY2024"]);
});
