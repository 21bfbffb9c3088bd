// Fixed-window quotas and budgets (requests, tokens, usd) per model and per provider. Windows are
// multiples of their length from the clock's epoch; day and month follow UTC calendar days and
// months. A spent quota makes the engine skip the model until the window resets, which is how
// free tiers chain into paid ones.
import type { LimitNode } from "../../compile/graph.ts";
import { windowBounds } from "../../syntax/vocabulary.ts";
import type { QuotaState } from "../api.ts";

export interface QuotaSlot {
  key: string;
  limit: LimitNode;
  state: QuotaState;
  /**
   * The window `roll` last computed, `[start, end)`: while the state still starts there and the
   * clock is inside it, the window is current without the calendar maths (a month's end is four
   * Date calls, and a key with three limits rolls each one on every request). Not state: never saved.
   */
  window?: { start: number; end: number };
}

export interface UsageAmounts {
  requests: number;
  tokens: number;
  usd: number;
}

export function quotaKey(owner: "model" | "provider" | "key" | "team", name: string, limit: LimitNode): string {
  return `${owner}:${name}:${limit.metric}:${limit.window}`;
}

function roll(slot: QuotaSlot, now: number): void {
  const known = slot.window;
  if (known !== undefined && known.start === slot.state.windowStart && now >= known.start && now < known.end) return;
  const [start, end] = windowBounds(slot.limit.window, now);
  if (slot.state.windowStart !== start) {
    slot.state.windowStart = start;
    slot.state.used = 0;
  }
  slot.window = { start, end };
}

export function isSpent(slot: QuotaSlot, now: number): boolean {
  roll(slot, now);
  return slot.state.used >= slot.limit.amount;
}

export function resetsAt(slot: QuotaSlot, now: number): number {
  return windowBounds(slot.limit.window, now)[1];
}

export function addUsage(slot: QuotaSlot, now: number, amounts: UsageAmounts): void {
  roll(slot, now);
  slot.state.used += amounts[slot.limit.metric];
}

/** The upstream said the quota is gone: treat it as spent until this window ends. */
export function markSpent(slot: QuotaSlot, now: number): void {
  roll(slot, now);
  slot.state.used = Math.max(slot.state.used, slot.limit.amount);
}
