// Traffic sources can write their requests in a front-door dialect (`api: messages | responses`):
// they go through the same translation modules serve uses, both ways, under the scenario's faults.
import { describe, expect, test } from "bun:test";
import { renderJson } from "../../src/simulate/render-json.ts";
import { generateTraffic } from "../../src/simulate/traffic.ts";
import { scenario, simulate } from "./helpers.ts";

const faulty = (api: string) => `duration: 30s
seed: 3
traffic:
  - { route: chat, api: ${api}, rate: 10/s, mix: { stream: 50%, tools: 10%${api === "messages" ? "" : ", json: 10%"} } }
providers:
  main:
    faults:
      - { at: 5s, for: 5s, fault: cut_after, tokens: 5, share: 50% }
      - { at: 12s, for: 3s, fault: malformed, share: 30% }
      - { at: 18s, for: 4s, fault: status, status: 503 }
`;

describe("api: messages | responses traffic", () => {
  test("a responses request becomes the same chat body a chat source sends, so the run is the same", async () => {
    const chat = await simulate(faulty("chat"));
    const responses = await simulate(faulty("responses"));
    expect(chat.totals.requests).toBeGreaterThan(250);
    expect(chat.totals.failedOver).toBeGreaterThan(0);
    expect(renderJson(responses)).toBe(renderJson(chat));
  });

  test("messages traffic runs through the Messages translation, faults and all", async () => {
    const s = await simulate(faulty("messages"));
    expect(s.totals.requests).toBeGreaterThan(250);
    expect(s.totals.failedOver).toBeGreaterThan(0);
    // A translation that threw would be counted as an engine_threw failure.
    expect(Object.keys(s.totals.errorsByKind).filter((k) => k.startsWith("engine_threw"))).toEqual([]);
    expect(s.totals.continuations).toBeGreaterThan(0);
  });

  test("each request carries its dialect body, translated to chat by the dialect's own code", () => {
    const [m] = generateTraffic(
      scenario(
        "duration: 1s\ntraffic: [{ route: chat, api: messages, count: 1, mix: { stream: 100%, tools: 100% }, output_tokens: 40 }]",
      ),
    );
    expect(m!.dialect).toMatchObject({
      api: "messages",
      body: { model: "chat", max_tokens: 40, stream: true, tools: [{ name: "lookup" }] },
    });
    expect(m!.body).toMatchObject({
      model: "chat",
      max_tokens: 40,
      stream: true,
      stream_options: { include_usage: true },
      tools: [{ type: "function", function: { name: "lookup" } }],
    });
    const [r] = generateTraffic(
      scenario(
        "duration: 1s\ntraffic: [{ route: chat, api: responses, count: 1, mix: { json: 100% }, metadata: { team: ads } }]",
      ),
    );
    expect(r!.dialect).toMatchObject({
      api: "responses",
      body: { text: { format: { type: "json_object" } }, metadata: { team: "ads" } },
    });
    expect(r!.body).toMatchObject({ response_format: { type: "json_object" }, metadata: { team: "ads" } });
  });

  test("a messages source with json or metadata is refused, naming what to drop", () => {
    expect(() =>
      scenario("duration: 1s\ntraffic: [{ route: chat, api: messages, count: 1, mix: { json: 10% } }]"),
    ).toThrow("`api: messages`");
    expect(() => scenario("duration: 1s\ntraffic: [{ route: chat, api: soap, count: 1 }]")).toThrow("`responses`");
  });
});
