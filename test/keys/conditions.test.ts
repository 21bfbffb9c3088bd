// `when key NAME` and `when tag NAME "value"` route by the calling key: its name, its own tags and
// the tags it inherits from its team (its own win). Anonymous requests match neither.
import { expect, test } from "bun:test";
import { compilePolicySource } from "../../src/compile/index.ts";
import { createEngine } from "../../src/runtime/engine.ts";
import { ManualClock } from "../../src/ports/manual-clock.ts";
import { SeededRandom } from "../../src/ports/seeded-random.ts";
import { defaultAdapters } from "../../src/providers/index.ts";

const POLICY = `
provider sim { kind simulated  ttft 0ms  per_token 0ms }
model a { provider sim  can [chat] }
model b { provider sim  can [chat] }
model c { provider sim  can [chat] }
model d { provider sim  can [chat] }
route chat {
  when key vip -> [a]
  when tag env "staging" -> [b]
  when tag team "search" -> [c]
  otherwise -> [d]
}
team search { tags { team "search"  env "prod" } }
key vip { secret env("K_VIP")  team search }
key searcher { secret env("K_SEARCH")  team search }
key tester { secret env("K_TEST")  team search  tags { env "staging" } }
key loner { secret env("K_LONER") }
`;

test("rules match on the key's name and on its resolved tags", async () => {
  const { graph, diagnostics } = compilePolicySource(POLICY, "conds.route");
  expect(diagnostics).toEqual([]);
  const engine = createEngine({
    graph: graph!,
    adapters: defaultAdapters(),
    ports: {
      clock: new ManualClock(0),
      random: new SeededRandom(1),
      transport: { fetch: () => Promise.reject(new Error("offline")) },
      secrets: { get: () => undefined },
    },
  });
  const servedFor = async (key: string | null) => {
    const out = await engine.chat({
      id: "r",
      route: "chat",
      body: { model: "chat", messages: [{ role: "user", content: "hi" }] },
      headers: { get: () => null },
      signal: new AbortController().signal,
      receivedAt: 0,
      key,
    });
    return out.meta.servedModel;
  };
  expect(await servedFor("vip")).toBe("a");
  expect(await servedFor("tester")).toBe("b"); // its own env tag overrides the team's
  expect(await servedFor("searcher")).toBe("c");
  expect(await servedFor("loner")).toBe("d");
  expect(await servedFor(null)).toBe("d");
  const unknown = await engine.chat({
    id: "r",
    route: "chat",
    body: { model: "chat", messages: [] },
    headers: { get: () => null },
    signal: new AbortController().signal,
    receivedAt: 0,
    key: "ghost",
  });
  expect(unknown.kind === "error" && unknown.status).toBe(401);
});
