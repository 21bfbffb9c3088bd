// Shared pieces of the /v1/responses tests: the events of a Responses SSE body and the stream's
// grammar (sequence numbers, item order and ids, a terminal event that matches how it ended).
import { expect } from "bun:test";

export interface ResponsesEvent {
  event: string;
  data: Record<string, any>;
}

/** Every `event:` + `data:` frame, in order (comment frames skipped, as SSE parsers do). */
export function responsesEvents(text: string): ResponsesEvent[] {
  return text
    .split("\n\n")
    .filter((f) => f.trim() !== "" && !f.split("\n").every((line) => line.startsWith(":")))
    .map((frame) => ({
      event: /^event: (.*)$/m.exec(frame)?.[1] ?? "",
      data: JSON.parse(/^data: (.*)$/m.exec(frame)?.[1] ?? "null"),
    }));
}

export const names = (events: ResponsesEvent[]): string[] => events.map((e) => e.event);

const TERMINAL = new Set(["response.completed", "response.incomplete"]);

/**
 * One response.created first, then response.in_progress; sequence numbers 0, 1, 2…; each item
 * added once at the next output_index and done before the next is added, with every event in
 * between naming the open item's id and index; and the end either a success (completed or
 * incomplete, whose output lists the items in order) or response.failed + error, never both.
 */
export function assertWellFormed(events: ResponsesEvent[]): void {
  const fail = (why: string): never => {
    throw new Error(`${why}\n${names(events).join(" ")}`);
  };
  events.forEach((e, i) => {
    if (e.event !== e.data.type) fail(`event name \`${e.event}\` differs from its type \`${e.data.type}\``);
    if (e.data.sequence_number !== i) fail(`event ${i} has sequence_number ${e.data.sequence_number}`);
  });
  if (events[0]?.event !== "response.created" || events[1]?.event !== "response.in_progress")
    fail("the stream does not start with response.created, response.in_progress");
  if (names(events).filter((n) => n === "response.created").length !== 1) fail("more than one response.created");
  const responseId = events[0].data.response.id;
  let open: { id: string; index: number } | null = null;
  const done: Record<string, any>[] = [];
  for (const e of events.slice(2)) {
    const d = e.data;
    if (d.response && d.response.id !== responseId) fail(`response id changed to ${d.response.id}`);
    if (e.event === "response.output_item.added") {
      if (open) fail(`item ${d.item.id} added while ${open.id} is open`);
      if (d.output_index !== done.length) fail(`item added at ${d.output_index}, expected ${done.length}`);
      open = { id: d.item.id, index: d.output_index };
    } else if (e.event === "response.output_item.done") {
      if (!open || d.item.id !== open.id || d.output_index !== open.index)
        fail(`item ${d.item.id} done while ${open?.id} is open`);
      done.push(d.item);
      open = null;
    } else if (d.item_id !== undefined && (!open || d.item_id !== open.id || d.output_index !== open.index))
      fail(`${e.event} for ${d.item_id} while ${open?.id} is open`);
  }
  const last = events.at(-1)!;
  if (last.event === "error") {
    if (events.at(-2)?.event !== "response.failed") fail("error is not preceded by response.failed");
    if (events.some((e) => TERMINAL.has(e.event))) fail("a failed stream also says it completed");
    expect(events.at(-2)!.data.response.status).toBe("failed");
    return;
  }
  if (!TERMINAL.has(last.event)) fail(`the stream ends with ${last.event}`);
  if (open) fail("the stream completed with an item still open");
  if (events.some((e) => e.event === "response.failed" || e.event === "error")) fail("a completed stream also failed");
  expect(last.data.response.output).toEqual(done);
}

/** The text of the output_text deltas. */
export const textOf = (events: ResponsesEvent[]): string =>
  events.map((e) => (e.event === "response.output_text.delta" ? e.data.delta : "")).join("");
