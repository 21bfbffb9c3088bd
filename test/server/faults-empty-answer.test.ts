// Fault suite, a 200 without an answer: a completion with no choices (or a choice without a message)
// is the provider's failure like a 5xx: the next candidate serves, and only when none is left does
// the client get an error, never an empty 200.
import { describe, expect, test } from "bun:test";
import { stopAfterEach, faultGraph, faultSettings, lastLog, startRig, type Rig } from "./fault-harness.ts";
import { completionBody, json, mockUpstream, type MockUpstream } from "./mock-upstream.ts";

const track = stopAfterEach();
const noChoices = (model: string) => () => json({ ...completionBody(model, ""), choices: [] });
const noMessage = (model: string) => () =>
  json({ ...completionBody(model, ""), choices: [{ index: 0, finish_reason: "stop" }] });

function rig(a: MockUpstream, b: MockUpstream): Rig {
  return track(
    startRig(
      faultGraph(
        [
          { name: "a", upstream: a },
          { name: "b", upstream: b },
        ],
        faultSettings(),
      ),
    ),
  );
}

describe("fault suite: a 200 with no usable answer", () => {
  test("`choices: []` fails over to the next model", async () => {
    const a = track(mockUpstream(noChoices("a-up")));
    const b = track(mockUpstream(() => json(completionBody("b-up", "from b"))));
    const r = rig(a, b);
    const res = await r.chat({});
    expect(res.status).toBe(200);
    expect(((await res.json()) as any).choices[0].message.content).toBe("from b");
    expect(res.headers.get("x-switchyard-attempts")).toBe("a:malformed,b:200");
    expect(lastLog(r).servedModel).toBe("b");
  });

  test("a choice without a message fails over to the next model", async () => {
    const a = track(mockUpstream(noMessage("a-up")));
    const b = track(mockUpstream(() => json(completionBody("b-up", "from b"))));
    const res = await rig(a, b).chat({});
    expect(res.status).toBe(200);
    expect(((await res.json()) as any).choices[0].message.content).toBe("from b");
  });

  test("when every model answers without choices the client gets a clear 502, not an empty 200", async () => {
    const a = track(mockUpstream(noChoices("a-up")));
    const b = track(mockUpstream(noChoices("b-up")));
    const res = await rig(a, b).chat({});
    expect(res.status).toBe(502);
    const body = (await res.json()) as any;
    expect(body.error.message).toContain("a:malformed");
    expect(body.error.message).toContain("b:malformed");
    expect(body.choices).toBeUndefined();
  });
});
