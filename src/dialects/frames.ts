// The contract between the gateway's SSE writer and a dialect's stream translation: the text each
// engine stream event becomes. Serve writes it to the client; simulate runs the same translation.
import type { OpenAIErrorBody } from "../runtime/api.ts";
import type { ChatChunk } from "../runtime/upstream.ts";

/** A dialect's SSE text for each engine event (may be "" when an event maps to nothing). */
export interface SseFrames {
  chunk(chunk: ChatChunk): string;
  /** The normal end: whatever closes the dialect's stream. */
  done(): string;
  /** A terminal error: the dialect's error event, never its success end. */
  error(error: OpenAIErrorBody): string;
}
