// How each simulated upstream behaves during the run, from the scenario: latencies drawn from its
// distributions, a base error rate, fault windows, and the upstream's own quota running out. This
// decides only what the upstream does; what the gateway makes of it is the engine's business.
import type { ModelNode, ProviderNode } from "../compile/graph.ts";
import { DEFAULT_SIM_PROFILE, profileBehaviour, type SimBehaviour, type SimFault } from "../providers/index.ts";
import type { Random } from "../runtime/ports.ts";
import { WINDOW_MS } from "../syntax/vocabulary.ts";
import { sample } from "./distribution.ts";
import type { BehaviourSpec, Dist, FaultWindow, Scenario, UpstreamQuota } from "./scenario-types.ts";

interface Resolved {
  ttft: Dist;
  perToken: Dist;
  errorRate: number;
  errorStatus: number;
  faults: FaultWindow[];
  quotas: { key: string; quota: UpstreamQuota }[];
}

interface QuotaUse {
  window: number;
  requests: number;
  tokens: number;
}

/** One attempt as the upstream sees it: how long the reply would be and how big the prompt is. */
export interface CallShape {
  outputTokens: number;
  promptTokens: number;
}

/** What decides each simulated attempt: a scenario's behaviour, or a replayed log's script. */
export interface UpstreamSource {
  /** `requestId`: the request the attempt belongs to (a replay plays that request's own answers). */
  decide(model: ModelNode, provider: ProviderNode, now: number, call: CallShape, requestId?: string): SimBehaviour;
  faultsOf(model: ModelNode): FaultWindow[];
  /** The request has finished: drop anything kept for it. */
  forget?(requestId: string): void;
}

export class UpstreamBehaviour implements UpstreamSource {
  readonly #resolved = new Map<string, Resolved>();
  readonly #quotaUse = new Map<string, QuotaUse>();

  constructor(
    private readonly scenario: Scenario,
    private readonly random: Random,
    /** Clock time of the run start: scenario times are relative to it. */
    private readonly origin: number,
  ) {}

  /** The behaviour of one attempt on `model` starting at clock time `now`. */
  decide(model: ModelNode, provider: ProviderNode, now: number, call: CallShape): SimBehaviour {
    if (!this.scenario.models[model.name] && !this.scenario.providers[provider.name]) {
      // Not in the scenario: the policy's own `sim` profile (outages included) decides.
      const b = profileBehaviour(model, provider, now - this.origin, this.random);
      b.outputTokens = call.outputTokens;
      return b;
    }
    const r = this.#resolve(model, provider);
    const t = now - this.origin;
    const b: SimBehaviour = {
      ttftMs: sample(r.ttft, this.random),
      perTokenMs: sample(r.perToken, this.random),
      outputTokens: call.outputTokens,
      fault: null,
    };
    for (const f of r.faults) {
      if (t >= f.atMs && t < f.atMs + f.forMs && (f.share >= 1 || this.random.next() < f.share)) {
        b.fault = toSimFault(f);
        return b;
      }
    }
    if (this.#quotaSpent(r, t, call)) {
      b.fault = { kind: "quota" };
      return b;
    }
    if (r.errorRate > 0 && this.random.next() < r.errorRate) b.fault = { kind: "status", status: r.errorStatus };
    return b;
  }

  /** Fault windows that apply to a model (its own and its provider's), for expectation checks. */
  faultsOf(model: ModelNode): FaultWindow[] {
    return [
      ...(this.scenario.models[model.name]?.faults ?? []),
      ...(this.scenario.providers[model.provider]?.faults ?? []),
    ];
  }

  #quotaSpent(r: Resolved, t: number, call: CallShape): boolean {
    let spent = false;
    for (const { key, quota } of r.quotas) {
      const window = Math.floor(t / WINDOW_MS[quota.per]);
      let use = this.#quotaUse.get(key);
      if (use === undefined || use.window !== window) {
        use = { window, requests: 0, tokens: 0 };
        this.#quotaUse.set(key, use);
      }
      if (
        (quota.requests !== null && use.requests >= quota.requests) ||
        (quota.tokens !== null && use.tokens >= quota.tokens)
      )
        spent = true;
    }
    if (spent) return true;
    for (const { key } of r.quotas) {
      const use = this.#quotaUse.get(key)!;
      use.requests++;
      use.tokens += call.promptTokens + call.outputTokens;
    }
    return false;
  }

  #resolve(model: ModelNode, provider: ProviderNode): Resolved {
    let r = this.#resolved.get(model.name);
    if (r !== undefined) return r;
    const m: Partial<BehaviourSpec> = this.scenario.models[model.name] ?? {};
    const p: Partial<BehaviourSpec> = this.scenario.providers[provider.name] ?? {};
    const profile = provider.sim ?? DEFAULT_SIM_PROFILE;
    const quotas: Resolved["quotas"] = [];
    if (m.quota) quotas.push({ key: `model:${model.name}`, quota: m.quota });
    if (p.quota) quotas.push({ key: `provider:${provider.name}`, quota: p.quota });
    r = {
      ttft: m.ttftMs ?? p.ttftMs ?? { kind: "fixed", value: profile.ttftMs },
      perToken: m.perTokenMs ?? p.perTokenMs ?? { kind: "fixed", value: profile.perTokenMs },
      errorRate: m.errorRate ?? p.errorRate ?? 0,
      errorStatus: m.errorStatus ?? p.errorStatus ?? profile.errorStatus,
      faults: [...(m.faults ?? []), ...(p.faults ?? [])],
      quotas,
    };
    this.#resolved.set(model.name, r);
    return r;
  }
}

function toSimFault(f: FaultWindow): SimFault {
  switch (f.fault) {
    case "status":
      return f.retryAfterMs === null
        ? { kind: "status", status: f.status }
        : { kind: "status", status: f.status, retryAfterMs: f.retryAfterMs, retryAfterDate: f.retryAfterDate };
    case "slow_first_token":
      return { kind: "slow_first_token", ms: f.delayMs };
    case "stall_after":
    case "cut_after":
    case "error_event":
    case "length_stop":
      return { kind: f.fault, tokens: f.tokens };
    default:
      return { kind: f.fault };
  }
}
