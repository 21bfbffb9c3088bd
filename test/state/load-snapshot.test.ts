// Loading at start: quiet when absent, loud and non-destructive when damaged, decayed and trimmed when good.
import { describe, expect, test } from "bun:test";
import { execFileSync } from "node:child_process";
import { existsSync, lstatSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { encodeSnapshot } from "../../src/state/codec.ts";
import { freshState } from "../../src/state/fresh-state.ts";
import { StateSetupError } from "../../src/state/io-error.ts";
import { loadSnapshot } from "../../src/state/load-snapshot.ts";
import { T0, sampleGraph, sampleState, tempDir } from "./fixtures.ts";

test("an absent file is a quiet first start", async () => {
  using dir = tempDir();
  const result = await loadSnapshot(dir.file("state.bin"), { now: T0 });
  expect(result).toMatchObject({ outcome: "absent", warnings: [], movedTo: null });
  expect(result.state).toEqual(freshState());
});

describe("damaged files are moved aside, never deleted", () => {
  const good = encodeSnapshot(sampleState(), T0, "msgpack");
  const flipped = good.slice();
  flipped[good.length - 3] ^= 0xff;
  const wrongVersion = good.slice();
  wrongVersion[5] = 9;
  const cases: [string, Uint8Array | string, RegExp][] = [
    ["truncated", good.subarray(0, good.length - 100), /truncated \(\d+ of \d+ body bytes\)/],
    ["corrupt", flipped, /checksum does not match/],
    ["foreign", "hello: world\n", /not a switchyard state file/],
    ["wrong version", wrongVersion, /state layout v9; this build reads v1/],
    ["invalid", encodeSnapshot({ ...sampleState(), cursors: { x: -1 } }, T0, "yaml"), /`state\.cursors\.x`/],
  ];
  for (const [name, bytes, reason] of cases) {
    test(`${name}: warning, moved to .corrupt-<timestamp>, fresh state`, async () => {
      using dir = tempDir();
      const path = dir.file("state.bin");
      writeFileSync(path, bytes);
      const result = await loadSnapshot(path, { now: T0 });
      expect(result.outcome).toBe("moved_aside");
      expect(result.state).toEqual(freshState());
      expect(result.movedTo).toBe(`${path}.corrupt-20261125T120000Z`);
      expect(result.warnings).toHaveLength(1);
      expect(result.warnings[0]).toMatch(reason);
      expect(result.warnings[0]).toContain(`moved it to \`${path}.corrupt-20261125T120000Z\``);
      expect(existsSync(path)).toBe(false);
      expect(readFileSync(result.movedTo!)).toEqual(Buffer.from(bytes));
    });
  }

  test("a second bad file in the same second does not overwrite the first copy", async () => {
    using dir = tempDir();
    const path = dir.file("s.json");
    writeFileSync(path, "first");
    await loadSnapshot(path, { now: T0 });
    writeFileSync(path, "second");
    const again = await loadSnapshot(path, { now: T0 });
    expect(again.movedTo).toBe(`${path}.corrupt-20261125T120000Z-1`);
    expect(readFileSync(`${path}.corrupt-20261125T120000Z`, "utf8")).toBe("first");
    expect(readFileSync(again.movedTo!, "utf8")).toBe("second");
  });
});

describe("a good snapshot", () => {
  test("loads as written when no time passed", async () => {
    using dir = tempDir();
    const path = dir.file("s.yaml");
    writeFileSync(path, encodeSnapshot(sampleState(), T0, "yaml"));
    const result = await loadSnapshot(path, { now: T0 });
    expect(result).toMatchObject({ outcome: "loaded", format: "yaml", writtenAt: T0, warnings: [] });
    const expected = sampleState();
    expected.breakers.claude.probesInFlight = 0; // the old process's probes are gone
    expect(result.state).toEqual(expected);
  });

  test("is aged by the downtime", async () => {
    using dir = tempDir();
    const path = dir.file("s.bin");
    writeFileSync(path, encodeSnapshot(sampleState(), T0, "msgpack"));
    const result = await loadSnapshot(path, { now: T0 + 90_000, graph: sampleGraph(30_000, 60_000) });
    expect(result.state.breakers["gpt-4o"].phase).toBe("half_open");
    expect(result.state.windows["gpt-4o"].buckets).toEqual([]);
    expect(result.state.windows["gpt-4o"].latencyEwmaMs).toBe(812.25);
    expect(result.state.quotas["model:gpt-4o:requests:minute"]).toEqual({ windowStart: T0 + 60_000, used: 0 });
    expect(result.state.quotas["model:gpt-4o:usd:month"].used).toBe(3.75);
  });

  test("drops entries for models, providers and routes the policy no longer has", async () => {
    using dir = tempDir();
    const path = dir.file("s.bin");
    writeFileSync(path, encodeSnapshot(sampleState(), T0, "msgpack"));
    const { state, dropped } = await loadSnapshot(path, { now: T0, graph: sampleGraph() });
    expect(Object.keys(state.breakers).sort()).toEqual(["claude", "gpt-4o", "provider:openai"]);
    expect(Object.keys(state.windows)).toEqual(["gpt-4o"]);
    expect(Object.keys(state.quotas)).not.toContain("model:local:tokens:hour");
    expect(state.cursors).toEqual({ "chat#1": 7 });
    expect(state.sticky).toEqual({ "user-1": "gpt-4o", "user-2": "claude" });
    expect(Object.keys(state.counters).sort()).toEqual(["claude", "gpt-4o"]);
    expect(dropped).toBe(4); // breaker local, window local, quota local, cursor cheap#2
  });

  test("written in the clock's future keeps its timers and says so", async () => {
    using dir = tempDir();
    const path = dir.file("s.bin");
    writeFileSync(path, encodeSnapshot(sampleState(), T0, "msgpack"));
    const result = await loadSnapshot(path, { now: T0 - 5_000 });
    expect(result.warnings).toEqual([
      `state file \`${path}\` was written 5000ms later than the clock reads now; its timers were kept as they were`,
    ]);
    expect(result.state.breakers["gpt-4o"].phase).toBe("open");
  });
});

test("stale temp files from a killed writer are removed before loading", async () => {
  using dir = tempDir();
  const path = dir.file("s.bin");
  writeFileSync(path, encodeSnapshot(sampleState(), T0, "msgpack"));
  writeFileSync(`${path}.tmp-999999999-1`, "half a snapshot");
  writeFileSync(dir.file("other.bin.tmp-999999999-1"), "someone else's");
  const result = await loadSnapshot(path, { now: T0 });
  expect(result.removedTemps).toEqual(["s.bin.tmp-999999999-1"]);
  expect(readdirSync(dir.path).sort()).toEqual(["other.bin.tmp-999999999-1", "s.bin"]);
});

test("a directory in place of the file is refused and left alone", async () => {
  using dir = tempDir();
  const loading = loadSnapshot(dir.path, { now: T0 });
  await expect(loading).rejects.toBeInstanceOf(StateSetupError);
  await expect(loadSnapshot(dir.path, { now: T0 })).rejects.toThrow(
    `cannot keep state in \`${dir.path}\`: it is a directory, not a regular file`,
  );
  expect(existsSync(dir.path)).toBe(true);
});

test("a FIFO in place of the file is refused at once, without waiting for a writer, and left alone", async () => {
  using dir = tempDir();
  const path = dir.file("s.bin");
  execFileSync("mkfifo", [path]);
  await expect(loadSnapshot(path, { now: T0 })).rejects.toThrow(
    `cannot keep state in \`${path}\`: it is a FIFO (named pipe), not a regular file`,
  );
  expect(lstatSync(path).isFIFO()).toBe(true);
});
