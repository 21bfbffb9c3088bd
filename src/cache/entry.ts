// A stored entry is JSON text (a store never holds live objects, and a hit hands out a fresh copy):
// the answer as an OpenAI chat completion, and what it cost when it was bought, which a hit then
// counts as saved. An entry that does not read back as one (a shared store written by another
// version, say) is a miss, never an error.
import type { ChatCompletion } from "../runtime/upstream.ts";

export interface CacheEntry {
  answer: ChatCompletion;
  costUsd: number;
}

/** `answerText`: the answer's JSON, serialised once for the store and the response alike. */
export function encodeEntry(answerText: string, costUsd: number): string {
  return `{"costUsd":${JSON.stringify(costUsd)},"answer":${answerText}}`;
}

export function decodeEntry(text: string): CacheEntry | null {
  let entry: Partial<CacheEntry>;
  try {
    entry = JSON.parse(text) as Partial<CacheEntry>;
  } catch {
    return null;
  }
  const answer = entry?.answer;
  if (typeof answer !== "object" || answer === null || !Array.isArray(answer.choices)) return null;
  return { answer, costUsd: typeof entry.costUsd === "number" && entry.costUsd >= 0 ? entry.costUsd : 0 };
}
