// The policy reloader: a good edit is compiled and swapped in (by the file watcher or on demand via
// POST /admin/reload), a broken edit is rejected with rendered diagnostics and the old graph stays.
import { afterEach, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { renderHuman } from "../../src/check/render/human.ts";
import { compilePolicyFile } from "../../src/compile/index.ts";
import type { ReloadOutcome } from "../../src/server/context.ts";
import { createGateway } from "../../src/server/app.ts";
import { createPolicyReloader, type PolicyReloader } from "../../src/server/reload.ts";
import { completion, fakeEngines, meta, ports } from "./fixtures.ts";

const policy = (routes: string) => `
gateway { admin_token env("ADMIN") }
provider sim { kind simulated }
model m1 { provider sim  upstream "u1"  can [chat, stream]  context 8k }
${routes}
`;

let dir = "";
let reloader: PolicyReloader | null = null;
afterEach(() => {
  reloader?.close();
  reloader = null;
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function setup(initialRoutes: string) {
  dir = mkdtempSync(join(tmpdir(), "switchyard-reload-"));
  const path = join(dir, "gw.route");
  writeFileSync(path, policy(initialRoutes));
  const first = await compilePolicyFile(path);
  expect(first.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  const engines = fakeEngines((req) => ({ kind: "completion", body: completion("x"), meta: meta(req.route) }));
  const lines: string[] = [];
  const log = (l: string) => lines.push(l);
  const outcomes: ReloadOutcome[] = [];
  let notify: (() => void) | null = null;
  const app = createGateway({
    graph: first.graph!,
    ports: ports(undefined, { ADMIN: "t0k" }),
    adapters: {},
    createEngine: engines.create,
    log,
    reloadPolicy: () => reloader!.reloadNow(),
  });
  reloader = createPolicyReloader({
    path,
    compile: compilePolicyFile,
    render: (d, s) => renderHuman(d, s, { color: false }),
    apply: (g) => app.reload(g),
    log,
    now: () => 0,
    debounceMs: 10,
    onReload: (o) => {
      outcomes.push(o);
      notify?.();
    },
  });
  const nextReload = () => new Promise<void>((resolve) => (notify = resolve));
  return { path, app, engines, lines, outcomes, nextReload };
}

const routeNames = (app: { graph(): { routes: { name: string }[] } }) => app.graph().routes.map((r) => r.name);

describe("policy reload", () => {
  test("a broken policy is rejected with rendered diagnostics and the old graph stays", async () => {
    const { path, app, lines } = await setup("route chat { otherwise -> [m1] }");
    writeFileSync(path, policy("route chat { otherwise -> [nope] }"));
    const outcome = await reloader!.reloadNow();
    expect(outcome.applied).toBe(false);
    expect(outcome.diagnostics.some((d) => d.severity === "error")).toBe(true);
    expect(outcome.rendered).toContain("nope");
    expect(outcome.rendered).not.toContain("\u001b["); // no colour codes in logs
    expect(routeNames(app)).toEqual(["chat"]);
    const rejected = lines.map((l) => JSON.parse(l)).find((l) => l.event === "reload_rejected");
    expect(rejected.diagnostics).toContain("nope");
  });

  test("POST /admin/reload swaps a good policy and returns the diagnostics as json", async () => {
    const { path, app, engines } = await setup("route chat { otherwise -> [m1] }");
    writeFileSync(path, policy("route chat { otherwise -> [m1] }\nroute other { otherwise -> [m1] }"));
    const res = await app.fetch(
      new Request("http://gw.test/admin/reload", { method: "POST", headers: { authorization: "Bearer t0k" } }),
    );
    expect(res.status).toBe(200);
    const body = (await res.json()) as ReloadOutcome;
    expect(body.applied).toBe(true);
    expect(Array.isArray(body.diagnostics)).toBe(true);
    expect(routeNames(app)).toEqual(["chat", "other"]);
    expect(engines.built).toHaveLength(2);

    writeFileSync(path, "route {{{");
    const bad = await app.fetch(
      new Request("http://gw.test/admin/reload", { method: "POST", headers: { authorization: "Bearer t0k" } }),
    );
    expect(bad.status).toBe(422);
    const badBody = (await bad.json()) as ReloadOutcome;
    expect(badBody.applied).toBe(false);
    expect(badBody.diagnostics.length).toBeGreaterThan(0);
    expect(routeNames(app)).toEqual(["chat", "other"]);
  });

  test("the watcher recompiles after an edit and swaps the graph", async () => {
    const { path, app, outcomes, nextReload } = await setup("route chat { otherwise -> [m1] }");
    reloader!.watch([path]);
    const reloaded = nextReload();
    writeFileSync(path, policy("route renamed { otherwise -> [m1] }"));
    await reloaded;
    expect(outcomes.at(-1)!.applied).toBe(true);
    expect(routeNames(app)).toEqual(["renamed"]);
  });
});
