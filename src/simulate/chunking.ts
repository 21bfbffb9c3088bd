// How coarse the simulator may make stream chunks. A stream with a token every 8 ms used to cost
// one clock instant (and one trip through the engine's stream supervision) per token; grouping
// tokens into chunks at least `chunkMs` apart cuts that several-fold for long simulated runs.
//
// The fidelity trade-off: tokens inside a group arrive together, when the group's last token is
// due, so mid-stream delivery is up to `chunkMs` late. What stays exact: the first token (TTFT and
// first_token timeouts), the end of the reply (latency and total timeouts), and the last token
// before a cut or a stall, so an idle timeout after a stall fires at the same virtual time. Only a
// request cut short mid-stream (a total timeout, a client leaving) can see fewer characters than
// per-token chunks would have delivered by then. Groups are kept under a quarter of the smallest
// idle timeout in the policy, so a group's gap can never be what trips an idle timeout.
import type { Graph } from "../compile/graph.ts";

/** The coarsest grouping used, whatever the idle timeouts allow. */
export const MAX_CHUNK_MS = 50;

/** The chunk spacing for simulating `graph`: at most MAX_CHUNK_MS, and under every idle timeout. */
export function streamChunkMs(graph: Graph): number {
  let idle = Number.POSITIVE_INFINITY;
  for (const route of graph.routes) for (const rule of route.rules) idle = Math.min(idle, rule.settings.timeout.idleMs);
  return Math.max(1, Math.min(MAX_CHUNK_MS, Math.floor(idle / 4)));
}
