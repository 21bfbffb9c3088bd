// Secrets in relayed upstream errors: an upstream that echoes part of our key, or the key in base64
// or URL encoding, must not get any of it to the client or into the log (issue 9, item 8).
import { describe, expect, test } from "bun:test";
import { Redactor } from "../../src/runtime/redactor.ts";
import { faultGraph, faultSettings, startRig, stopAfterEach } from "./fault-harness.ts";
import { mockUpstream, openaiError } from "./mock-upstream.ts";

const track = stopAfterEach();
const GSK = "gsk_Q7vX2mPz9LkA4wR8tY1uN5bC3dE6fG0hJ";
const CLIENT = "client-key-9f8e7d6c5b4a";
const b64 = (s: string) => Buffer.from(s).toString("base64");

describe("redaction of configured secrets", () => {
  test("an upstream error quoting a 20-char prefix or the base64 key never reaches the client or the log", async () => {
    const leak = `invalid key ${GSK.slice(0, 20)}... (basic ${b64(`user:${GSK}`)}) tail ${b64(GSK)} url ${encodeURIComponent(GSK + "/x")}`;
    const a = track(mockUpstream(() => openaiError(400, leak, "invalid_request_error")));
    const graph = faultGraph([{ name: "a", upstream: a }], faultSettings());
    graph.gateway.clientKeyEnvs = ["CLIENT"];
    const r = track(startRig(graph, { UPSTREAM_KEY: GSK, CLIENT }));
    const res = await r.chat({}, { authorization: `Bearer ${CLIENT}` });
    const text = await res.text();
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(text).toContain("invalid key");
    expect(text).toContain("[redacted]");
    // A client that puts a key in a URL gets its path logged: the log line is redacted too.
    expect((await fetch(`${r.url}/v1/${GSK.slice(0, 20)}`)).status).toBe(404);
    const everything = [text, ...r.logs].join("\n");
    expect(r.logs.some((l) => l.includes('"status":404') && l.includes("[redacted]"))).toBe(true);
    for (const part of [
      GSK.slice(0, 20),
      GSK.slice(0, 8),
      b64(GSK).slice(0, 12),
      b64(GSK).slice(-12),
      GSK.slice(4, 12),
      b64(GSK.slice(1)).slice(0, 12),
    ]) {
      expect(everything).not.toContain(part);
    }
  });

  test("every run of 8+ chars of a secret is masked, in any of its forms; shorter runs and other text stay", () => {
    const r = new Redactor([GSK]);
    expect(r.redact(`a ${GSK.slice(5, 13)} b`)).toBe("a [redacted] b");
    expect(r.redact(`a ${GSK.slice(5, 12)} b`)).toBe(`a ${GSK.slice(5, 12)} b`);
    expect(r.redact(`x${GSK}y`)).toBe("x[redacted]y");
    expect(r.redact(b64(GSK.slice(2, 30)))).not.toContain(b64(GSK.slice(2, 30)).slice(0, 8));
    expect(r.redact(b64(GSK).replaceAll("+", "-").replaceAll("/", "_"))).toBe("[redacted]");
    expect(r.redact("the short answer is fine, nothing secret here")).toBe(
      "the short answer is fine, nothing secret here",
    );
    expect(new Redactor([]).redact("Bearer abcdefghijkl")).toBe("[redacted]");
    expect(new Redactor(["adm1n", "ab"]).redact("token adm1n, ab")).toBe("token [redacted], ab");
  });

  test("with 100 secrets, masking equals a plain scan of every window (the sieve only narrows where to look)", () => {
    let seed = 7;
    const random = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
    const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    const word = (n: number) => Array.from({ length: n }, () => ALPHABET[Math.floor(random() * 62)]).join("");
    const secrets = Array.from({ length: 100 }, () => `sy_${word(29)}`);
    const r = new Redactor(secrets);
    // the reference: a window is secret when it occurs in a secret; maximal covered spans become one mask
    const plain = (text: string) => {
      const covered = new Array<boolean>(text.length).fill(false);
      for (let i = 0; i + 8 <= text.length; i++)
        if (secrets.some((s) => s.includes(text.slice(i, i + 8)))) covered.fill(true, i, i + 8);
      return text.replace(/[^]/g, (c, i: number) => (covered[i] ? "\u0000" : c)).replace(/\u0000+/g, "[redacted]");
    };
    let masked = 0;
    for (let n = 0; n < 300; n++) {
      const parts = Array.from({ length: 6 }, () => {
        const s = secrets[Math.floor(random() * secrets.length)]!;
        const from = Math.floor(random() * 24);
        return random() < 0.5
          ? word(1 + Math.floor(random() * 20))
          : s.slice(from, from + 5 + Math.floor(random() * 12));
      });
      const text = `{"event":"request",${parts.join(" ")}}`;
      const expected = plain(text);
      if (expected !== text) masked++;
      expect(r.redact(text)).toBe(expected);
    }
    expect(masked).toBeGreaterThan(100); // the texts did hold secrets, at every offset and length
  });
});
