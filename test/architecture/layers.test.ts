// Enforces the design picture: imports flow one way (syntax → check → compile → runtime →
// providers → state → server/simulate → cli), the engine touches no ambient clock, randomness or
// network, and only serve.ts opens a listening socket.
import { describe, expect, test } from "bun:test";
import { readFileSync, readdirSync, statSync } from "node:fs";
import { join, relative, dirname, resolve } from "node:path";

const SRC = resolve(import.meta.dir, "../../src");

/** Which top-level src/ folders each folder may import from (besides itself and util). */
const ALLOWED: Record<string, string[]> = {
  util: [],
  syntax: [],
  check: ["syntax"],
  compile: ["syntax", "check"],
  runtime: ["syntax", "compile"],
  providers: ["syntax", "compile", "runtime"],
  state: ["syntax", "compile", "runtime"],
  ports: ["runtime"],
  server: ["syntax", "check", "compile", "runtime", "ports", "providers", "state"],
  simulate: ["syntax", "check", "compile", "runtime", "ports", "providers", "state"],
  cli: ["syntax", "check", "compile", "runtime", "ports", "providers", "state", "server", "simulate"],
};

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.(ts|js)$/.test(name) && !name.endsWith(".generated.js") ? [path] : [];
  });
}

function layerOf(file: string): string {
  return relative(SRC, file).split("/")[0];
}

function imports(file: string): string[] {
  const text = readFileSync(file, "utf8");
  const found: string[] = [];
  for (const m of text.matchAll(/(?:import|export)\s[^'"]*?from\s+["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)/g)) {
    found.push(m[1] ?? m[2]);
  }
  return found;
}

const files = sourceFiles(SRC);

/** Ambient time, randomness or network: a direct call, not a method signature like `fetch(url: string)`. */
const AMBIENT = /\b(Date\.now|setTimeout|setInterval|Math\.random|performance\.now)\s*\(|(?<![.\w])fetch\s*\((?![\w\s]*:)/;

/** Source text without comments, so prose about Date.now does not count. */
function codeOnly(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\//g, "").replace(/(^|[^:"'])\/\/.*$/gm, "$1");
}

describe("layering", () => {
  test("every src folder is a known layer", () => {
    const unknown = [...new Set(files.map(layerOf))].filter((l) => !(l in ALLOWED) && !l.includes("."));
    expect(unknown).toEqual([]);
  });

  test("imports only flow down the picture", () => {
    const violations: string[] = [];
    for (const file of files) {
      const from = layerOf(file);
      if (!(from in ALLOWED)) continue;
      for (const spec of imports(file)) {
        if (!spec.startsWith(".")) continue;
        const target = resolve(dirname(file), spec);
        if (!target.startsWith(SRC)) continue;
        const to = layerOf(target);
        if (to === from || to === "util") continue;
        if (!ALLOWED[from].includes(to)) violations.push(`${relative(SRC, file)} imports ${to} (${spec})`);
      }
    }
    expect(violations).toEqual([]);
  });
});

describe("one engine", () => {
  test("the runtime reads no ambient clock, randomness or network", () => {
    const offenders = files
      .filter((f) => layerOf(f) === "runtime" && !/(clock|random)[^/]*\.ts$/.test(f))
      .filter((f) => AMBIENT.test(codeOnly(readFileSync(f, "utf8"))))
      .map((f) => relative(SRC, f));
    expect(offenders).toEqual([]);
  });

  test("only src/server/serve.ts calls Bun.serve", () => {
    const callers = files.filter((f) => /Bun\.serve\s*\(/.test(readFileSync(f, "utf8"))).map((f) => relative(SRC, f));
    expect(callers.filter((f) => f !== "server/serve.ts")).toEqual([]);
  });
});
