// Policies and a scenario for the `--compare` tests, written to a temporary folder per test file
// (removed after that file's tests; bun shares one module between files, so this is a function):
// the two-model fixture, the same without its fallback, and both orders with breakers that never open.
import { afterAll } from "bun:test";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { TWO_MODELS } from "./helpers.ts";

export function compareFixtures() {
  const dir = mkdtempSync(join(tmpdir(), "switchyard-compare-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const file = (name: string, text: string): string => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };

  const chainOf = (chain: string) =>
    readFileSync(TWO_MODELS, "utf8").replace("otherwise -> [a, b]", `otherwise -> ${chain}`);
  /** The two-model policy without the fallback to `b`. */
  const NO_FALLBACK = file("no-fallback.route", chainOf("[a]"));
  // Breakers that never open, so every request calls its models (for the alignment check).
  const lax = (chain: string) => chainOf(chain).replace(/breaker \{ failures 3 /, "breaker { failures 1000 ");
  const LAX_AB = file("lax-ab.route", lax("[a, b]"));
  /** The same models tried the other way round. */
  const LAX_BA = file("lax-ba.route", lax("[b, a]"));

  // `main` (model a) answers 503 for 10 of the 30 seconds: only a fallback keeps those requests.
  const OUTAGE = file(
    "outage.yaml",
    `duration: 30s
seed: 3
traffic: [{ route: chat, rate: 10/s, mix: { stream: 50% } }]
providers:
  main: { ttft: { median: 100ms, p95: 400ms }, faults: [{ at: 10s, for: 10s, fault: status, status: 503 }] }
  spare: { ttft: { median: 150ms, p95: 500ms } }
`,
  );
  return { dir, file, NO_FALLBACK, LAX_AB, LAX_BA, OUTAGE };
}
