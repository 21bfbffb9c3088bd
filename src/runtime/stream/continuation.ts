// Mid-stream failover: the request a fallback model gets so it continues the delivered text, and
// the trimmer that keeps a continuation which starts over from the beginning from showing the
// client the same text twice.
import { CAP_BIT } from "../../syntax/vocabulary.ts";
import type { ModelEntry } from "../plan/tables.ts";

export const CONTINUE_INSTRUCTION =
  "Your previous reply was cut off. Continue exactly where it stopped, without repeating anything already written and without any preamble.";

function shrink(v: unknown, used: number): unknown {
  return typeof v === "number" && Number.isFinite(v) ? Math.max(1, v - used) : v;
}

/**
 * Models with `prefill` get the delivered text as a trailing assistant message (they resume it);
 * others also get a user turn asking them to continue. The output budget shrinks by what was sent.
 */
export function continuationBody(base: Record<string, unknown>, entry: ModelEntry, delivered: string): Record<string, unknown> {
  const messages = Array.isArray(base.messages) ? [...(base.messages as unknown[])] : [];
  messages.push({ role: "assistant", content: delivered });
  if ((entry.node.caps & CAP_BIT.prefill) === 0) messages.push({ role: "user", content: CONTINUE_INSTRUCTION });
  const used = Math.ceil(delivered.length / 4);
  const body: Record<string, unknown> = { ...base, messages };
  if (body.max_tokens !== undefined) body.max_tokens = shrink(body.max_tokens, used);
  if (body.max_completion_tokens !== undefined) body.max_completion_tokens = shrink(body.max_completion_tokens, used);
  return body;
}

/**
 * Holds continuation text while it could still be a repeat of the delivered text from its start;
 * once it covers all of it the repeat is dropped, and once it diverges everything is released.
 */
export class OverlapTrimmer {
  #held = "";
  #settled = false;

  constructor(private readonly delivered: string) {}

  push(text: string): string {
    if (this.#settled || text.length === 0) return text;
    this.#held += text;
    const d = this.delivered;
    if (this.#held.length >= d.length) {
      this.#settled = true;
      const out = this.#held.startsWith(d) ? this.#held.slice(d.length) : this.#held;
      this.#held = "";
      return out;
    }
    if (d.startsWith(this.#held)) return "";
    this.#settled = true;
    const out = this.#held;
    this.#held = "";
    return out;
  }

  /** Still holding: the continuation so far only repeats delivered text. */
  get holding(): boolean {
    return !this.#settled && this.#held.length > 0;
  }
}
