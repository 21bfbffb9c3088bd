// Shape generation for the simulated provider (issue 9, item 14): schema-shaped values, the tool
// choice rules, and a shaped stream cut by a fault like a plain one.
import { describe, expect, test } from "bun:test";
import { createSimulatedAdapter } from "../../src/providers/simulated.ts";
import { shapedReply, valueFor } from "../../src/providers/sim-shapes.ts";
import { InstantClock } from "../server/fixtures.ts";
import { call, rejection } from "./helpers.ts";

const seeded = () => {
  let x = 0;
  return () => (x = (x + 0.37) % 1);
};
const tool = (name: string, parameters: Record<string, unknown> = { type: "object", properties: {} }) => ({
  type: "function",
  function: { name, parameters },
});
const user = [{ role: "user", content: "hi" }];

describe("simulated reply shapes", () => {
  test("values follow $ref, anyOf, const, enum, nullable types, array bounds and integer ranges", () => {
    const schema = {
      type: "object",
      $defs: {
        point: { type: "object", properties: { x: { type: "integer", minimum: 5, maximum: 6 } }, required: ["x"] },
      },
      properties: {
        at: { $ref: "#/$defs/point" },
        kind: { const: "fixed" },
        colour: { enum: ["red", "blue"] },
        maybe: { type: ["null", "boolean"] },
        either: { anyOf: [{ type: "number", minimum: 1, maximum: 2 }, { type: "string" }] },
        list: { type: "array", items: { type: "string", maxLength: 3 }, minItems: 3, maxItems: 3 },
      },
    };
    const value = valueFor(schema, seeded(), schema) as Record<string, any>;
    expect(value.at.x === 5 || value.at.x === 6).toBe(true);
    expect(value.kind).toBe("fixed");
    expect(["red", "blue"]).toContain(value.colour);
    expect(typeof value.maybe).toBe("boolean");
    expect(value.either).toBeGreaterThanOrEqual(1);
    expect(value.list).toHaveLength(3);
    for (const s of value.list) expect(s.length).toBeLessThanOrEqual(3);
  });

  test("the same request gets the same reply; a different seed may not", () => {
    const body = {
      messages: user,
      response_format: {
        type: "json_schema",
        json_schema: { schema: { type: "object", properties: { n: { type: "integer" } } } },
      },
      seed: 1,
    };
    expect(shapedReply(body, "t", "a")).toEqual(shapedReply(body, "t", "a"));
    const many = new Set(
      Array.from({ length: 8 }, (_, seed) => JSON.stringify(shapedReply({ ...body, seed }, "t", "a"))),
    );
    expect(many.size).toBeGreaterThan(1);
  });

  test("tool_choice: a named function wins, none refuses, auto answers a tool result in text, required still calls", () => {
    const tools = [tool("a"), tool("b")];
    expect(shapedReply({ messages: user, tools }, "t", "x").choices[0]).toMatchObject({ kind: "tool", name: "a" });
    expect(
      shapedReply({ messages: user, tools, tool_choice: { type: "function", function: { name: "b" } } }, "t", "x")
        .choices[0],
    ).toMatchObject({ kind: "tool", name: "b" });
    expect(shapedReply({ messages: user, tools, tool_choice: "none" }, "t", "x")).toEqual({
      choices: [{ kind: "content", text: "t" }],
      finish: "stop",
    });
    const afterResult = [...user, { role: "tool", tool_call_id: "c", content: "{}" }];
    expect(shapedReply({ messages: afterResult, tools }, "t", "x").finish).toBe("stop");
    expect(shapedReply({ messages: afterResult, tools, tool_choice: "required" }, "t", "x").finish).toBe("tool_calls");
  });

  test("a shaped stream cut by a fault ends in a cut, like a plain one", async () => {
    const adapter = createSimulatedAdapter(() => ({
      ttftMs: 1,
      perTokenMs: 1,
      outputTokens: 5,
      fault: { kind: "cut_after", tokens: 2 },
    }));
    const ports = {
      clock: new InstantClock(),
      random: { next: () => 0.5 },
      transport: { fetch: () => Promise.reject(new Error("none")) },
      secrets: { get: () => undefined },
    };
    const reply = await adapter.chat(
      call({ body: { model: "m", messages: user, tools: [tool("a")] }, stream: true }),
      ports,
    );
    if (reply.kind !== "stream") throw new Error("expected a stream");
    // the call's arguments (`{}`) fit one piece: the cut comes before the finish chunk
    expect((await reply.chunks.next()).value.choices[0].finish_reason).toBeNull();
    expect((await rejection(reply.chunks.next())).cls).toBe("cut");
  });
});
