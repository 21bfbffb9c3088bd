// How OpenAI-style SSE events become chunks. Policy for bad data: an event that is not JSON or
// not chunk-shaped is skipped (one garbled line from a proxy should not kill a good stream, and
// skipping means the engine never forwards garbage); an error object is an in-band error; the
// body ending without `[DONE]` is a cut unless a finish_reason already arrived.
import type { ChatChunk } from "../runtime/upstream.ts";
import { UpstreamError } from "../runtime/upstream.ts";
import { inBandError } from "./errors.ts";
import { parseChunk } from "./openai-wire.ts";
import type { EventTranslator } from "./sse-chunks.ts";

/** Garbage tolerated before the stream is judged unusable: past this it is not a stray line. */
const MAX_SKIPPED = 32;

export function openaiTranslator(provider: string, apiKey: string | undefined): EventTranslator {
  let finished = false;
  let skipped = 0;
  let good = 0;
  const none = { chunks: [] as ChatChunk[], done: false };
  // One result reused for the one-chunk answer of nearly every event: the iterator reads it
  // before asking for the next event, so no object and array per event.
  const one = { chunks: [] as ChatChunk[], done: false };

  const skip = (): typeof none => {
    if (++skipped > MAX_SKIPPED && skipped > good) {
      throw new UpstreamError("malformed", `provider \`${provider}\` sent ${skipped} events that are not chat chunks`);
    }
    return none;
  };

  return {
    onEvent(event) {
      const data = event.data.trim();
      if (data === "[DONE]") return { chunks: [], done: true };
      if (data.length === 0) return none;
      let json: unknown;
      try {
        json = JSON.parse(data);
      } catch {
        return skip();
      }
      if (
        event.event === "error" ||
        (json !== null && typeof json === "object" && "error" in json && !("choices" in json))
      ) {
        throw inBandError(provider, json, apiKey);
      }
      // A usage-only final chunk without `choices` (some servers) is repaired rather than lost.
      if (json !== null && typeof json === "object" && !("choices" in json) && "usage" in json)
        (json as Record<string, unknown>).choices = [];
      // The event's own text can go to the client unchanged when the engine changes nothing in it;
      // not when it spans several data lines (its line breaks would end the client's event).
      const chunk = parseChunk(json, data.indexOf("\n") < 0 ? data : undefined);
      if (!chunk) return skip();
      good++;
      if (chunk.choices.some((c) => c.finish_reason)) finished = true;
      one.chunks[0] = chunk;
      return one;
    },
    onEnd() {
      if (finished) return [];
      throw new UpstreamError("cut", `provider \`${provider}\` ended the stream before it finished`);
    },
  };
}
