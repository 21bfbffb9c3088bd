// Cases about what may be sent where: a context-length refusal (move to a larger window or fail
// cleanly, never resend unchanged), a content-policy refusal (not retried), a flapping primary
// (one probe per cool-down) and a thundering herd of concurrent requests during an outage.
import { fault } from "./build.ts";
import { attemptsOf, attemptsOn, failedRequests, hung, verdict } from "./judge.ts";
import type { FaultCase } from "./types.ts";

const contextLength: FaultCase = {
  id: "context-length",
  title: "context length exceeded: move to a larger window or fail cleanly, never resend unchanged",
  setup: () => ({ durationMs: 10_000, traffic: [{ count: 3, toMs: 10_000 }], faults: [fault("context_length")] }),
  judge: (r, run) => {
    const h = hung(run.rows);
    if (h) return h;
    const window = r.primary.contextWindow;
    const sizes = new Map([r.primary, ...r.alternatives].map((m) => [m.name, m.contextWindow]));
    for (const row of run.rows) {
      const after = attemptsOf(row).slice(attemptsOf(row).findIndex((a) => a.cls === "context_length") + 1);
      const resent = after.find((a) => (sizes.get(a.model) ?? 0) <= window);
      if (resent) return verdict("fail", `resent the prompt unchanged to \`${resent.model}\`, no larger window`);
    }
    if (run.rows.every((row) => row.ok)) return verdict("pass", `moved to \`${run.rows[0]!.servedModel}\``);
    return verdict("safe", "failed cleanly: no model with a larger window in the chain");
  },
};

const contentPolicy: FaultCase = {
  id: "content-policy",
  title: "a content-policy refusal: never retried on the same model",
  setup: () => ({ durationMs: 10_000, traffic: [{ count: 3, toMs: 10_000 }], faults: [fault("content_policy")] }),
  judge: (r, run) => {
    const h = hung(run.rows);
    if (h) return h;
    const retried = run.rows.find((row) => attemptsOn(row, r.primary.name).length > 1);
    if (retried)
      return verdict("fail", `sent a refused request to \`${r.primary.name}\` again (${retried.trail?.final})`);
    // only the requests that met the refusal: a round robin sends the others elsewhere
    const refused = run.rows.filter((row) => attemptsOn(row, r.primary.name).length > 0);
    if (r.settings.failoverOnContentPolicy) {
      const lost = refused.find((row) => !row.ok);
      if (!lost) return verdict("pass", "failed over to another model (`failover { on_content_policy true }`)");
      return verdict("fail", `a refusal was not failed over as the policy asks (${lost.trail?.final})`);
    }
    const wrong = refused.find((row) => row.ok || row.status !== 400);
    if (!wrong) return verdict("pass", "returned the refusal to the client (400), not retried");
    return verdict(
      "fail",
      `a refusal was answered with ${wrong.ok ? "another model's answer" : `status ${wrong.status}`}`,
    );
  },
};

/** Down 20 s, up 10 s, for three minutes: the breaker should open and probe once per cool-down. */
const FLAPS = Array.from({ length: 6 }, (_, i) => fault("status", { atMs: i * 30_000, forMs: 20_000 }));

const flapping: FaultCase = {
  id: "flapping-primary",
  title: "a primary that flaps down and up: the breaker opens and lets one probe through per cool-down",
  setup: (r) => ({
    durationMs: 180_000,
    traffic: [{ count: 360, toMs: 180_000 }],
    faults: FLAPS,
    expect: [{ check: "breaker_respected", model: r.primary.name }],
  }),
  judge: (r, run) => {
    const h = hung(run.rows);
    if (h) return h;
    if (!run.rows.every((row) => row.ok)) return failedRequests(r, run.rows, "a flapping primary");
    const respected = run.summary.expectations[0];
    if (respected && !respected.passed)
      return verdict("fail", `attempts reached an open breaker: ${respected.measured}`);
    const probes = tooManyProbes(r.primary.name, r.settings.breaker.probes, run);
    if (probes) return verdict("fail", probes);
    const opens = run.summary.breakers.filter((b) => b.model === r.primary.name && b.to === "open").length;
    if (opens === 0) return verdict("partial", `\`${r.primary.name}\`'s breaker never opened: every flap was paid for`);
    return verdict("pass", `breaker opened ${opens}×, at most ${r.settings.breaker.probes} probe per cool-down`);
  },
};

/** More attempts on `model` during one half-open spell than the breaker's probes: a reason, or null. */
function tooManyProbes(model: string, probes: number, run: Parameters<FaultCase["judge"]>[1]): string | null {
  const spells: [number, number][] = [];
  let since: number | null = null;
  for (const b of run.summary.breakers) {
    if (b.model !== model) continue;
    if (b.to === "half_open") since = b.at;
    else if (since !== null) spells.push([since, b.at]), (since = null);
  }
  const starts = run.rows.flatMap((row) => attemptsOn(row, model).map((a) => a.startedAt));
  for (const [from, to] of spells) {
    const n = starts.filter((t) => t >= from && t < to).length;
    if (n > probes) return `${n} attempts during one half-open spell, more than its ${probes} probe(s)`;
  }
  return null;
}

const herd: FaultCase = {
  id: "thundering-herd",
  title: "200 concurrent requests during an outage: all served elsewhere, no retry storm on the dead model",
  setup: () => ({ durationMs: 1000, traffic: [{ count: 200, toMs: 1000 }], faults: [fault("status")] }),
  judge: (r, run) => {
    const h = hung(run.rows);
    if (h) return h;
    if (!run.rows.every((row) => row.ok)) return failedRequests(r, run.rows, "an outage under a herd");
    const hits = run.rows.reduce((n, row) => n + attemptsOn(row, r.primary.name).length, 0);
    if (hits > run.rows.length)
      return verdict("partial", `${hits} attempts on the dead \`${r.primary.name}\` for ${run.rows.length} requests`);
    return verdict("pass", `${hits} attempts on the dead \`${r.primary.name}\` for ${run.rows.length} requests`);
  },
};

export const LOAD_CASES: FaultCase[] = [contextLength, contentPolicy, flapping, herd];
