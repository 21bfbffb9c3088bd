// Hostile and broken policy files: each must come back as diagnostics (with a location and a
// fix) or, when it is actually fine, as a graph; nothing may throw or print a stack trace.
import { describe, expect, test } from "bun:test";
import { compilePolicySource, type CompileResult } from "../../src/compile/index.ts";
import { parsePolicyBytes } from "../../src/syntax/parse.ts";
import { formatPolicy } from "../../src/syntax/format.ts";
import { expectWellFormed, mustNotThrow } from "./invariants.ts";

const FILE = "policies/bad.route";
const utf8 = (s: string) => new TextEncoder().encode(s);

/** The CLI/server path: bytes → decode → parse → check → compile. */
function pipeline(bytes: Uint8Array): CompileResult {
  return mustNotThrow("pipeline", () => {
    const parsed = parsePolicyBytes(bytes, FILE);
    if (parsed.policy === null)
      return { graph: null, diagnostics: parsed.diagnostics, source: parsed.source, policy: null };
    return compilePolicySource(parsed.source, FILE);
  });
}

function expectRejected(bytes: Uint8Array, code: string, where?: { line: number; column: number }): string {
  const result = pipeline(bytes);
  expect(result.graph).toBeNull();
  const human = expectWellFormed(result.diagnostics, FILE, result.source);
  const d = result.diagnostics.find((x) => x.code === code);
  expect(d, `expected ${code}, got ${result.diagnostics.map((x) => x.code).join(", ")}`).toBeDefined();
  expect(d!.help).toBeTruthy();
  if (where) expect(human).toContain(`--> ${FILE}:${where.line}:${where.column}`);
  return human;
}

const VALID =
  "provider p { kind simulated }\nmodel m { provider p  can [chat, stream] }\nroute chat { otherwise -> [m] }\n";

