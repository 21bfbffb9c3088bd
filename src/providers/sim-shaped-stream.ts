// The simulated provider's replies for requests that want more than one plain text choice (JSON,
// tool calls, `n` choices; see sim-shapes.ts), in both modes. A stream sends every choice's text or
// tool-call arguments in small pieces, one per token time, choices taking turns, and all finish
// reasons together in the last chunk (so no choice's content follows a finish). Faults play out as
// for plain replies, counting pieces as tokens.
import type { Ports } from "../runtime/ports.ts";
import type { ChatChunk, ChatCompletion, UpstreamCall, Usage } from "../runtime/upstream.ts";
import { UpstreamError } from "../runtime/upstream.ts";
import { streamBreak, untilAborted, type SimBehaviour } from "./sim-behaviour.ts";
import type { ShapedChoice, ShapedReply } from "./sim-shapes.ts";

type Delta = ChatChunk["choices"][number]["delta"];

/** What a reply is stamped with (the plain reply's plan supplies it). */
export interface ReplyHead {
  id: string;
  created: number;
  model: string;
  promptTokens: number;
}

const PIECE_CHARS = 12;

function pieces(text: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < text.length; i += PIECE_CHARS) out.push(text.slice(i, i + PIECE_CHARS));
  return out.length > 0 ? out : [""];
}

function choiceText(c: ShapedChoice): string {
  return c.kind === "content" ? c.text : c.arguments;
}

export function shapedUsage(head: ReplyHead, reply: ShapedReply): Usage {
  let completion = 0;
  for (const c of reply.choices) completion += Math.max(1, Math.ceil(choiceText(c).length / 4));
  return {
    prompt_tokens: head.promptTokens,
    completion_tokens: completion,
    total_tokens: head.promptTokens + completion,
  };
}

export function shapedCompletion(head: ReplyHead, reply: ShapedReply): ChatCompletion {
  return {
    id: head.id,
    object: "chat.completion",
    created: head.created,
    model: head.model,
    choices: reply.choices.map((c, index) => ({
      index,
      message:
        c.kind === "content"
          ? { role: "assistant", content: c.text }
          : {
              role: "assistant",
              content: null,
              tool_calls: [{ id: c.id, type: "function", function: { name: c.name, arguments: c.arguments } }],
            },
      finish_reason: reply.finish,
    })),
    usage: shapedUsage(head, reply),
  };
}

function deltaFor(c: ShapedChoice, piece: string, first: boolean): Delta {
  if (c.kind === "content") return first ? { role: "assistant", content: piece } : { content: piece };
  const fn = first ? { name: c.name, arguments: piece } : { arguments: piece };
  const call = first ? { index: 0, id: c.id, type: "function", function: fn } : { index: 0, function: fn };
  return (first ? { role: "assistant", content: null, tool_calls: [call] } : { tool_calls: [call] }) as Delta;
}

/** The stream's chunks in order, before timing: choices take turns, piece by piece. */
function plannedChunks(head: ReplyHead, reply: ShapedReply): ChatChunk[] {
  const split = reply.choices.map((c) => pieces(choiceText(c)));
  const chunk = (choices: ChatChunk["choices"]): ChatChunk => ({
    id: head.id,
    object: "chat.completion.chunk",
    created: head.created,
    model: head.model,
    choices,
  });
  const out: ChatChunk[] = [];
  const longest = Math.max(...split.map((s) => s.length));
  for (let k = 0; k < longest; k++) {
    reply.choices.forEach((c, index) => {
      const piece = split[index]![k];
      if (piece !== undefined) out.push(chunk([{ index, delta: deltaFor(c, piece, k === 0), finish_reason: null }]));
    });
  }
  out.push(chunk(reply.choices.map((_, index) => ({ index, delta: {}, finish_reason: reply.finish }))));
  return out;
}

/** The shaped reply as a timed stream; `includeUsage` adds the usage chunk at the end. */
export async function* shapedStream(
  call: UpstreamCall,
  ports: Ports,
  b: SimBehaviour,
  head: ReplyHead,
  reply: ShapedReply,
): AsyncGenerator<ChatChunk> {
  const fault = b.fault;
  const chunks = plannedChunks(head, reply);
  // no terminator: the last chunk (every finish_reason) never comes, and the stream just ends
  if (fault?.kind === "no_terminator") chunks.pop();
  const breakAt =
    fault?.kind === "stall_after" || fault?.kind === "cut_after" || fault?.kind === "error_event"
      ? Math.min(fault.tokens, chunks.length - 1)
      : chunks.length;
  const ttft = fault?.kind === "slow_first_token" ? fault.ms : b.ttftMs;
  if (fault?.kind === "malformed")
    throw new UpstreamError(
      "malformed",
      `simulated provider \`${call.provider.name}\` sent a chunk that is not JSON`,
      200,
    );
  for (let k = 0; k < chunks.length; k++) {
    if (k === breakAt) {
      if (fault?.kind === "stall_after") await untilAborted(call.signal);
      throw streamBreak(call.provider.name, fault);
    }
    const wait = k === 0 ? ttft : k < chunks.length - 1 ? b.perTokenMs : 0;
    if (wait > 0) await ports.clock.sleep(wait, call.signal);
    yield chunks[k]!;
  }
  if (fault?.kind === "cut_after_finish") throw streamBreak(call.provider.name, fault);
  if ((call.body.stream_options as { include_usage?: unknown } | undefined)?.include_usage === true) {
    yield {
      id: head.id,
      object: "chat.completion.chunk",
      created: head.created,
      model: head.model,
      choices: [],
      usage: shapedUsage(head, reply),
    };
  }
}
