// The provider adapters by kind, as the engine receives them. `simulate` replaces the whole set
// with simulated behaviour; `serve` uses these.
import type { AdapterSet } from "../runtime/upstream.ts";
import type { ProviderKind } from "../syntax/vocabulary.ts";
import { anthropicAdapter } from "./anthropic.ts";
import { openaiAdapter } from "./openai-compatible.ts";
import { simulatedAdapter } from "./simulated.ts";

export function defaultAdapters(): AdapterSet {
  const adapters: Record<ProviderKind, AdapterSet[string]> = {
    openai: openaiAdapter,
    anthropic: anthropicAdapter,
    simulated: simulatedAdapter,
  };
  return adapters;
}

export { anthropicAdapter } from "./anthropic.ts";
export { openaiAdapter } from "./openai-compatible.ts";
export { createSimulatedAdapter, simulatedAdapter } from "./simulated.ts";
export { DEFAULT_SIM_PROFILE, profileBehaviour } from "./sim-behaviour.ts";
export type { BehaviourSource, SimBehaviour, SimFault } from "./sim-behaviour.ts";
export { createNetworkTransport } from "./fetch-transport.ts";
