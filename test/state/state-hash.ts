// A hash of a state that ignores key order, so "the state the child wrote" and "the state the
// test read back" compare equal exactly when their contents are equal.
import type { RuntimeState } from "../../src/runtime/api.ts";

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(",")}}`;
  }
  if (typeof value === "number" && !Number.isFinite(value)) return String(value); // keep -Infinity distinct from null
  return JSON.stringify(value);
}

export function stateHash(state: RuntimeState): string {
  return Bun.hash(canonical(state)).toString(16);
}
