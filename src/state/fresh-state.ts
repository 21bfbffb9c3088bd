// The state a gateway starts with when there is no usable snapshot: nothing learned yet.
import type { RuntimeState } from "../runtime/api.ts";

export function freshState(): RuntimeState {
  return { breakers: {}, windows: {}, quotas: {}, cursors: {}, sticky: {}, counters: {} };
}
