// Shared pieces of the /v1/messages tests: an Anthropic SDK client on a gateway, the events of an
// Anthropic SSE body, and a fake Anthropic upstream's replies (JSON messages and recorded streams).
import { readFileSync } from "node:fs";
import Anthropic from "@anthropic-ai/sdk";
import type { Graph } from "../../src/compile/graph.ts";
import { faultGraph, type RigModel } from "./fault-harness.ts";
import type { Settings } from "../../src/compile/graph.ts";

export function sdk(url: string, apiKey = "unused"): Anthropic {
  return new Anthropic({ apiKey, baseURL: url, maxRetries: 0 });
}

export interface SseEvent {
  event: string;
  data: Record<string, any>;
}

/** Every `event:` + `data:` frame of an Anthropic-style SSE body, in order (comment frames skipped, as SSE parsers do). */
export function anthropicEvents(text: string): SseEvent[] {
  return text
    .split("\n\n")
    .filter((f) => f.trim() !== "" && !f.split("\n").every((line) => line.startsWith(":")))
    .map((frame) => {
      const event = /^event: (.*)$/m.exec(frame)?.[1] ?? "";
      const data = /^data: (.*)$/m.exec(frame)?.[1] ?? "null";
      return { event, data: JSON.parse(data) };
    });
}

/**
 * The stream's grammar: message_start first, message_stop last (or an error instead), each block
 * started once at the next index, deltas only inside their open block, and stopped before the next.
 */
export function assertWellFormed(events: SseEvent[]): void {
  const fail = (why: string): never => {
    throw new Error(`${why}\n${events.map((e) => e.event).join(" ")}`);
  };
  for (const e of events)
    if (e.event !== e.data.type) fail(`event name \`${e.event}\` differs from its type \`${e.data.type}\``);
  if (events[0]?.event !== "message_start") fail("first event is not message_start");
  if (events.filter((e) => e.event === "message_start").length !== 1) fail("more than one message_start");
  const last = events.at(-1)!.event;
  if (last !== "message_stop" && last !== "error") fail("the stream ends with neither message_stop nor error");
  if (last === "error" && events.some((e) => e.event === "message_stop")) fail("an errored stream says message_stop");
  let open: number | null = null;
  let next = 0;
  for (const e of events) {
    const index = e.data.index;
    if (e.event === "content_block_start") {
      if (open !== null) fail(`block ${index} started while ${open} is open`);
      if (index !== next) fail(`block ${index} started, expected ${next}`);
      open = index;
      next++;
    } else if (e.event === "content_block_delta" && index !== open) fail(`delta for ${index} while ${open} is open`);
    else if (e.event === "content_block_stop") {
      if (index !== open) fail(`stop for ${index} while ${open} is open`);
      open = null;
    } else if (e.event === "message_delta" && open !== null) fail("message_delta while a block is open");
  }
}

export const names = (events: SseEvent[]): string[] => events.map((e) => e.event);

export function anthropicMessage(
  content: unknown[],
  stopReason = "end_turn",
  model = "claude-up",
): Record<string, unknown> {
  return {
    id: "msg_up",
    type: "message",
    role: "assistant",
    model,
    content,
    stop_reason: stopReason,
    stop_sequence: null,
    usage: { input_tokens: 11, output_tokens: 7 },
  };
}

/** A recorded Anthropic stream from the provider tests' fixtures, as an SSE response. */
export function anthropicFixture(name: string): Response {
  const text = readFileSync(new URL(`../providers/fixtures/${name}.sse`, import.meta.url), "utf8");
  return new Response(text, { headers: { "content-type": "text/event-stream" } });
}

/** The fault rig's graph with some models on an `anthropic` provider instead of an OpenAI one. */
export function mixedGraph(models: (RigModel & { kind?: "openai" | "anthropic" })[], settings: Settings): Graph {
  const graph = faultGraph(models, settings);
  for (const m of models) {
    if (m.kind === "anthropic") graph.providers.find((p) => p.name === `p_${m.name}`)!.kind = "anthropic";
  }
  return graph;
}

/** A whole Anthropic message as the SSE events Anthropic streams it in (thinking signatures as `signature_delta`). */
export function anthropicStreamOf(message: Record<string, any>): Response {
  const events: Record<string, any>[] = [
    { type: "message_start", message: { ...message, content: [], stop_reason: null, usage: { input_tokens: 11 } } },
  ];
  (message.content as Record<string, any>[]).forEach((block, index) => {
    const delta = (d: Record<string, unknown>) => events.push({ type: "content_block_delta", index, delta: d });
    if (block.type === "thinking") {
      events.push({ type: "content_block_start", index, content_block: { type: "thinking", thinking: "" } });
      delta({ type: "thinking_delta", thinking: block.thinking });
      delta({ type: "signature_delta", signature: block.signature });
    } else if (block.type === "text") {
      events.push({ type: "content_block_start", index, content_block: { type: "text", text: "" } });
      delta({ type: "text_delta", text: block.text });
    } else if (block.type === "tool_use") {
      events.push({ type: "content_block_start", index, content_block: { ...block, input: {} } });
      delta({ type: "input_json_delta", partial_json: JSON.stringify(block.input) });
    } else events.push({ type: "content_block_start", index, content_block: block });
    events.push({ type: "content_block_stop", index });
  });
  events.push({
    type: "message_delta",
    delta: { stop_reason: message.stop_reason, stop_sequence: null },
    usage: { output_tokens: message.usage.output_tokens },
  });
  events.push({ type: "message_stop" });
  const text = events.map((e) => `event: ${e.type}\ndata: ${JSON.stringify(e)}\n\n`).join("");
  return new Response(text, { headers: { "content-type": "text/event-stream" } });
}
