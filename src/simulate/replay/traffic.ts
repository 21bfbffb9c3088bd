// The traffic side of a replay: each logged request becomes one simulated request at the same
// offset from the log's start (divided by `speed`), with its route, key, stream flag and sizes.
// A request that failed before usage was known gets its route's median reply length.
import { plainChatRequest, type SimRequest } from "../traffic.ts";
import type { LoggedRequest } from "./log-read.ts";

const DEFAULT_OUTPUT_TOKENS = 200;
const DEFAULT_PROMPT_TOKENS = 500;

/** Replies' median length per route, from the requests that report usage. */
function medianOutputs(requests: readonly LoggedRequest[]): Map<string, number> {
  const outs = new Map<string, number[]>();
  for (const r of requests) {
    if (r.tokens === null) continue;
    let list = outs.get(r.route);
    if (list === undefined) outs.set(r.route, (list = []));
    list.push(r.tokens.out);
  }
  const medians = new Map<string, number>();
  for (const [route, list] of outs) medians.set(route, list.sort((a, b) => a - b)[Math.floor(list.length / 2)]);
  return medians;
}

export function replayTraffic(requests: readonly LoggedRequest[], origin: number, speed: number): SimRequest[] {
  const medians = medianOutputs(requests);
  return requests.map((r, seq) =>
    plainChatRequest(
      seq,
      (r.arrivedAt - origin) / speed,
      r.route,
      {
        stream: r.stream,
        promptTokens: r.tokens?.in ?? DEFAULT_PROMPT_TOKENS,
        outputTokens: Math.max(1, r.tokens?.out ?? medians.get(r.route) ?? DEFAULT_OUTPUT_TOKENS),
      },
      r.key,
    ),
  );
}
