// Serve's state flags and POST /admin/snapshot: a snapshot written on demand, refused without
// the admin token or without a state file, and a gateway that starts from a loaded state.
import { describe, expect, test } from "bun:test";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createGateway } from "../../src/server/app.ts";
import { ServeError, parseServeArgs } from "../../src/server/serve-args.ts";
import { serve } from "../../src/server/serve.ts";
import { decodeSnapshot } from "../../src/state/codec.ts";
import { fakeEngines, graph, ports } from "./fixtures.ts";

const env = { ADMIN: "admin-token" };
const snapshotReq = (token?: string) =>
  new Request("http://gw.test/admin/snapshot", {
    method: "POST",
    headers: token ? { authorization: `Bearer ${token}` } : {},
  });

describe("serve state flags", () => {
  test("reads --state, --state-format and --snapshot-interval", () => {
    expect(parseServeArgs(["--state", "s.bin", "--state-format=json", "--snapshot-interval", "250ms"])).toEqual({
      port: 8080,
      host: "127.0.0.1",
      statePath: "s.bin",
      stateFormat: "json",
      snapshotIntervalMs: 250,
    });
  });

  test("rejects a bad format or interval", () => {
    expect(() => parseServeArgs(["--state-format", "xml"])).toThrow(ServeError);
    expect(() => parseServeArgs(["--snapshot-interval", "soon"])).toThrow(ServeError);
  });
});

describe("POST /admin/snapshot", () => {
  test("writes on demand behind the admin token", async () => {
    let writes = 0;
    const app = createGateway({
      graph: graph({}, { adminTokenEnv: "ADMIN" }),
      ports: ports(undefined, env),
      adapters: {},
      createEngine: fakeEngines(() => {
        throw new Error("unused");
      }).create,
      snapshot: async () => ({ bytes: 123 + writes++, ms: 0.5 }),
    });
    expect((await app.fetch(snapshotReq())).status).toBe(401);
    expect(writes).toBe(0);
    const res = await app.fetch(snapshotReq("admin-token"));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ written: true, bytes: 123, ms: 0.5 });
    expect(writes).toBe(1);
  });

  test("says 409 when the gateway keeps no state file", async () => {
    const app = createGateway({
      graph: graph({}, { adminTokenEnv: "ADMIN" }),
      ports: ports(undefined, env),
      adapters: {},
      createEngine: fakeEngines(() => {
        throw new Error("unused");
      }).create,
    });
    const res = await app.fetch(snapshotReq("admin-token"));
    expect(res.status).toBe(409);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe("no_state_file");
  });
});

describe("serve with --state", () => {
  test("a state written by one gateway is where the next one starts", async () => {
    const dir = mkdtempSync(join(tmpdir(), "sy-state-wiring-"));
    const statePath = join(dir, "state.json");
    const quiet = {
      log: () => {},
      say: () => {},
      port: 0,
      statePath,
      stateFormat: "json" as const,
      snapshotIntervalMs: 60_000,
    };
    const first = await serve(quiet);
    first.gateway.engine().state().counters.smart = {
      requests: 7,
      successes: 6,
      failures: 1,
      tokensIn: 70,
      tokensOut: 60,
      costUsd: 0.01,
    };
    await first.stop(); // the final write on shutdown
    // the served (embedded default) policy's breaker timing goes with it, for `state show`
    const written = decodeSnapshot(readFileSync(statePath));
    expect(written.ok && written.document.timing?.cooldownMs).toMatchObject({
      smart: 15_000,
      "provider:primary": 15_000,
    });
    const second = await serve(quiet);
    try {
      expect(second.gateway.engine().state().counters.smart?.requests).toBe(7);
    } finally {
      await second.stop();
    }
  });

  test("an unusable state directory is a readable startup error", async () => {
    await expect(
      serve({ log: () => {}, say: () => {}, port: 0, statePath: "/nonexistent-dir/for/state.bin" }),
    ).rejects.toThrow(ServeError);
  });
});
