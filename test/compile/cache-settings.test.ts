// The `cache { … }` settings block: off by default, on where `ttl` is above zero, inherited
// defaults → route → rule key by key, printed by `switchyard graph`, and nonsense values rejected.
import { describe, expect, test } from "bun:test";
import { compilePolicySource } from "../../src/compile/index.ts";
import { printGraph } from "../../src/compile/print/index.ts";

const HEAD = `provider sim { kind simulated }\nmodel a { provider sim  can [chat, stream] }\n`;

function compile(source: string) {
  return compilePolicySource(HEAD + source, "test.route");
}

describe("cache settings", () => {
  test("off by default: no cache in the graph", () => {
    const g = compile(`route chat { otherwise -> [a] }`).graph!;
    expect(g.routes[0]!.rules[0]!.settings.cache).toBeUndefined();
  });

  test("defaults → route → rule, key by key; `ttl 0s` turns it off in one rule", () => {
    const g = compile(`
      defaults { cache { ttl 10m  max_entries 10k  max_bytes 256M } }
      route chat {
        cache { shared true }
        when tokens > 100k -> [a] { cache { ttl 0s } }
        when param "seed" == 1 -> [a] { cache { max_bytes 1M } }
        otherwise -> [a]
      }`).graph!;
    const [off, small, plain] = g.routes[0]!.rules.map((r) => r.settings.cache);
    expect(off).toBeUndefined();
    expect(small).toEqual({ ttlMs: 600_000, maxEntries: 10_000, maxBytes: 1_000_000, shared: true });
    expect(plain).toEqual({ ttlMs: 600_000, maxEntries: 10_000, maxBytes: 256_000_000, shared: true });
    expect(printGraph(g, "text")).toContain("cache    ttl 10m  max_entries 10k  max_bytes 256M  shared true");
  });

  test("nonsense values are errors; a misspelt key gets a did-you-mean", () => {
    const r = compile(
      `route chat { otherwise -> [a] { cache { ttl 40d  max_entries 0  max_byte 1M  max_bytes 10  shared 3 } } }`,
    );
    const errors = r.diagnostics.filter((d) => d.severity === "error").map((d) => `${d.code} ${d.message}`);
    expect(errors).toContain("SY2024 `ttl` must be between 0ms and 30d");
    expect(errors).toContain("SY2024 `max_entries` must be between 1 and 100000000");
    expect(errors.some((e) => e.startsWith("SY2024 `max_bytes`"))).toBe(true);
    expect(errors.some((e) => e.startsWith("SY2002 `shared`"))).toBe(true);
    expect(r.diagnostics.find((d) => d.code === "SY2001")?.help).toContain("max_bytes");
  });
});
