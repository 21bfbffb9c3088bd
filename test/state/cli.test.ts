// `switchyard state show|convert`: readable output, faithful conversion, exit 2 with one clear line on mistakes.
import { describe, expect, test } from "bun:test";
import { execFileSync } from "node:child_process";
import { readFileSync, readdirSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { runStateCli } from "../../src/state/cli.ts";
import type { Clock } from "../../src/runtime/ports.ts";
import { decodeSnapshot, encodeSnapshot } from "../../src/state/codec.ts";
import { readSnapshotFile } from "../../src/state/read-snapshot.ts";
import { createSnapshotter } from "../../src/state/snapshotter.ts";
import { T0, sampleGraph, sampleState, tempDir } from "./fixtures.ts";

async function run(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runStateCli(argv, { stdout: (t) => out.push(t), stderr: (t) => err.push(t) });
  return { code, stdout: out.join(""), stderr: err.join("") };
}

function withSnapshot(format: "msgpack" | "json" | "yaml" = "msgpack") {
  const dir = tempDir();
  const path = dir.file(`s.${format === "msgpack" ? "bin" : format}`);
  writeFileSync(path, encodeSnapshot(sampleState(), T0, format));
  return { dir, path };
}

describe("show", () => {
  test("breakers with phase and timers, quotas with window, EWMAs, counters", async () => {
    const { dir, path } = withSnapshot();
    using _ = dir;
    const { code, stdout, stderr } = await run("show", path);
    expect(code).toBe(0);
    expect(stderr).toBe("");
    expect(stdout).toContain("written at  2026-11-25T12:00:00.000Z");
    expect(stdout).toMatch(
      /gpt-4o\s+open · 5 consecutive failures · opened 10s before the snapshot · cool-down \(default\) ends 20s after it/,
    );
    expect(stdout).toMatch(/claude\s+half_open · .* probes: 1 in flight, 1 succeeded/);
    expect(stdout).toMatch(
      /model:gpt-4o:requests:minute\s+12 requests · minute window from 2026-11-25T12:00:00.000Z · resets 1m after the snapshot/,
    );
    expect(stdout).toMatch(
      /model:claude:upstream_quota\s+upstream said its quota is spent · blocked until 30s after the snapshot/,
    );
    expect(stdout).toMatch(
      /gpt-4o\s+latency 812ms · first token 231ms · 41.1 tokens\/s · 14 ok, 5 failed in the last 1m/,
    );
    expect(stdout).toMatch(/gpt-4o\s+40 requests \(35 ok, 5 failed\) · 12000 tokens in, 3400 out · \$0.0425/);
    expect(stdout).toMatch(/user-1\s+→ gpt-4o/);
  });

  test("--policy adds quota limits from the compiled policy", async () => {
    using dir = tempDir();
    const path = dir.file("s.json");
    const state = sampleState();
    state.quotas = {
      "model:groq-free:requests:minute": { windowStart: T0, used: 12 },
      "model:paid:usd:day": { windowStart: T0 - 43_200_000, used: 1.5 },
    };
    writeFileSync(path, encodeSnapshot(state, T0, "json"));
    const policy = join(import.meta.dir, "../../policies/free-tiers.route");
    const { code, stdout } = await run("show", path, "--policy", policy);
    expect(code).toBe(0);
    expect(stdout).toMatch(/model:groq-free:requests:minute\s+12 \/ 30 requests/);
    expect(stdout).toMatch(/model:paid:usd:day\s+\$1.50 \/ \$5.00 · day window/);
    expect(stdout).not.toContain("(default)");
  });

  test("without --policy, the cool-downs of the policy that wrote the snapshot, not the built-in default", async () => {
    using dir = tempDir();
    const path = dir.file("s.bin");
    const clock = { now: () => T0 } as Clock; // one immediate write reads nothing else
    const snapshotter = createSnapshotter({
      path,
      intervalMs: 1000,
      clock,
      getState: sampleState,
      getGraph: () => sampleGraph(15_000, 120_000),
    });
    await snapshotter.writeNow();
    const { code, stdout } = await run("show", path);
    expect(code).toBe(0);
    expect(stdout).toMatch(
      /gpt-4o\s+open · 5 consecutive failures · opened 10s before the snapshot · cool-down ends 5.0s after it/,
    );
    expect(stdout).toMatch(/gpt-4o\s+latency 812ms .* 14 ok, 5 failed in the last 2m/);
    expect(stdout).not.toContain("(default)");
    // convert keeps them; --policy still wins over them
    expect((await run("convert", path, dir.file("s.yaml"))).code).toBe(0);
    expect((await run("show", dir.file("s.yaml"))).stdout).toContain("cool-down ends 5.0s after it");
    const policy = join(import.meta.dir, "../../policies/free-tiers.route");
    expect((await run("show", path, "--policy", policy)).stdout).not.toContain("cool-down ends 5.0s after it");
  });

  test("--json prints the document", async () => {
    const { dir, path } = withSnapshot("yaml");
    using _ = dir;
    const { code, stdout } = await run("show", path, "--json");
    expect(code).toBe(0);
    const doc = JSON.parse(stdout);
    expect(doc).toMatchObject({ format: "yaml", version: 1, writtenAt: T0 });
    expect(doc.state.counters).toEqual(sampleState().counters);
  });

  test("a damaged file is reported (exit 2) and left where it is", async () => {
    using dir = tempDir();
    const path = dir.file("s.bin");
    writeFileSync(path, encodeSnapshot(sampleState(), T0, "msgpack").subarray(0, 50));
    const { code, stderr } = await run("show", path);
    expect(code).toBe(2);
    expect(stderr).toMatch(/^error: cannot read state file `.*s\.bin`: it is truncated \(36 of \d+ body bytes\)\n$/);
    expect(readdirSync(dir.path)).toEqual(["s.bin"]);
  });
});

describe("show refuses what is not a regular file (exit 2), without reading it", () => {
  test("a symlink to /dev/zero (endless)", async () => {
    using dir = tempDir();
    const path = dir.file("s.bin");
    symlinkSync("/dev/zero", path);
    const { code, stderr } = await run("show", path);
    expect(code).toBe(2);
    expect(stderr).toBe(
      `error: cannot read state file \`${path}\`: \`${path}\` is a character device, not a regular file; a state file must be one\n`,
    );
  });

  test("a FIFO (would wait for a writer forever)", async () => {
    using dir = tempDir();
    const path = dir.file("s.bin");
    execFileSync("mkfifo", [path]);
    const { code, stderr } = await run("show", path);
    expect(code).toBe(2);
    expect(stderr).toContain("is a FIFO (named pipe), not a regular file");
  });
});

test("the size bound counts bytes read, not the size stat reports", async () => {
  using dir = tempDir();
  const path = dir.file("s.bin");
  writeFileSync(path, encodeSnapshot(sampleState(), T0, "msgpack"));
  const read = await readSnapshotFile(path, 100);
  expect(read).toMatchObject({ kind: "bad", problem: "too_large" });
});

describe("convert", () => {
  for (const [to, ext] of [
    ["json", "json"],
    ["yaml", "yml"],
    ["msgpack", "bin"],
  ] as const) {
    test(`to ${to} by extension keeps state and clock time`, async () => {
      const { dir, path } = withSnapshot(to === "msgpack" ? "json" : "msgpack");
      using _ = dir;
      const out = dir.file(`out.${ext}`);
      const { code, stdout } = await run("convert", path, out);
      expect(code).toBe(0);
      expect(stdout).toContain(`(${to}, `);
      const decoded = decodeSnapshot(readFileSync(out));
      expect(decoded).toMatchObject({ ok: true, format: to, document: { writtenAt: T0, state: sampleState() } });
    });
  }

  test("--to overrides the extension", async () => {
    const { dir, path } = withSnapshot();
    using _ = dir;
    const out = dir.file("out.bin");
    expect((await run("convert", path, out, "--to", "yaml")).code).toBe(0);
    expect(readFileSync(out, "utf8").startsWith("# switchyard-state v1 yaml")).toBe(true);
  });
});

describe("mistakes exit 2 with one clear line", () => {
  const cases: [string[], RegExp][] = [
    [[], /^usage:/],
    [["frobnicate"], /unknown state command `frobnicate`/],
    [["show"], /`state show` takes one state file, got 0/],
    [["show", "a", "--colour"], /unknown option `--colour`/],
    [["convert", "a"], /takes an input and an output file, got 1/],
    [["convert", "a", "b", "--to", "xml"], /unknown format `xml` \(expected msgpack, json, yaml\)/],
    [["show", "/nonexistent/s.bin"], /cannot read state file `\/nonexistent\/s.bin`: no such file/],
  ];
  for (const [argv, message] of cases) {
    test(`state ${argv.join(" ") || "(nothing)"}`, async () => {
      const { code, stdout, stderr } = await run(...argv);
      expect(code).toBe(2);
      expect(stdout + stderr).toMatch(message);
      expect(stdout + stderr).not.toContain("    at ");
    });
  }

  test("an unwritable output", async () => {
    const { dir, path } = withSnapshot();
    using _ = dir;
    const { code, stderr } = await run("convert", path, join(dir.path, "no-such-dir", "out.json"));
    expect(code).toBe(2);
    expect(stderr).toMatch(/cannot write `.*out\.json`: no such file or directory \(ENOENT\)/);
  });
});
