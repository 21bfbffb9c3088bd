// The README's `npm install` must leave a fresh clone as it was and quiet: package-lock.json agrees
// with package.json (else npm rewrites it), every dependency install script is reviewed in
// `allowScripts` (else npm warns, or fails under strict-allow-scripts), and the start script execs
// the gateway so a signal sent to `npm run serve` reaches it (see test/server/npm-serve.test.ts).
import { expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";

const ROOT = join(import.meta.dir, "../..");
const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8"));
const lock = JSON.parse(readFileSync(join(ROOT, "package-lock.json"), "utf8"));

test("package-lock.json records the same dependency ranges as package.json", () => {
  const root = lock.packages[""];
  expect(root.dependencies).toEqual(pkg.dependencies);
  expect(root.devDependencies).toEqual(pkg.devDependencies);
});

test("every locked package with an install script is reviewed in allowScripts", () => {
  const withScripts = Object.entries(lock.packages as Record<string, { hasInstallScript?: boolean }>)
    .filter(([, entry]) => entry.hasInstallScript === true)
    .map(([path]) => path.slice(path.lastIndexOf("node_modules/") + "node_modules/".length));
  expect(withScripts.length).toBeGreaterThan(0); // bun's postinstall, at least
  for (const name of withScripts) expect(Object.hasOwn(pkg.allowScripts ?? {}, name)).toBe(true);
});

test("the start script execs the gateway instead of leaving a shell between npm and it", () => {
  expect(pkg.scripts.serve).toMatch(/^exec bun /);
});
