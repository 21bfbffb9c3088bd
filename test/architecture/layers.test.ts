// Enforces the design picture (docs/architecture.md): imports flow one way (syntax → check →
// compile → runtime → providers/state/ports → server/simulate → cli), other layers see only the
// runtime's public modules, nothing below serve and simulate reads the clock, randomness or network
// except the named port implementations, and only serve.ts opens a listening socket. Each rule is
// also shown failing on a planted violation, so a checker that silently stopped seeing would fail.
import { describe, expect, test } from "bun:test";
import { readFileSync, readdirSync, statSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { ALLOWED, PORT_IMPLEMENTATIONS, violations } from "./rules.ts";

const SRC = resolve(import.meta.dir, "../../src");

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.(ts|js)$/.test(name) && !name.endsWith(".generated.js") ? [path] : [];
  });
}

const files = sourceFiles(SRC).map((f) => relative(SRC, f));

describe("the source tree", () => {
  test("every src folder is a known layer", () => {
    const unknown = [...new Set(files.map((f) => f.split("/")[0]))].filter((l) => !(l in ALLOWED) && !l.includes("."));
    expect(unknown).toEqual([]);
  });

  test("breaks no rule: layering, the runtime's public surface, ambient reads, Bun.serve", () => {
    const found = files.flatMap((f) => violations(f, readFileSync(join(SRC, f), "utf8")));
    expect(found).toEqual([]);
    // Parsing the whole tree takes ~4 s on a loaded 2-core machine, and grows with the tree.
  }, 30_000);

  test("the exempt port implementations exist under their names", () => {
    for (const [file, names] of Object.entries(PORT_IMPLEMENTATIONS)) {
      const text = readFileSync(join(SRC, file), "utf8");
      for (const name of names) expect(text).toMatch(new RegExp(`(class|function|const) ${name}\\b`));
    }
  });
});

/** What the checker finds in one in-memory file: planted violations must be caught. */
const caught = (path: string, text: string): string[] => violations(path, text);

describe("the checker catches planted layering violations", () => {
  test("an import up the picture", () => {
    expect(caught("runtime/x.ts", `import { serve } from "../server/serve.ts";`)).toEqual([
      "runtime/x.ts imports server (../server/serve.ts)",
    ]);
    expect(caught("check/x.ts", `export { a } from "../compile/graph.ts";`)).toEqual([
      "check/x.ts imports compile (../compile/graph.ts)",
    ]);
  });

  test("the language server reads policies only: syntax, check and compile, never serve, simulate or the runtime", () => {
    expect(caught("lsp/x.ts", `import { serve } from "../server/serve.ts";`)).toEqual([
      "lsp/x.ts imports server (../server/serve.ts)",
    ]);
    expect(caught("lsp/x.ts", `import { runSimulateCli } from "../simulate/cli.ts";`)).toEqual([
      "lsp/x.ts imports simulate (../simulate/cli.ts)",
    ]);
    expect(caught("lsp/x.ts", `import { lint } from "../cli/lint.ts";`)).toEqual([
      "lsp/x.ts imports cli (../cli/lint.ts)",
    ]);
    expect(
      caught(
        "lsp/x.ts",
        `import { compilePolicySource } from "../compile/index.ts";\nimport { formatPolicy } from "../syntax/format.ts";`,
      ),
    ).toEqual([]);
    expect(caught("cli/x.ts", `const { startServer } = await import("../lsp/server.ts");`)).toEqual([]);
  });

  test("an import of runtime internals from another layer, static, type-only or dynamic", () => {
    expect(caught("server/x.ts", `import { rawJsonOf } from "../runtime/stream/chunks.ts";`)).toEqual([
      "server/x.ts imports runtime internals (../runtime/stream/chunks.ts)",
    ]);
    expect(caught("providers/x.ts", `import type { Core } from "../runtime/flow/context.ts";`)).toHaveLength(1);
    expect(caught("simulate/x.ts", `const m = await import("../runtime/attempt/client-watch.ts");`)).toHaveLength(1);
    expect(
      caught(
        "server/x.ts",
        `import type { Engine } from "../runtime/api.ts";\nimport { createEngine } from "../runtime/engine.ts";`,
      ),
    ).toEqual([]);
    expect(caught("runtime/flow/x.ts", `import { prepare } from "../plan/request-plan.ts";`)).toEqual([]);
  });

  test("Bun.serve outside serve.ts", () => {
    expect(caught("server/app.ts", `Bun.serve({ fetch: () => new Response() });`)).toEqual([
      "server/app.ts calls Bun.serve",
    ]);
    expect(caught("server/serve.ts", `Bun.serve({ fetch: () => new Response() });`)).toEqual([]);
  });
});

