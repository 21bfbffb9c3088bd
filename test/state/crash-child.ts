// Child process for the crash-safety test: a gateway stand-in whose state changes constantly
// and is snapshotted every few milliseconds. It logs the hash of every state handed to the
// writer (synchronously, before the write starts), so the parent can check that whatever it
// finds on disk after a SIGKILL is a state that was really written, never a blend or a fragment.
// usage: bun crash-child.ts <state file> <hash log> <interval ms> <models>
import { appendFileSync } from "node:fs";
import type { RuntimeState } from "../../src/runtime/api.ts";
import { SystemClock } from "../../src/ports/system-clock.ts";
import { attachSnapshots } from "../../src/state/attach.ts";
import { stateHash } from "./state-hash.ts";

const [path, log, intervalText, modelsText] = process.argv.slice(2);
const models = Number(modelsText);
let live: RuntimeState | null = null;

const snapshots = await attachSnapshots({
  path,
  intervalMs: Number(intervalText),
  clock: new SystemClock(),
  getState: () => {
    const state = live!;
    appendFileSync(log, `${stateHash(state)}\n`);
    process.stdout.write("begin\n");
    return state;
  },
  onError: (message) => process.stderr.write(`${message}\n`),
  onWrite: () => process.stdout.write("wrote\n"),
});
live = snapshots.state;
for (let i = 0; i < models; i++) {
  const name = `model-${i}`;
  live.breakers[name] ??= {
    phase: "closed",
    consecutiveFailures: 0,
    openedAt: null,
    probesInFlight: 0,
    probeSuccesses: 0,
  };
  live.windows[name] ??= { bucketMs: 0, buckets: [], latencyEwmaMs: null, ttftEwmaMs: null, tokensPerSecEwma: null };
  live.counters[name] ??= { requests: 0, successes: 0, failures: 0, tokensIn: 0, tokensOut: 0, costUsd: 0 };
  live.quotas[`model:${name}:tokens:hour`] ??= { windowStart: Number.NEGATIVE_INFINITY, used: 0 };
}

let tick = 0;
function mutate(): void {
  const state = live!;
  for (let n = 0; n < 50; n++) {
    tick++;
    const name = `model-${tick % models}`;
    const c = state.counters[name];
    c.requests++;
    c.tokensOut += tick % 7;
    c.costUsd += 0.0001;
    state.breakers[name].consecutiveFailures = tick % 5;
    state.windows[name].latencyEwmaMs = (tick % 1000) + 0.5;
    state.cursors[`chat#${tick % 3}`] = tick;
    state.sticky[`user-${tick % 100}`] = name;
  }
}
setInterval(mutate, 1);
process.stdout.write(`ready ${snapshots.load.outcome}\n`);
