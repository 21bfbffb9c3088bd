// An in-process provider with no transport, for `switchyard simulate` and the offline default
// policy. Replies are deterministic (`token1 token2 …`) so a continuation after a break can be
// checked for gaps and repeats; a request for JSON, tools or `n` choices gets that shape instead
// (sim-shapes.ts, sim-shaped-stream.ts). All waiting goes through the injected clock so a virtual
// clock makes a run instant. Cheap by design: the simulator pushes hundreds of thousands of requests a
// second through it, so tokens due at the same moment (or within the behaviour's `chunkMs`) share
// one chunk and one promise, and reply texts are built once and reused.
import type { Ports } from "../runtime/ports.ts";
import type {
  ChatChunk,
  ChatCompletion,
  EmbeddingsReply,
  ProviderAdapter,
  UpstreamCall,
  UpstreamReply,
  Usage,
} from "../runtime/upstream.ts";
import { UpstreamError } from "../runtime/upstream.ts";
import {
  faultError,
  profileBehaviour,
  streamBreak,
  untilAborted,
  type BehaviourSource,
  type SimBehaviour,
} from "./sim-behaviour.ts";
import { simulatedEmbeddings } from "./sim-embeddings.ts";
import { shapedCompletion, shapedStream } from "./sim-shaped-stream.ts";
import { needsShape, shapedReply } from "./sim-shapes.ts";

interface Plan {
  id: string;
  created: number;
  model: string;
  firstToken: number; // number of the first token to emit (after a prefill's words)
  tokens: number; // tokens to emit
  leadingSpace: boolean;
  finish: "stop" | "length";
  promptTokens: number;
}

function textTokens(content: unknown): number {
  if (typeof content === "string") return content.length;
  if (!Array.isArray(content)) return 0;
  let n = 0;
  for (const part of content) if (typeof part?.text === "string") n += part.text.length;
  return n;
}

function plan(call: UpstreamCall, b: SimBehaviour, seq: number, now: number): Plan {
  const messages = Array.isArray(call.body.messages)
    ? (call.body.messages as { role?: unknown; content?: unknown }[])
    : [];
  let chars = 0;
  for (const m of messages) chars += textTokens(m?.content);
  // A trailing assistant message is a prefill: continue its count instead of starting over.
  const last = messages[messages.length - 1];
  const prefill = last?.role === "assistant" && typeof last.content === "string" ? last.content : "";
  const done = prefill.trim() ? prefill.trim().split(/\s+/).length : 0;
  const limit = Number(call.body.max_completion_tokens ?? call.body.max_tokens ?? Number.POSITIVE_INFINITY);
  const stop = b.fault?.kind === "length_stop" ? Math.max(1, b.fault.tokens) : Number.POSITIVE_INFINITY;
  const wanted = Math.max(1, b.outputTokens - done);
  const tokens = Math.max(1, Math.min(wanted, limit > 0 ? limit : wanted, stop));
  return {
    id: `chatcmpl-sim-${seq}`,
    created: Math.floor(now / 1000),
    model: String(call.body.model ?? call.model.upstream),
    firstToken: done + 1,
    tokens,
    leadingSpace: done > 0 && !/\s$/.test(prefill),
    finish: tokens < wanted ? "length" : "stop",
    promptTokens: Math.ceil(chars / 4),
  };
}

/** Texts already built, by first token number, count and leading space: replies repeat a lot. */
const texts = new Map<number, string>();
const MAX_CACHED_TEXTS = 65_536;

function words(p: Plan, from: number, count: number): string {
  const start = p.firstToken + from;
  const lead = from > 0 || p.leadingSpace;
  const cacheable = count < 4096 && start < 1e9;
  const key = (start * 4096 + count) * 2 + (lead ? 1 : 0);
  if (cacheable) {
    const hit = texts.get(key);
    if (hit !== undefined) return hit;
  }
  let text = "";
  for (let i = 0; i < count; i++) text += i > 0 || lead ? ` token${start + i}` : `token${start + i}`;
  if (cacheable) {
    if (texts.size >= MAX_CACHED_TEXTS) texts.clear();
    texts.set(key, text);
  }
  return text;
}

function usage(p: Plan, completion: number): Usage {
  return { prompt_tokens: p.promptTokens, completion_tokens: completion, total_tokens: p.promptTokens + completion };
}

async function complete(call: UpstreamCall, ports: Ports, b: SimBehaviour, p: Plan): Promise<UpstreamReply> {
  const fault = b.fault;
  const ttft = fault?.kind === "slow_first_token" ? fault.ms : b.ttftMs;
  if (fault?.kind === "stall_after") {
    await ports.clock.sleep(ttft + fault.tokens * b.perTokenMs, call.signal);
    return untilAborted(call.signal);
  }
  const emitted =
    fault?.kind === "cut_after" || fault?.kind === "error_event"
      ? Math.min(fault.tokens, p.tokens)
      : fault?.kind === "malformed"
        ? 0
        : p.tokens;
  const wait = ttft + emitted * b.perTokenMs;
  if (wait > 0) await ports.clock.sleep(wait, call.signal);
  if (fault?.kind === "cut_after")
    throw new UpstreamError("cut", `simulated provider \`${call.provider.name}\` dropped the reply midway`, 200);
  if (fault?.kind === "error_event") throw streamBreak(call.provider.name, fault);
  if (fault?.kind === "malformed")
    throw new UpstreamError(
      "malformed",
      `simulated provider \`${call.provider.name}\` sent a reply that is not JSON`,
      200,
    );
  if (needsShape(call.body))
    return {
      kind: "completion",
      status: 200,
      body: shapedCompletion(p, shapedReply(call.body, words(p, 0, p.tokens), p.id)),
    };
  const body: ChatCompletion = {
    id: p.id,
    object: "chat.completion",
    created: p.created,
    model: p.model,
    choices: [{ index: 0, message: { role: "assistant", content: words(p, 0, p.tokens) }, finish_reason: p.finish }],
    usage: usage(p, p.tokens),
  };
  return { kind: "completion", status: 200, body };
}

