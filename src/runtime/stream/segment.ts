// Segment reading: one upstream's part of a stream (the first model's, then each continuation's).
// A segment owns its chunk source, the chunks buffered before the stream started, and what it has
// counted so far (malformed chunks in a row, characters, usage, which choices finished); it hands
// out chunks already in memory without waiting and closes its source when the segment ends.
import { estimateUsage, type AttemptHandle } from "../state/accounting.ts";
import type { StreamStart } from "../attempt/chat-attempt.ts";
import type { Failure } from "../attempt/classify.ts";
import { hasFinish } from "./chunks.ts";
import type { OverlapTrimmer } from "./continuation.ts";
import type { ChatChunk, ChunkStream, Usage } from "../upstream.ts";
import type { StreamEvent } from "../api.ts";

/** How a segment ended: the answer is complete, the client left, or the upstream broke. */
export type SegmentEnd = { kind: "finished" } | { kind: "client_gone" } | { kind: "broken"; failure: Failure };
export const FINISHED: SegmentEnd = { kind: "finished" };
export const CLIENT_GONE: SegmentEnd = { kind: "client_gone" };

/** One step of reading: an event for the client, a segment end, or null when a chunk left nothing to send. */
export type Step = StreamEvent | SegmentEnd | null;
export const isSegmentEnd = (step: StreamEvent | SegmentEnd): step is SegmentEnd => "kind" in step;

/** Turns one upstream chunk into the next step; `normalized` when it was checked already. */
export type TakeChunk = (chunk: ChatChunk, normalized: boolean) => Step;

export class Segment {
  readonly iterator: ChunkStream;
  readonly #pending: ChatChunk[];
  /** Malformed chunks in a row (a good one resets it). */
  malformed = 0;
  /** When the upstream's latest read arrived: the chunks it carried arrived then (one clock read per read, not per chunk). */
  readAt: number;
  receivedChars = 0;
  usage: Usage | null = null;
  /** Every choice seen so far has a finish_reason (n > 1 streams finish choice by choice). */
  finished = false;
  readonly #unfinishedChoices = new Set<number>();

  constructor(
    readonly handle: AttemptHandle,
    start: StreamStart,
    /** Trims text a continuation repeats; null for the first segment and for restarts. */
    readonly trimmer: OverlapTrimmer | null,
    readonly promptTokens: number,
    readonly status: number,
    now: number,
  ) {
    this.iterator = start.iterator;
    this.#pending = start.buffered.slice();
    this.readAt = now;
  }

  /**
   * The next step without waiting: from the chunks buffered before the stream started, or from
   * chunks the adapter has already parsed (`takeQueued`), without a promise per chunk. Null when
   * the upstream must be waited on. `stopped`: an aborted run must not deliver more; the waiting
   * path reports why it ended.
   */
  ready(take: TakeChunk, stopped: boolean): StreamEvent | SegmentEnd | null {
    for (;;) {
      const buffered = this.#pending.shift();
      let step: Step;
      if (buffered !== undefined) step = take(buffered, true);
      else {
        if (this.finished && this.usage !== null) return FINISHED;
        if (stopped || this.iterator.takeQueued === undefined) return null;
        const parsed = this.iterator.takeQueued();
        if (parsed === undefined) return this.finished && this.iterator.ended?.() === true ? FINISHED : null;
        step = take(parsed, false);
      }
      if (step !== null) return step;
    }
  }

  /** Records which choices have finished; the segment is finished when all have. */
  trackFinish(chunk: ChatChunk): void {
    for (const c of chunk.choices) {
      if (c.finish_reason) this.#unfinishedChoices.delete(c.index);
      else if (!this.finished || this.#unfinishedChoices.size > 0) this.#unfinishedChoices.add(c.index);
    }
    if (hasFinish(chunk)) this.finished = this.#unfinishedChoices.size === 0;
  }

  /** The upstream's usage, or an estimate from what arrived when it sent none. */
  partialUsage(): Usage {
    return this.usage ?? estimateUsage(this.promptTokens, this.receivedChars);
  }

  /** Releases the upstream (its connection or timers); errors on the way out are of no interest. */
  close(): void {
    void this.iterator.return?.()?.catch(() => {});
  }
}
