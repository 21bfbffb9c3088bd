// The graph printers: the text dump answers "where does this request go", dot and mermaid draw
// the same boxes and arrows, and `--route` narrows to one route and what it uses.
import { describe, expect, test } from "bun:test";
import { compilePolicySource } from "../../src/compile/index.ts";
import { onlyRoute, printGraph } from "../../src/compile/print/index.ts";
import { duration, money, size, statuses } from "../../src/compile/print/units.ts";

const { graph } = compilePolicySource(
  `
  provider sim { kind simulated }
  provider other { kind simulated }
  model a { provider sim  can [chat, tools] }
  model b { provider sim  can [chat] }
  model c { provider other  can [chat] }
  route cheap { otherwise -> [b] }
  route main {
    when tools -> [a, b]
    when header "x-tier" == "free" -> route cheap
    otherwise -> split [ [a, b] 70%, weighted [b 2, a] 30% ] { timeout { total 1m } }
  }
  route lone { otherwise -> [c] }
`,
  "print.route",
);

describe("text", () => {
  const text = printGraph(graph!, "text");

  test("routes list rules with conditions, needs, candidates and their caps", () => {
    expect(text).toContain(
      "route main\n  rule 1 (line 9): when tools  needs [tools]\n    chain\n      1. a  sim  [chat, tools]  context 128k\n      2. b  sim  [chat]         context 128k",
    );
    expect(text).toContain("-> route cheap");
    expect(text).toContain("split\n      70%: chain");
    expect(text).toContain("30%: weighted");
  });

  test("resolved settings are printed once per distinct set", () => {
    expect(text).toContain("settings as rule 1");
    expect(text).toMatch(
      /rule 3 \(line 11\): otherwise[\s\S]*timeout  connect 10s  first_token 1m  idle 30s  total 1m/,
    );
  });

  test("no line ends with spaces", () => {
    expect(text.split("\n").filter((l) => l !== l.trimEnd())).toEqual([]);
  });
});

describe("dot and mermaid", () => {
  test("dot is a digraph with a box per route and an edge per candidate", () => {
    const dot = printGraph(graph!, "dot");
    expect(dot.startsWith("digraph switchyard {")).toBe(true);
    expect(dot.trimEnd().endsWith("}")).toBe(true);
    expect(dot).toContain('label="route main"');
    expect(dot).toMatch(/r1_0_t -> m0 \[label="1"\];\n {2}r1_0_t -> m1 \[label="2"\];/);
    expect(dot).toContain('label="when header \\"x-tier\\" == \\"free\\""'); // quotes escaped
    expect(dot).toMatch(/r1_1 -> r0 \[style=dashed\]/); // a route target points at that route's box
  });

  test("mermaid is a flowchart with entity-escaped labels", () => {
    const mermaid = printGraph(graph!, "mermaid");
    expect(mermaid.startsWith("flowchart LR\n")).toBe(true);
    expect(mermaid).toContain('r1_1["when header #quot;x-tier#quot; == #quot;free#quot;"]');
    expect(mermaid).toContain('-->|"70%"|');
  });
});

describe("one route", () => {
  test("keeps the route and only the models and providers it uses", () => {
    const g = onlyRoute(graph!, "lone")!;
    expect(g.routes.map((r) => r.name)).toEqual(["lone"]);
    expect(g.models.map((m) => m.name)).toEqual(["c"]);
    expect(g.providers.map((p) => p.name)).toEqual(["other"]);
    expect(printGraph(g, "text")).not.toContain("route main");
  });

  test("an unknown route is null", () => {
    expect(onlyRoute(graph!, "nope")).toBeNull();
  });
});

test("units print the way a policy writes them", () => {
  expect([duration(250), duration(1500), duration(30_000), duration(120_000), duration(3_600_000)]).toEqual([
    "250ms",
    "1.5s",
    "30s",
    "2m",
    "1h",
  ]);
  expect([size(128_000), size(1_000_000), size(4096)]).toEqual(["128k", "1M", "4096"]);
  expect([money(2.5), money(0.15), money(0.001)]).toEqual(["$2.50", "$0.15", "$0.001"]);
  const all5xx = Array.from({ length: 100 }, (_, i) => 500 + i);
  expect(statuses([429, ...all5xx])).toEqual(["429", "5xx"]);
  expect(statuses([429, 502])).toEqual(["429", "502"]);
});