/** A streamed chunk carrying `delta` (some of the reply's tokens) as the only choice. */
function tokenChunk(p: Plan, delta: ChatChunk["choices"][number]["delta"], finish: string | null): ChatChunk {
  return {
    id: p.id,
    object: "chat.completion.chunk",
    created: p.created,
    model: p.model,
    choices: [{ index: 0, delta, finish_reason: finish }],
  };
}

/** The last chunk of a stream that asked for `include_usage`: no choices, only the usage. */
function usageChunk(p: Plan): ChatChunk {
  return {
    id: p.id,
    object: "chat.completion.chunk",
    created: p.created,
    model: p.model,
    choices: [],
    usage: usage(p, p.tokens),
  };
}

function stream(
  call: UpstreamCall,
  ports: Ports,
  b: SimBehaviour,
  p: Plan,
): AsyncIterator<ChatChunk> & AsyncIterable<ChatChunk> {
  const fault = b.fault;
  const includeUsage = (call.body.stream_options as { include_usage?: unknown } | undefined)?.include_usage === true;
  const breakAt =
    fault?.kind === "stall_after" || fault?.kind === "cut_after" || fault?.kind === "error_event"
      ? Math.min(fault.tokens, p.tokens)
      : p.tokens;
  // Tokens sharing one chunk: all of them when they are due together, else chunkMs' worth (1 ms
  // unless the simulator coarsens it). The first token always travels alone, at its exact time.
  const batch = b.perTokenMs <= 0 ? p.tokens : Math.max(1, Math.ceil((b.chunkMs ?? 1) / b.perTokenMs));
  let sent = 0;
  // after the last token: the usage chunk, the end, or (cut_after_finish) the connection dropping
  const afterLast = fault?.kind === "cut_after_finish" ? "cut" : includeUsage ? "usage" : "done";
  let stage: "tokens" | "usage" | "cut" | "done" = "tokens";

  const next = async (): Promise<IteratorResult<ChatChunk>> => {
    if (stage === "usage") {
      stage = "done";
      return { value: usageChunk(p), done: false };
    }
    if (stage === "done") return { value: undefined, done: true };
    if (stage === "cut") {
      stage = "done";
      throw streamBreak(call.provider.name, fault);
    }
    if (sent === 0 && fault?.kind === "malformed") {
      stage = "done";
      throw new UpstreamError(
        "malformed",
        `simulated provider \`${call.provider.name}\` sent a chunk that is not JSON`,
        200,
      );
    }
    if (sent >= breakAt) {
      stage = "done";
      if (fault?.kind === "stall_after") return untilAborted(call.signal);
      throw streamBreak(call.provider.name, fault);
    }
    const count = Math.min(sent === 0 && b.perTokenMs > 0 ? 1 : batch, breakAt - sent);
    const wait = sent === 0 ? (fault?.kind === "slow_first_token" ? fault.ms : b.ttftMs) : count * b.perTokenMs;
    if (wait > 0) await ports.clock.sleep(wait, call.signal);
    const first = sent === 0;
    const text = words(p, sent, count);
    sent += count;
    const last = sent === p.tokens;
    if (last) stage = afterLast;
    const finish = last && fault?.kind !== "no_terminator" ? p.finish : null;
    return {
      value: tokenChunk(p, first ? { role: "assistant", content: text } : { content: text }, finish),
      done: false,
    };
  };

  const iterator = {
    next,
    async return(): Promise<IteratorResult<ChatChunk>> {
      stage = "done";
      return { value: undefined, done: true };
    },
    [Symbol.asyncIterator]() {
      return iterator;
    },
  };
  return iterator;
}

/** A simulated adapter whose behaviour per attempt comes from `behaviourFor` (the simulator's hook). */
export function createSimulatedAdapter(behaviourFor: BehaviourSource): ProviderAdapter {
  let seq = 0;
  return {
    async chat(call, ports) {
      if (call.signal.aborted) throw call.signal.reason;
      const now = ports.clock.now();
      const b = behaviourFor(call.model, call.provider, now, ports.random, call);
      const error = faultError(call.provider.name, b.fault, now);
      if (error) throw error;
      if (b.fault?.kind === "no_response") return untilAborted(call.signal);
      const p = plan(call, b, ++seq, now);
      if (!call.stream) return complete(call, ports, b, p);
      // JSON, tool calls and `n` choices take the shaped path; plain text keeps the batched one
      const chunks = needsShape(call.body)
        ? shapedStream(call, ports, b, p, shapedReply(call.body, words(p, 0, p.tokens), p.id))
        : stream(call, ports, b, p);
      return { kind: "stream", status: 200, chunks };
    },
    async embeddings(call, ports): Promise<EmbeddingsReply> {
      const now = ports.clock.now();
      const b = behaviourFor(call.model, call.provider, now, ports.random, call);
      const error = faultError(call.provider.name, b.fault, now);
      if (error) throw error;
      if (b.fault?.kind === "no_response") return untilAborted(call.signal);
      if (b.ttftMs > 0) await ports.clock.sleep(b.ttftMs, call.signal);
      return { status: 200, body: simulatedEmbeddings(call) };
    },
  };
}

/** The simulated adapter driven by each provider's `sim` profile from the policy. */
export const simulatedAdapter: ProviderAdapter = createSimulatedAdapter(profileBehaviour);
