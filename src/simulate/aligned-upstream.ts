// Upstream luck that belongs to the request, not to the order of calls: for `--compare`, each
// attempt's draws (latency, error rate, partial fault windows) come from a random seeded by the run
// seed, the request, the model and how many times this request has called that model. Two policies
// that try models in a different order then still see the same model behave the same way for the
// same request; with one shared sequence, the first extra call would shift every later draw.
import type { ModelNode, ProviderNode } from "../compile/graph.ts";
import type { SimBehaviour } from "../providers/index.ts";
import type { Random } from "../runtime/ports.ts";
import { SeededRandom } from "../ports/seeded-random.ts";
import type { Scenario } from "./scenario-types.ts";
import { deriveSeed } from "./seeds.ts";
import { UpstreamBehaviour, type CallShape, type UpstreamSource } from "./upstream-behaviour.ts";
import type { FaultWindow } from "./scenario-types.ts";

/** A Random whose sequence can be restarted from a new seed between draws. */
class ReseedableRandom implements Random {
  #inner = new SeededRandom(0);
  reseed(seed: number): void {
    this.#inner = new SeededRandom(seed);
  }
  next(): number {
    return this.#inner.next();
  }
}

export class AlignedUpstream implements UpstreamSource {
  readonly #random = new ReseedableRandom();
  readonly #inner: UpstreamBehaviour;
  /** Calls so far per request id, per model: the attempt number that seeds the next draw. */
  readonly #calls = new Map<string, Map<string, number>>();

  constructor(
    scenario: Scenario,
    private readonly seed: number,
    origin: number,
  ) {
    this.#inner = new UpstreamBehaviour(scenario, this.#random, origin);
  }

  decide(model: ModelNode, provider: ProviderNode, now: number, call: CallShape, requestId?: string): SimBehaviour {
    const id = requestId ?? "";
    let calls = this.#calls.get(id);
    if (calls === undefined) this.#calls.set(id, (calls = new Map()));
    const attempt = (calls.get(model.name) ?? 0) + 1;
    calls.set(model.name, attempt);
    this.#random.reseed(deriveSeed(this.seed, `upstream|${id}|${model.name}|${attempt}`));
    return this.#inner.decide(model, provider, now, call);
  }

  faultsOf(model: ModelNode): FaultWindow[] {
    return this.#inner.faultsOf(model);
  }

  forget(requestId: string): void {
    this.#calls.delete(requestId);
  }
}
