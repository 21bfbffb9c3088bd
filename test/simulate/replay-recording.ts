// Records a request log the way production would: the real gateway on 127.0.0.1 (fault-harness
// rig), each of the policy's providers pointed at a mock upstream whose script fails by call
// number, and clients sending the requests one after another. The log lines are serve's own.
import type { Graph } from "../../src/compile/graph.ts";
import { startRig } from "../server/fault-harness.ts";
import {
  completionBody,
  finish,
  json,
  mockUpstream,
  openaiError,
  sse,
  words,
  type Reply,
} from "../server/mock-upstream.ts";

/** What a model's upstream does on its `n`-th call (0-based), `elapsedMs` after the recording began. */
export type UpstreamPlan = (
  n: number,
  stream: boolean,
  elapsedMs: number,
) => "ok" | "cut" | { status: number; retryAfterMs?: number };

function reply(model: string, plan: ReturnType<UpstreamPlan>, stream: boolean): Reply {
  if (typeof plan === "object") {
    const headers: Record<string, string> = plan.retryAfterMs ? { "retry-after-ms": String(plan.retryAfterMs) } : {};
    return openaiError(plan.status, `mock ${plan.status}`, null, headers);
  }
  const usage = { prompt_tokens: 12, completion_tokens: 4, total_tokens: 16 };
  if (!stream) return json(completionBody(model, "one two three four", usage));
  if (plan === "cut") return sse([...words(model, ["one", "two"], 2), { end: "close" }]);
  return sse([...words(model, ["one", "two", "three", "four"], 2), ...finish(model, usage), { end: "done" }]);
}

export interface RecordOptions {
  /** Every `streamEvery`-th request streams (default 2). */
  streamEvery?: number;
  /** Waits before sending request `i` (the example recording paces its traffic; tests send at once). */
  pace?: (i: number) => Promise<void>;
}

/** One mock upstream per provider; each call answers as its model's plan says (the model by upstream name). */
function mocksFor(graph: Graph, plans: Record<string, UpstreamPlan>, started: number) {
  const byUpstream = new Map(graph.models.map((m) => [m.upstream, m.name]));
  const counts = new Map<string, number>();
  return new Map(
    graph.providers.map((p) => [
      p.name,
      mockUpstream((_n, body) => {
        const model = byUpstream.get(String(body.model)) ?? "";
        const n = counts.get(model) ?? 0;
        counts.set(model, n + 1);
        const stream = body.stream === true;
        return reply(model, (plans[model] ?? (() => "ok"))(n, stream, performance.now() - started), stream);
      }),
    ]),
  );
}

/** Sends `count` chat requests to the policy's `chat` route through the real gateway; returns serve's log lines. */
export async function recordLog(
  graph: Graph,
  plans: Record<string, UpstreamPlan>,
  count: number,
  opts: RecordOptions = {},
): Promise<string[]> {
  const mocks = mocksFor(graph, plans, performance.now());
  const live: Graph = {
    ...graph,
    providers: graph.providers.map((p) => ({
      ...p,
      kind: "openai",
      baseUrl: mocks.get(p.name)!.url,
      keyEnv: "UPSTREAM_KEY",
      sim: null,
    })),
  };
  const rig = startRig(live);
  try {
    for (let i = 0; i < count; i++) {
      await opts.pace?.(i);
      const res = await rig.chat({ model: "chat", stream: i % (opts.streamEvery ?? 2) === 0 });
      await res.text();
    }
    // a line is written when its request ends, which reading the response above waited for
    return rig.logs.filter((l) => l.includes('"event":"request"'));
  } finally {
    rig.stop();
    for (const m of mocks.values()) m.stop();
  }
}
