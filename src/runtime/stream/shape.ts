// Chunk shaping: an upstream chunk as the client sees it. One stream id, `created` and object type
// for the whole stream whichever model serves it, the policy's model name, one role delta per
// choice (continuations add none), text a continuation repeats trimmed away, tool calls held until
// whole when the policy says so. Also what has been delivered, which decides how a break recovers.
import { deltaHasOutput, modelSplicer } from "./chunks.ts";
import { ToolCallHold } from "./tool-call-hold.ts";
import type { Segment } from "./segment.ts";
import { RawJson, type ChatChunk } from "../upstream.ts";

const CHUNK_OBJECT = "chat.completion.chunk";

type Choice = ChatChunk["choices"][number];
type Delta = Choice["delta"];

export class ChunkShaper {
  /** Choice 0's text delivered so far (what a continuation continues). */
  delivered = "";
  toolCallsSent = false;
  /** More than a role went out: a break can no longer start over. */
  outputSent = false;
  readonly #rolesSent = new Set<number>();
  /** Made at the first tool call, with `stream { tool_calls hold }`; a new segment drops it. */
  #hold: ToolCallHold | null = null;
  readonly #spliceModel = modelSplicer();

  constructor(
    readonly streamId: string,
    readonly created: number,
    /** `stream { tool_calls hold }`: tool-call deltas wait until the call is whole. */
    private readonly holding: boolean,
  ) {}

  /** A new segment takes over: the broken one's held call was never sent. */
  newSegment(): void {
    this.#hold = null;
  }

  /**
   * The chunk for the client; null when nothing is left to send. Copies only what it changes: most
   * mid-stream chunks need nothing but the model name, and go out as the upstream's own text with
   * that one value spliced in (no copy, no JSON.stringify).
   */
  shape(chunk: ChatChunk, seg: Segment): ChatChunk | null {
    if (chunk.usage) seg.usage = chunk.usage;
    const from = chunk.choices;
    if (from.length === 0) return null;
    let useful = false;
    let choices: ChatChunk["choices"] | null = null; // made once a choice has to change
    for (let i = 0; i < from.length; i++) {
      const c = from[i]!;
      const delta = this.#delta(c, seg);
      if (c.finish_reason || hasKeys(delta)) useful = true;
      if (delta !== c.delta) {
        choices ??= from.slice(0, i);
        choices.push({ ...c, delta });
      } else if (choices !== null) choices.push(c);
    }
    if (!useful) return null;
    const model = seg.handle.entry.name;
    if (
      choices === null &&
      chunk.usage === undefined &&
      chunk.id === this.streamId &&
      chunk.object === CHUNK_OBJECT &&
      chunk.created === this.created
    ) {
      if (chunk.model === model) return chunk;
      const raw = chunk.raw;
      if (raw instanceof RawJson && raw.owns(chunk)) {
        // The adapter's own fresh object, shared with no one. Its text gets the name spliced in
        // only if a writer reads it (chat does; the dialects' writers build their own events).
        raw.renameModel(this.#spliceModel, chunk.model, model);
        chunk.model = model;
        return chunk;
      }
    }
    // a copy: its `raw` no longer applies (RawJson is owned by the object it was made for)
    const out: ChatChunk = {
      ...chunk,
      id: this.streamId,
      object: CHUNK_OBJECT,
      created: this.created,
      model,
      choices: choices ?? from,
    };
    delete out.usage;
    return out;
  }

  /** One choice's delta for the client: the same object when nothing changes. */
  #delta(c: Choice, seg: Segment): Delta {
    const d = c.delta;
    const dropRole = d.role !== undefined && this.#rolesSent.has(c.index);
    if (d.role !== undefined && !dropRole) this.#rolesSent.add(c.index);
    let content = d.content;
    if (typeof content === "string") {
      seg.receivedChars += content.length;
      if (c.index === 0) {
        if (seg.trimmer) content = seg.trimmer.push(content);
        this.delivered += content;
      }
    }
    const dropContent = typeof content === "string" && content.length === 0;
    let calls = d.tool_calls;
    if (this.holding && (calls !== undefined || (c.finish_reason && this.#hold !== null)))
      calls = (this.#hold ??= new ToolCallHold()).take(c.index, calls, !!c.finish_reason);
    let delta = d;
    if (dropRole || dropContent || content !== d.content || calls !== d.tool_calls) {
      delta = { ...d };
      if (dropRole) delete delta.role;
      if (dropContent) delete delta.content;
      else if (content !== d.content) delta.content = content;
      if (calls === undefined) delete delta.tool_calls;
      else delta.tool_calls = calls;
    }
    if (Array.isArray(delta.tool_calls) && delta.tool_calls.length > 0) this.toolCallsSent = true;
    if (!this.outputSent) this.outputSent = deltaHasOutput(delta);
    return delta;
  }

  /** The final usage chunk a client that asked for it gets. */
  usageChunk(model: string, usage: ChatChunk["usage"]): ChatChunk {
    return { id: this.streamId, object: CHUNK_OBJECT, created: this.created, model, choices: [], usage };
  }
}

function hasKeys(o: object): boolean {
  for (const _ in o) return true;
  return false;
}