describe("bad input never crashes the tools", () => {
  test("binary bytes (a NUL) are refused as binary", () => {
    const human = expectRejected(
      new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]),
      "SY1003",
      { line: 3, column: 1 },
    );
    expect(human).toContain("3 | \uFFFD\uFFFD\uFFFD\n  | ^\n"); // NUL bytes shown, not written to the terminal
  });

  test("a 10 MB file is refused by size, quickly", () => {
    const started = performance.now();
    expectRejected(utf8("# padding\n".repeat(1_000_000)), "SY1004", { line: 1, column: 1 });
    expect(performance.now() - started).toBeLessThan(2000);
    // the text entry point enforces the same limit
    expect(compilePolicySource("#".repeat(10_000_000), FILE).diagnostics[0].code).toBe("SY1004");
  });

  test("10,000 levels of bracket nesting are refused where they get too deep", () => {
    expectRejected(utf8("model m {\n  a " + "[".repeat(10_000) + "]".repeat(10_000) + "\n}\n"), "SY1005", {
      line: 2,
      column: 68,
    });
    expectRejected(utf8("route r { when " + "(".repeat(10_000) + "tools" + ")".repeat(10_000) + " -> [m] }"), "SY1005");
  });

  test("10,000 chained or nested condition operators are refused instead of overflowing a stack", () => {
    expectRejected(utf8("route r { when " + "not ".repeat(10_000) + "tools -> [m] }"), "SY1005");
    expectRejected(utf8("route r { when " + "tools and ".repeat(100_000) + "tools -> [m] }"), "SY1005");
    expectRejected(utf8("route r { when " + "a or ".repeat(300) + "b -> [m] }"), "SY1005");
  });

  test("an unterminated string points at its opening quote", () => {
    const human = expectRejected(utf8('provider p {\n  base_url "http://x\n}\n'), "SY1006", { line: 2, column: 12 });
    expect(human).toContain("this string is never closed");
  });

  test("invalid utf-8 is refused as such", () => {
    const human = expectRejected(
      new Uint8Array([...utf8('model m { upstream "'), 0xc3, 0x28, ...utf8('" }')]),
      "SY1002",
      { line: 1, column: 21 },
    );
    expect(human).toContain('1 | model m { upstream "\uFFFD(" }\n  |                     ^\n');
    expectRejected(new Uint8Array([0xed, 0xa0, 0x80]), "SY1002"); // an encoded surrogate
  });

  test("an empty file and a file of only comments are valid, empty policies", () => {
    for (const text of ["", "# nothing here\n# at all", "\n\n  \t\n"]) {
      const result = pipeline(utf8(text));
      expectWellFormed(result.diagnostics, FILE, result.source);
      expect(result.graph !== null || result.diagnostics.length > 0).toBe(true);
    }
  });

  test("huge numbers do not crash the checker or compiler", () => {
    const nines = "9".repeat(400);
    const text = `provider p { kind simulated  ttft ${nines}ms }\nmodel m { provider p  can [chat]  context ${nines}  max_output ${nines}k  price { input $${nines} } }\nroute r { timeout { total ${nines}d }  retry { attempts ${nines} }  when tokens > ${nines} -> [m 100000000000000000000000]  otherwise -> split [[m] ${nines}%] }\n`;
    const result = pipeline(utf8(text));
    expectWellFormed(result.diagnostics, FILE, result.source);
    expect(result.graph !== null || result.diagnostics.length > 0).toBe(true);
  });

  test("very long identifiers are handled and clipped in the terminal output", () => {
    const name = "m" + "x".repeat(200_000);
    const result = pipeline(utf8(`model ${name} { provider nope }\nroute r { otherwise -> [${name}, other] }\n`));
    expect(result.graph).toBeNull();
    expect(result.diagnostics.length).toBeGreaterThan(0);
    expectWellFormed(result.diagnostics, FILE, result.source);
  });

  test("CRLF line endings give the same result and columns as LF", () => {
    const lf = pipeline(utf8(VALID));
    const crlf = pipeline(utf8(VALID.replaceAll("\n", "\r\n")));
    expect(lf.diagnostics).toEqual([]);
    expect(crlf.diagnostics).toEqual([]);
    expect(crlf.graph).not.toBeNull();
    const broken = "model m {\r\n  provider p\r\n  can [chat\r\n}\r\n";
    const human = expectRejected(utf8(broken), "SY1001", { line: 4, column: 1 });
    expect(human).not.toContain("\r");
  });

  test("a byte order mark is accepted, and errors after it are located correctly", () => {
    const result = pipeline(utf8("\uFEFF" + VALID));
    expect(result.diagnostics).toEqual([]);
    expect(result.graph).not.toBeNull();
    expectRejected(utf8("\uFEFFmodel m { can }\n"), "SY1001", { line: 1, column: 15 });
  });

  test("control characters and lone surrogates in strings are data, not terminal commands", () => {
    const result = pipeline(
      utf8('provider p { kind simulated  base_url "\\u001b[2J\\ud800" }\nmodel "\x1b[31m" { provider p }\n'),
    );
    const human = expectWellFormed(result.diagnostics, FILE, result.source);
    expect(human.replace(/\x1b\[[0-9;]*m/g, "")).not.toContain("\x1b");
  });

  test("many broken declarations are all reported, up to a limit, without re-reading the whole file each time", () => {
    const started = performance.now();
    const valid = VALID.repeat(20_000).slice(0, 3_000_000);
    const result = pipeline(utf8(valid.slice(0, valid.lastIndexOf("\nprovider") + 1) + "model bad { ] }\n".repeat(40)));
    expect(result.diagnostics.filter((d) => d.code === "SY1001").length).toBeGreaterThanOrEqual(20);
    expect(performance.now() - started).toBeLessThan(8000);
  });

  test("stray closers and garbage produce a syntax error, and the formatter is never reached", () => {
    expectRejected(utf8("}}}] ) -> model"), "SY1001", { line: 1, column: 1 });
    expectRejected(utf8("route { when -> }"), "SY1001");
  });

  test("the formatter handles every input that parses, including the odd ones above", () => {
    for (const text of ["", "# only\n", "\uFEFF" + VALID, VALID.replaceAll("\n", "\r\n")]) {
      const parsed = parsePolicyBytes(utf8(text), FILE);
      expect(parsed.policy).not.toBeNull();
      const once = mustNotThrow("fmt", () => formatPolicy(parsed.policy!, parsed.source));
      const again = parsePolicyBytes(utf8(once), FILE);
      expect(formatPolicy(again.policy!, again.source)).toBe(once);
    }
  });
});
