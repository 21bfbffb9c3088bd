// A cached answer is one OpenAI chat completion, whichever way it was first served: a finished
// stream is folded into a completion here, and a completion is replayed as stream events for a
// stream request (one content chunk per choice, coarser than the original, then the finish and
// the usage chunk when the client asked for it). The dialect handlers turn both into their own
// wire format, so one stored shape serves every dialect and both delivery modes.
import type { StreamEvent, StreamEvents } from "../runtime/api.ts";
import type { ChatChunk, ChatCompletion, Usage } from "../runtime/upstream.ts";

interface ChoiceAcc {
  content: string | null;
  refusal: string | null;
  toolCalls: Record<string, unknown>[];
  finish: string | null;
}

interface ToolCallDelta {
  index?: number;
  id?: string;
  type?: string;
  function?: { name?: string; arguments?: string };
}

/**
 * Folds a stream's chunks into the completion it amounts to. Once the text grows past what the
 * store could ever hold (`maxBytes`, charged as UTF-16), or the caller drops it, it stops: an
 * answer that cannot be stored is not worth collecting.
 */
export class StreamFold {
  private readonly choices = new Map<number, ChoiceAcc>();
  private id = "";
  private created = 0;
  private model = "";
  private usage: Usage | undefined;
  private chars = 0;
  /** True once the fold gave up; `add` is then a no-op and `completion` must not be stored. */
  dropped = false;

  constructor(private readonly maxBytes = Number.POSITIVE_INFINITY) {}

  drop(): void {
    this.dropped = true;
    this.choices.clear();
  }

  add(chunk: ChatChunk): void {
    if (this.dropped) return;
    if (chunk.id) this.id = chunk.id;
    if (typeof chunk.created === "number") this.created = chunk.created;
    if (chunk.model) this.model = chunk.model;
    if (chunk.usage) this.usage = chunk.usage;
    for (const c of chunk.choices) {
      let acc = this.choices.get(c.index);
      if (acc === undefined)
        this.choices.set(c.index, (acc = { content: null, refusal: null, toolCalls: [], finish: null }));
      const d = c.delta ?? {};
      if (typeof d.content === "string") {
        acc.content = (acc.content ?? "") + d.content;
        this.chars += d.content.length;
      }
      if (typeof d.refusal === "string") acc.refusal = (acc.refusal ?? "") + d.refusal;
      if (Array.isArray(d.tool_calls))
        for (const t of d.tool_calls) this.chars += addToolCall(acc.toolCalls, t as ToolCallDelta);
      if (c.finish_reason) acc.finish = c.finish_reason;
    }
    if (2 * this.chars > this.maxBytes) this.drop();
  }

  /** `usage`: the engine's count, for a stream whose client did not ask for the usage chunk. */
  completion(usage: Usage | null = null): ChatCompletion {
    const choices = [...this.choices.entries()]
      .sort(([a], [b]) => a - b)
      .map(([index, acc]) => {
        const message: ChatCompletion["choices"][number]["message"] = { role: "assistant", content: acc.content };
        if (acc.toolCalls.length > 0) message.tool_calls = acc.toolCalls;
        if (acc.refusal !== null) message.refusal = acc.refusal;
        return { index, message, finish_reason: acc.finish };
      });
    const body: ChatCompletion = {
      id: this.id,
      object: "chat.completion",
      created: this.created,
      model: this.model,
      choices,
    };
    const counted = this.usage ?? usage;
    if (counted) body.usage = counted;
    return body;
  }
}

/** A tool call's deltas share an index: the first carries id and name, later ones more arguments. Returns the characters added. */
function addToolCall(calls: Record<string, unknown>[], t: ToolCallDelta): number {
  const index = typeof t.index === "number" ? t.index : calls.length;
  const existing = calls[index] as { function: { name: string; arguments: string } } | undefined;
  const name = t.function?.name ?? "";
  const args = t.function?.arguments ?? "";
  if (existing === undefined) {
    calls[index] = { id: t.id ?? "", type: t.type ?? "function", function: { name, arguments: args } };
  } else {
    existing.function.name += name;
    existing.function.arguments += args;
  }
  return name.length + args.length;
}

/** The completion as stream events, ending with `done` (the server writes `[DONE]` or the dialect's end). */
export async function* replayAsStream(body: ChatCompletion, includeUsage: boolean): AsyncGenerator<StreamEvent> {
  const head = { id: body.id, object: "chat.completion.chunk", created: body.created, model: body.model };
  for (const c of body.choices) {
    const delta: ChatChunk["choices"][number]["delta"] = { role: "assistant", content: c.message.content ?? "" };
    if (c.message.tool_calls) delta.tool_calls = c.message.tool_calls.map((t, index) => ({ index, ...(t as object) }));
    if (typeof c.message.refusal === "string") delta.refusal = c.message.refusal;
    yield { type: "chunk", chunk: { ...head, choices: [{ index: c.index, delta, finish_reason: null }] } };
  }
  yield {
    type: "chunk",
    chunk: {
      ...head,
      choices: body.choices.map((c) => ({ index: c.index, delta: {}, finish_reason: c.finish_reason ?? "stop" })),
    },
  };
  if (includeUsage && body.usage) yield { type: "chunk", chunk: { ...head, choices: [], usage: body.usage } };
  yield { type: "done" };
}

/** The same events with `see` called on each, keeping the stream's synchronous `takeReady` fast path. */
export function observed(events: StreamEvents, see: (e: StreamEvent) => void): StreamEvents {
  const inner = events[Symbol.asyncIterator]();
  const it: AsyncIterableIterator<StreamEvent> & StreamEvents = {
    async next() {
      const r = await inner.next();
      if (r.done !== true) see(r.value);
      return r;
    },
    async return(value?: unknown) {
      return (await inner.return?.(value)) ?? { done: true, value: undefined };
    },
    [Symbol.asyncIterator]() {
      return it;
    },
  };
  const take = events.takeReady?.bind(events);
  if (take !== undefined) {
    it.takeReady = () => {
      const e = take();
      if (e !== undefined) see(e);
      return e;
    };
  }
  return it;
}
