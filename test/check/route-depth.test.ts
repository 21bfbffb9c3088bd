// The checker and the engine agree on the route hop limit (issue 9, item 7): a chain of exactly
// MAX_ROUTE_HOPS hops lints clean and is served; one more is SY2035 at lint time instead of a
// misleading "no rule matches" at run time. Long chains are checked in time linear in their size.
import { describe, expect, test } from "bun:test";
import { checkPolicy } from "../../src/check/index.ts";
import { compilePolicySource } from "../../src/compile/index.ts";
import { parsePolicy } from "../../src/syntax/parse.ts";
import { MAX_ROUTE_HOPS } from "../../src/syntax/vocabulary.ts";
import { harness } from "../runtime/fixtures.ts";

/** Routes r0 → r1 → … → r{hops}, the last one on a simulated model. */
function chain(hops: number): string {
  const lines = ["provider sim { kind simulated }", "model m { provider sim  can [chat, stream] }"];
  for (let i = 0; i < hops; i++) lines.push(`route r${i} { otherwise -> route r${i + 1} }`);
  lines.push(`route r${hops} { otherwise -> m }`);
  return lines.join("\n");
}

const codes = (text: string) => checkPolicy(parsePolicy(text, "t.route").policy!).map((d) => d.code);

describe("route hop limit", () => {
  test(`${MAX_ROUTE_HOPS} hops lint clean and are served`, async () => {
    expect(codes(chain(MAX_ROUTE_HOPS))).toEqual([]);
    const graph = compilePolicySource(chain(MAX_ROUTE_HOPS), "t.route").graph!;
    const h = harness(graph);
    const outcome = await h.chat({}, { route: "r0" });
    expect(outcome.kind).toBe("completion");
    expect(outcome.meta.servedModel).toBe("m");
  });

  test(`${MAX_ROUTE_HOPS + 1} hops are SY2035, reported once`, () => {
    expect(codes(chain(MAX_ROUTE_HOPS + 1))).toEqual(["SY2035"]);
  });

  test("a 5,000-route chain is reported once, without a stack overflow", () => {
    expect(codes(chain(5_000))).toEqual(["SY2035"]);
  });
});
