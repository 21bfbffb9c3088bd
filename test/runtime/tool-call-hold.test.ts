// The tool-call holder on its own: when a streamed call counts as complete, and what goes out then.
import { describe, expect, test } from "bun:test";
import { ToolCallHold } from "../../src/runtime/stream/tool-call-hold.ts";

const first = (index: number, args = "") => ({
  index,
  id: `call_${index}`,
  type: "function",
  function: { name: "f", arguments: args },
});
const more = (index: number, args: string) => ({ index, function: { arguments: args } });

describe("tool-call hold", () => {
  test("holds fragments until the arguments parse, then releases the call as one delta", () => {
    const h = new ToolCallHold();
    expect(h.take(0, [first(0)], false)).toBeUndefined();
    expect(h.take(0, [more(0, '{"a": {"b": 1}')], false)).toBeUndefined(); // ends with `}` but is not whole yet
    expect(h.take(0, [more(0, "}")], false)).toEqual([first(0, '{"a": {"b": 1}}')]);
    expect(h.take(0, undefined, true)).toBeUndefined(); // nothing left for the finish
  });

  test("the next call's first delta releases the previous one, even if its arguments do not parse", () => {
    const h = new ToolCallHold();
    h.take(0, [first(0, "not json")], false);
    expect(h.take(0, [first(1)], false)).toEqual([first(0, "not json")]);
    expect(h.take(0, undefined, true)).toEqual([first(1)]);
  });

  test("a call complete in one delta goes out at once; choices are held apart", () => {
    const h = new ToolCallHold();
    expect(h.take(1, [first(0, "{}")], false)).toEqual([first(0, "{}")]);
    expect(h.take(0, [first(0, '{"x"')], false)).toBeUndefined();
    expect(h.take(1, undefined, true)).toBeUndefined();
    expect(h.take(0, [more(0, ": 2}")], true)).toEqual([first(0, '{"x": 2}')]);
  });

  test("a name or id sent after the first delta is kept", () => {
    const h = new ToolCallHold();
    h.take(0, [{ index: 0, function: { arguments: "" } }], false);
    h.take(0, [{ index: 0, id: "late", function: { name: "g" } }], false);
    expect(h.take(0, [more(0, "[1]")], false)).toEqual([
      { index: 0, id: "late", function: { name: "g", arguments: "[1]" } },
    ]);
  });

  test("calls without an index (a replayed whole completion) are told apart by id", () => {
    const h = new ToolCallHold();
    const a = { id: "a", type: "function", function: { name: "f", arguments: "not json" } };
    const b = { id: "b", type: "function", function: { name: "g", arguments: "{}" } };
    expect(h.take(0, [a, b], false)).toEqual([a, b]);
  });
});
