// serve(): the embedded default policy over real HTTP, refusals with readable messages (missing
// keys, broken policy), draining on stop, and SIGTERM in a real process exiting 0.
import { afterEach, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { ServeError, serve, type RunningGateway } from "../../src/server/serve.ts";

let running: RunningGateway | null = null;
let dir = "";
afterEach(async () => {
  await running?.stop();
  running = null;
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = "";
});

function policyFile(text: string): string {
  dir = mkdtempSync(join(tmpdir(), "switchyard-serve-"));
  const path = join(dir, "gw.route");
  writeFileSync(path, text);
  return path;
}

const quiet = { log: () => {}, say: () => {} };

describe("serve", () => {
  test("serves the embedded default policy on 127.0.0.1 and prints one startup line", async () => {
    const said: string[] = [];
    running = await serve({ port: 0, env: { get: () => undefined }, log: () => {}, say: (t) => said.push(t) });
    expect(running.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(said).toHaveLength(1);
    expect(said[0]).toContain(running.url);
    expect(said[0]).toContain("default.route");
    expect(said[0]).toContain("chat");
    const models = (await (await fetch(`${running.url}/v1/models`)).json()) as any;
    expect(models.data.map((m: any) => m.id)).toContain("chat");
    expect((await fetch(`${running.url}/readyz`)).status).toBe(200);
  });

  test("refuses to start when provider key variables are missing, naming them", async () => {
    const path = policyFile(`
provider up { kind openai  base_url "http://127.0.0.1:9/v1"  key env("SWITCHYARD_TEST_MISSING_KEY") }
model m { provider up  upstream "m"  can [chat]  context 8k }
route r { otherwise -> [m] }
`);
    const err = await serve({ policyPath: path, port: 0, env: { get: () => undefined }, ...quiet }).catch((e) => e);
    expect(err).toBeInstanceOf(ServeError);
    expect(err.message).toContain("`SWITCHYARD_TEST_MISSING_KEY`");
    expect(err.message).not.toContain("    at ");
  });

  test("refuses a broken policy with its rendered diagnostics", async () => {
    const path = policyFile("route r { otherwise -> [nowhere] }\n");
    const err = await serve({ policyPath: path, port: 0, env: { get: () => undefined }, ...quiet }).catch((e) => e);
    expect(err).toBeInstanceOf(ServeError);
    expect(err.message).toContain("nowhere");
    expect(err.message).toContain("error");
  });

  test("SIGTERM lets an in-flight stream finish, then exits 0", async () => {
    const root = resolve(import.meta.dir, "../..");
    const proc = Bun.spawn(
      [
        "bun",
        "-e",
        `const { serve } = await import("./src/server/serve.ts"); await serve({ port: 0, handleSignals: true, log: () => {} });`,
      ],
      {
        cwd: root,
        stderr: "pipe",
        stdout: "ignore",
      },
    );
    const reader = proc.stderr.getReader();
    let said = "";
    for (let i = 0; i < 50 && !said.includes("listening"); i++) {
      const { done, value } = await reader.read();
      if (done) break;
      said += new TextDecoder().decode(value);
    }
    const url = /http:\/\/127\.0\.0\.1:\d+/.exec(said)?.[0];
    expect(url).toBeDefined();
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    // A streaming request on the default policy's simulated models takes a few hundred ms.
    const res = await fetch(`${url}/v1/chat/completions`, {
      method: "POST",
      body: JSON.stringify({ model: "chat", stream: true, messages: [{ role: "user", content: "hi" }] }),
    });
    const body = res.body!.getReader();
    const first = await body.read();
    expect(new TextDecoder().decode(first.value)).toContain("data: ");
    proc.kill("SIGTERM");
    let rest = "";
    for (let i = 0; i < 500; i++) {
      const { done, value } = await body.read();
      if (done) break;
      rest += new TextDecoder().decode(value);
    }
    expect(rest).toContain("data: [DONE]");
    const code = await Promise.race([proc.exited, Bun.sleep(5000).then(() => "timeout")]);
    if (code === "timeout") proc.kill("SIGKILL");
    expect(code).toBe(0);
  });
});

describe("serve --state", () => {
  test("refuses a FIFO at the state path with one clear line and exit 2, instead of hanging at startup", async () => {
    dir = mkdtempSync(join(tmpdir(), "switchyard-serve-"));
    const fifo = join(dir, "state.bin");
    Bun.spawnSync(["mkfifo", fifo]);
    const proc = Bun.spawn(
      [process.execPath, resolve(import.meta.dir, "../../src/cli/main.ts"), "serve", "--port", "0", "--state", fifo],
      { stdout: "ignore", stderr: "pipe" },
    );
    try {
      const [code, stderr] = await Promise.all([proc.exited, new Response(proc.stderr).text()]);
      expect(code).toBe(2);
      expect(stderr).toContain(
        `error: cannot keep state in \`${fifo}\`: it is a FIFO (named pipe), not a regular file`,
      );
      expect(stderr).not.toContain("    at ");
    } finally {
      proc.kill();
    }
  });
});

describe("serve with a policy file", () => {
  test("POST /admin/reload applies an edit, and refuses one whose keys are not set", async () => {
    const base = `
gateway { admin_token env("SY_TEST_ADMIN") }
provider sim { kind simulated  ttft 1ms  per_token 0ms  output_tokens 3 }
model m { provider sim  upstream "m"  can [chat, stream]  context 8k }
`;
    const path = policyFile(base + "route one { otherwise -> [m] }\n");
    const lines: string[] = [];
    running = await serve({
      policyPath: path,
      port: 0,
      env: { get: (n) => (n === "SY_TEST_ADMIN" ? "adm" : undefined) },
      log: (l) => lines.push(l),
      say: () => {},
    });
    const reload = () =>
      fetch(`${running!.url}/admin/reload`, { method: "POST", headers: { authorization: "Bearer adm" } });

    writeFileSync(path, base + "route one { otherwise -> [m] }\nroute two { otherwise -> [m] }\n");
    const applied = await reload();
    expect(applied.status).toBe(200);
    expect(running.gateway.graph().routes.map((r) => r.name)).toEqual(["one", "two"]);

    writeFileSync(
      path,
      base +
        `provider real { kind openai  base_url "http://127.0.0.1:9/v1"  key env("SY_TEST_KEY") }\nmodel r { provider real  upstream "r"  can [chat]  context 8k }\nroute three { otherwise -> [r] }\n`,
    );
    const refused = await reload();
    expect(refused.status).toBe(422);
    expect(((await refused.json()) as any).rendered).toContain("`SY_TEST_KEY`");
    expect(running.gateway.graph().routes.map((r) => r.name)).toEqual(["one", "two"]);
    const chat = await fetch(`${running.url}/v1/chat/completions`, {
      method: "POST",
      body: JSON.stringify({ model: "two", messages: [{ role: "user", content: "hi" }] }),
    });
    expect(chat.status).toBe(200);
    expect(lines.map((l) => JSON.parse(l).event)).toEqual(
      expect.arrayContaining(["reload", "reload_rejected", "request"]),
    );
  });
});
