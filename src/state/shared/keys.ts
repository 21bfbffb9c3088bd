// Key names in the shared store. Everything lives under a policy-chosen prefix (`state_prefix`), so
// several gateways, or staging and production, can share one Redis without seeing each other.
// Quota keys carry their window start: a new window is a new key, and the old one expires.

export interface SharedKeys {
  counter(key: string, windowStart: number): string;
  breaker(key: string): string;
  probe(key: string): string;
  window(model: string): string;
  sticky(key: string): string;
  readonly breakerChannel: string;
}

export function sharedKeys(prefix: string): SharedKeys {
  return {
    counter: (key, windowStart) => `${prefix}:q:${key}:${windowStart}`,
    breaker: (key) => `${prefix}:b:${key}`,
    probe: (key) => `${prefix}:p:${key}`,
    window: (model) => `${prefix}:w:${model}`,
    sticky: (key) => `${prefix}:s:${key}`,
    breakerChannel: `${prefix}:breakers`,
  };
}

/** How long after its window ends a counter is kept: covers clock skew between instances. */
export const COUNTER_GRACE_MS = 60_000;
