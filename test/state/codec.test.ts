// The codec round-trips every format exactly and names what is wrong with a bad file.
import { describe, expect, test } from "bun:test";
import { encode as msgpackEncode } from "@msgpack/msgpack";
import { decodeSnapshot, encodeSnapshot } from "../../src/state/codec.ts";
import { STATE_FORMATS } from "../../src/state/format.ts";
import { T0, sampleState } from "./fixtures.ts";

const text = (bytes: Uint8Array): string => new TextDecoder().decode(bytes);

describe("round trip", () => {
  for (const format of STATE_FORMATS) {
    test(`${format}: decode(encode(state)) deep-equals the state`, () => {
      const state = sampleState();
      const decoded = decodeSnapshot(encodeSnapshot(state, T0, format));
      expect(decoded.ok).toBe(true);
      if (!decoded.ok) return;
      expect(decoded.format).toBe(format);
      expect(decoded.document.writtenAt).toBe(T0);
      expect(decoded.document.version).toBe(1);
      expect(decoded.document.state).toEqual(state);
      expect(decoded.document.state.quotas["model:local:tokens:hour"].windowStart).toBe(Number.NEGATIVE_INFINITY);
    });
  }

  test("msgpack starts with SWYD, a format byte and the version", () => {
    const bytes = encodeSnapshot(sampleState(), T0, "msgpack");
    expect(text(bytes.subarray(0, 4))).toBe("SWYD");
    expect(bytes[4]).toBe(0x6d);
    expect(bytes[5]).toBe(1);
  });

  test("text formats start with a readable header line", () => {
    expect(text(encodeSnapshot(sampleState(), T0, "json")).split("\n")[0]).toMatch(
      /^# switchyard-state v1 json length=\d+ crc32=[0-9a-f]{8}$/,
    );
    expect(text(encodeSnapshot(sampleState(), T0, "yaml")).split("\n")[0]).toMatch(/^# switchyard-state v1 yaml /);
  });
});

test("a hand-edited text snapshot without length/crc32 in its header is read (and still validated)", () => {
  const edited = text(encodeSnapshot(sampleState(), T0, "yaml"))
    .replace(/ length=\d+ crc32=[0-9a-f]{8}\n/, "\n")
    .replace("consecutiveFailures: 5", "consecutiveFailures: 0");
  const decoded = decodeSnapshot(new TextEncoder().encode(edited));
  expect(decoded.ok).toBe(true);
  if (decoded.ok) expect(decoded.document.state.breakers["gpt-4o"].consecutiveFailures).toBe(0);
  const invalid = edited.replace("phase: open", "phase: ajar");
  expect(decodeSnapshot(new TextEncoder().encode(invalid))).toMatchObject({ ok: false, problem: "invalid" });
});

describe("bad files are named, never half-loaded", () => {
  const good = (format: (typeof STATE_FORMATS)[number]) => encodeSnapshot(sampleState(), T0, format);

  for (const format of STATE_FORMATS) {
    test(`${format}: every cut-off point is reported as truncated`, () => {
      const bytes = good(format);
      for (const cut of [0, 3, 10, 20, Math.floor(bytes.length / 2), bytes.length - 1]) {
        const result = decodeSnapshot(bytes.subarray(0, cut));
        expect(result.ok).toBe(false);
        if (!result.ok) expect(result.problem).toBe("truncated");
      }
    });

    test(`${format}: a flipped byte in the body fails the checksum`, () => {
      const bytes = good(format).slice();
      bytes[bytes.length - 5] ^= 0x01;
      const result = decodeSnapshot(bytes);
      expect(result).toMatchObject({ ok: false, problem: "corrupt" });
    });
  }

  test("a foreign file says what it starts with", () => {
    const result = decodeSnapshot(new TextEncoder().encode('{"breakers":{}}'));
    expect(result).toMatchObject({ ok: false, problem: "foreign" });
    if (!result.ok) expect(result.message).toContain('`{"breakers":{}}`');
    expect(decodeSnapshot(new Uint8Array([0x89, 0x50, 0x4e, 0x47, 1, 2, 3, 4]))).toMatchObject({ problem: "foreign" });
  });

  test("a newer layout version is refused with both versions named", () => {
    const binary = good("msgpack").slice();
    binary[5] = 2;
    const result = decodeSnapshot(binary);
    expect(result).toMatchObject({ ok: false, problem: "version" });
    if (!result.ok) expect(result.message).toContain("newer switchyard (state layout v2; this build reads v1)");
    const json = text(good("json")).replace("# switchyard-state v1", "# switchyard-state v7");
    expect(decodeSnapshot(new TextEncoder().encode(json))).toMatchObject({ ok: false, problem: "version" });
  });

  test("a well-formed file with an invalid state names the field", () => {
    const state = sampleState() as unknown as { breakers: Record<string, { phase: string }> };
    state.breakers["gpt-4o"].phase = "ajar";
    const bytes = encodeSnapshot(state as never, T0, "json");
    const result = decodeSnapshot(bytes);
    expect(result).toMatchObject({ ok: false, problem: "invalid" });
    if (!result.ok) expect(result.message).toContain("`state.breakers.gpt-4o.phase`");
  });

  test("a document claiming another version inside a v1 header is refused", () => {
    const body = msgpackEncode({ version: 3, writtenAt: T0, state: sampleState() });
    const bytes = encodeSnapshot(sampleState(), T0, "msgpack");
    const out = new Uint8Array(14 + body.length);
    out.set(bytes.subarray(0, 14));
    const view = new DataView(out.buffer);
    view.setUint32(6, body.length);
    view.setUint32(10, Bun.hash.crc32(body) >>> 0);
    out.set(body, 14);
    expect(decodeSnapshot(out)).toMatchObject({ ok: false, problem: "version" });
  });
});