describe("the checker catches planted ambient reads", () => {
  test("ambient clock reads: Date.now, new Date(), Date(), performance.*, process.hrtime", () => {
    expect(caught("runtime/x.ts", `const t = Date.now();`)).toEqual([
      "runtime/x.ts:1: Date.now (in t) reads the ambient world",
    ]);
    expect(caught("state/x.ts", `export function f() { return new Date().getTime(); }`)).toEqual([
      "state/x.ts:1: new Date() (in f) reads the ambient world",
    ]);
    expect(caught("compile/x.ts", `const s = Date();`)).toHaveLength(1);
    expect(caught("check/x.ts", `const t = performance.now();`)).toHaveLength(1);
    expect(caught("syntax/x.ts", `const o = performance.timeOrigin;`)).toHaveLength(1);
    expect(caught("providers/x.ts", `const [s] = process.hrtime();`)).toHaveLength(1);
    expect(caught("runtime/x.ts", `const d = new Date(0); const t = Date.UTC(2026, 0, 1);`)).toEqual([]);
  });

  test("ambient randomness: Math.random, crypto.*", () => {
    expect(caught("runtime/x.ts", `const r = Math.random();`)).toHaveLength(1);
    expect(caught("runtime/x.ts", `crypto.getRandomValues(new Uint32Array(1));`)).toEqual([
      "runtime/x.ts:1: crypto.getRandomValues reads the ambient world",
    ]);
    expect(caught("state/x.ts", `const id = crypto.randomUUID();`)).toHaveLength(1);
    expect(caught("runtime/x.ts", `import { randomUUID as id } from "node:crypto";`)).toEqual([
      "runtime/x.ts: import of randomUUID from node:crypto reads the ambient world",
    ]);
    expect(caught("state/x.ts", `import * as c from "node:crypto";`)).toHaveLength(1);
    expect(caught("runtime/x.ts", `import { createHash } from "node:crypto";`)).toEqual([]);
  });

  test("ambient timers and globalThis, bare or through globalThis", () => {
    expect(caught("runtime/x.ts", `setTimeout(() => {}, 10);`)).toEqual([
      "runtime/x.ts:1: setTimeout() reads the ambient world",
    ]);
    expect(caught("runtime/x.ts", `globalThis.setTimeout(() => {}, 10);`)).toEqual([
      "runtime/x.ts:1: globalThis.setTimeout reads the ambient world",
    ]);
    expect(caught("providers/x.ts", `setInterval(tick, 1000);`)).toHaveLength(1);
    expect(caught("compile/x.ts", `setImmediate(next);`)).toHaveLength(1);
    expect(caught("runtime/x.ts", `import { setTimeout as wait } from "node:timers/promises";`)).toEqual([
      "runtime/x.ts: import from node:timers/promises reads the ambient world",
    ]);
    expect(caught("providers/x.ts", `import { performance as p } from "node:perf_hooks";`)).toHaveLength(1);
    expect(caught("runtime/x.ts", `queueMicrotask(next);`)).toEqual([]);
  });

  test("network outside the transport", () => {
    expect(caught("providers/x.ts", `export async function get(u: string) { return fetch(u); }`)).toEqual([
      "providers/x.ts:1: fetch() (in get) reads the ambient world",
    ]);
    expect(caught("runtime/x.ts", `await globalThis.fetch("http://example.com");`)).toHaveLength(1);
    expect(caught("providers/x.ts", `export const t = { fetch: (u: string) => transport.fetch(u) };`)).toEqual([]);
  });

  test("port implementations are exempt by name, not by file name", () => {
    const clock = `export class SystemClock { now() { return Date.now(); } }`;
    expect(caught("ports/system-clock.ts", clock)).toEqual([]);
    expect(caught("ports/system-clock.ts", `${clock}\nexport const leak = Date.now();`)).toHaveLength(1);
    expect(caught("runtime/my-clock.ts", clock)).toHaveLength(1);
  });

  test("comments, strings and shadowing names are not reads", () => {
    expect(caught("runtime/x.ts", `// Date.now() is never read here\nconst s = "Math.random()";`)).toEqual([]);
    expect(caught("runtime/x.ts", `function f(performance: { now(): number }) { return performance.now(); }`)).toEqual(
      [],
    );
  });
});
