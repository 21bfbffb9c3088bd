// The upstream side of a replay: what each model did, attempt by attempt, as the log recorded it,
// turned into the simulated providers' behaviour (status, TTFT, throughput, breaks), per request
// and, for attempts the log has no counterpart for, per model over time.
import type { ModelNode, ProviderNode } from "../../compile/graph.ts";
import { DEFAULT_SIM_PROFILE, type SimBehaviour, type SimFault } from "../../providers/index.ts";
import type { CallShape, UpstreamSource } from "../upstream-behaviour.ts";
import type { LoggedAttempt, LoggedRequest } from "./log-read.ts";

/** One logged attempt as the upstream's behaviour, at its time in the replay (ms from its start). */
export interface ScriptedAttempt {
  model: string;
  atMs: number;
  ttftMs: number;
  perTokenMs: number;
  fault: SimFault | null;
}

/** The fault a logged attempt's class stands for; null for an answer that came through. */
export function faultOf(a: LoggedAttempt): SimFault | null {
  switch (a.cls) {
    case "ok":
    case "cancelled":
      return null;
    case "timeout":
      // The log says how long we waited, not how long the upstream would have taken: assume never.
      return a.phase === "idle" || (a.phase === "total" && a.ttftMs !== null)
        ? { kind: "stall_after", tokens: 1 }
        : { kind: "no_response" };
    case "cut":
      return { kind: "cut_after", tokens: 1 };
    case "reset":
    case "connect":
      return { kind: "reset" };
    case "malformed":
    case "context_length":
    case "content_policy":
    case "quota":
      return { kind: a.cls };
    default:
      if (a.status === null || a.status < 400) return { kind: "reset" };
      return a.retryAfterMs === undefined
        ? { kind: "status", status: a.status }
        : { kind: "status", status: a.status, retryAfterMs: a.retryAfterMs };
  }
}

/** A logged request's attempts, in order, as upstream behaviour at their times in the replay. */
export function scriptedAttempts(r: LoggedRequest, origin: number, speed: number): ScriptedAttempt[] {
  return r.attempts.map((a) => {
    const ttftMs = a.ttftMs ?? a.durationMs;
    // a stream's first token comes at ttft and each later one a token's time after it
    const served = a.cls === "ok" && a.model === r.servedModel && r.stream && r.tokens !== null;
    const perTokenMs = served && r.tokens!.out > 1 ? Math.max(0, a.durationMs - ttftMs) / (r.tokens!.out - 1) : 0;
    return {
      model: a.model,
      atMs: (r.arrivedAt + (a.at ?? 0) - origin) / speed,
      ttftMs,
      perTokenMs,
      fault: faultOf(a),
    };
  });
}

/** Every attempt of the log per model, in time order: how each model behaved over the log's span. */
export function attemptsByModel(scripts: readonly ScriptedAttempt[][]): Map<string, ScriptedAttempt[]> {
  const byModel = new Map<string, ScriptedAttempt[]>();
  for (const list of scripts)
    for (const a of list) {
      let own = byModel.get(a.model);
      if (own === undefined) byModel.set(a.model, (own = []));
      own.push(a);
    }
  for (const list of byModel.values()) list.sort((a, b) => a.atMs - b.atMs);
  return byModel;
}

/**
 * The replay's upstreams. A replayed request's attempt on a model plays that request's own next
 * logged attempt on the model: the same policy meets the same answers, even where a breaker's
 * probe falls a request earlier or later than in the log. An attempt the log has no counterpart
 * for (another policy, or a probe that moved) plays the model's logged attempt nearest in time.
 */
export class ReplayBehaviour implements UpstreamSource {
  readonly #played = new Map<number, Uint8Array>();

  constructor(
    /** Per replayed request (by seq), its logged attempts. */
    private readonly own: readonly ScriptedAttempt[][],
    /** Every logged attempt per model, window or not, in time order. */
    private readonly byModel: ReadonlyMap<string, readonly ScriptedAttempt[]>,
    /** Clock time of the replay's start. */
    private readonly origin: number,
  ) {}

  decide(model: ModelNode, provider: ProviderNode, now: number, call: CallShape, requestId?: string): SimBehaviour {
    const pick = this.#ownAttempt(model.name, requestId) ?? this.#nearby(model.name, now - this.origin);
    if (pick === null) {
      // Never called in the log: its policy profile's speed, healthy.
      const p = provider.sim ?? DEFAULT_SIM_PROFILE;
      return { ttftMs: p.ttftMs, perTokenMs: p.perTokenMs, outputTokens: call.outputTokens, fault: null };
    }
    return { ttftMs: pick.ttftMs, perTokenMs: pick.perTokenMs, outputTokens: call.outputTokens, fault: pick.fault };
  }

  faultsOf(): [] {
    return [];
  }

  /** The request's next logged attempt on `model` not yet played (requests are `sim-<seq>`). */
  #ownAttempt(model: string, requestId: string | undefined): ScriptedAttempt | null {
    const seq = requestId?.startsWith("sim-") ? Number(requestId.slice(4)) : -1;
    const list = this.own[seq];
    if (list === undefined) return null;
    let played = this.#played.get(seq);
    if (played === undefined) this.#played.set(seq, (played = new Uint8Array(list.length)));
    for (let i = 0; i < list.length; i++) {
      if (played[i] === 0 && list[i].model === model) {
        played[i] = 1;
        return list[i];
      }
    }
    return null;
  }

  #nearby(model: string, t: number): ScriptedAttempt | null {
    const list = this.byModel.get(model);
    return list === undefined || list.length === 0 ? null : list[nearest(list, t)];
  }
}

/** Index of the logged attempt closest in time to `t` (binary search on the sorted list). */
function nearest(list: readonly ScriptedAttempt[], t: number): number {
  let lo = 0;
  let hi = list.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (list[mid].atMs < t) lo = mid + 1;
    else hi = mid;
  }
  return lo > 0 && t - list[lo - 1].atMs <= list[lo].atMs - t ? lo - 1 : lo;
}
