// Holds a streamed tool call until it is complete, then releases it as one delta. Every client
// consumes a tool call's arguments whole, so showing them fragment by fragment buys nothing; but a
// fragment that has been sent cannot be taken back: a stream that broke inside a tool call could
// then neither restart nor continue. Held, a broken call was never seen by the client, and the next
// candidate starts over cleanly. A call is complete when its arguments parse as JSON, when a delta
// for another call starts, or when the choice finishes (`stream { tool_calls hold }`, the default).
type ToolCallDelta = Record<string, unknown> & { index?: unknown; function?: Record<string, unknown> };

interface HeldCall {
  index: unknown;
  /** The call's first delta (id, type, name), with `function.arguments` replaced on release. */
  first: ToolCallDelta;
  args: string;
}

const NONE: readonly ToolCallDelta[] = [];

/** Whether `args` is a whole JSON value; parsed only when it could be (ends like an object or array). */
function completeJson(args: string): boolean {
  const end = args.trimEnd();
  const last = end.charCodeAt(end.length - 1);
  if (last !== 125 && last !== 93) return false; // `}` or `]`
  try {
    JSON.parse(end);
    return true;
  } catch {
    return false;
  }
}

/** A delta of another call than the held one: another index, or (deltas without one) another id. */
function startsAnother(held: HeldCall, delta: ToolCallDelta): boolean {
  if (delta.index !== undefined && delta.index !== held.index) return true;
  return delta.id !== undefined && held.first.id !== undefined && delta.id !== held.first.id;
}

function released(call: HeldCall): ToolCallDelta {
  return { ...call.first, function: { ...call.first.function, arguments: call.args } };
}

export class ToolCallHold {
  /** Per choice index: the call being held, if any. */
  readonly #held = new Map<number, HeldCall>();

  /** Takes a choice's tool-call deltas; returns the calls complete now (usually none). */
  push(choice: number, deltas: readonly unknown[]): readonly ToolCallDelta[] {
    let out: ToolCallDelta[] | null = null;
    for (const raw of deltas) {
      if (typeof raw !== "object" || raw === null) continue;
      const delta = raw as ToolCallDelta;
      let held = this.#held.get(choice);
      if (held !== undefined && startsAnother(held, delta)) {
        (out ??= []).push(released(held)); // the next call started: the previous one is whole
        held = undefined;
      }
      const fragment = typeof delta.function?.arguments === "string" ? delta.function.arguments : "";
      if (held === undefined) {
        held = { index: delta.index, first: delta, args: fragment };
        this.#held.set(choice, held);
      } else {
        held.args += fragment;
        // later deltas may fill in what the first lacked (some servers send the name late)
        if (held.first.id === undefined && delta.id !== undefined) held.first = { ...held.first, id: delta.id };
        if (held.first.function?.name === undefined && delta.function?.name !== undefined)
          held.first = { ...held.first, function: { ...held.first.function, name: delta.function.name } };
      }
      if (completeJson(held.args)) {
        (out ??= []).push(released(held));
        this.#held.delete(choice);
      }
    }
    return out ?? NONE;
  }

  /**
   * What of a choice's tool-call deltas goes out now (`undefined`: nothing): the calls completed by
   * `deltas`, and when the choice `finished`, whatever it still held.
   */
  take(choice: number, deltas: unknown, finished: boolean): unknown[] | undefined {
    const done = Array.isArray(deltas) && deltas.length > 0 ? this.push(choice, deltas) : NONE;
    const rest = finished ? this.flush(choice) : NONE;
    if (done.length === 0 && rest.length === 0) return undefined;
    return rest.length === 0 ? [...done] : [...done, ...rest];
  }

  /** The choice finished: whatever it still holds is whole. */
  flush(choice: number): readonly ToolCallDelta[] {
    const held = this.#held.get(choice);
    if (held === undefined) return NONE;
    this.#held.delete(choice);
    return [released(held)];
  }
}
