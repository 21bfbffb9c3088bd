// `bun bench/compile-bench.ts`: how long a large policy takes to become a Graph. Generates 1,000
// routes over 5,000 models, times parse, check and compile separately (median of several runs),
// and compares the total with a baseline measured in the same run on the same machine
// (JSON.stringify + JSON.parse of the resulting graph), so the ratio means something on any box.
// Target: total under 250 ms on a 2-core machine.
import { checkPolicy } from "../src/check/index.ts";
import { compilePolicy } from "../src/compile/compile-policy.ts";
import type { Graph } from "../src/compile/graph.ts";
import { parsePolicy } from "../src/syntax/parse.ts";

const ROUTES = Number(process.env.BENCH_ROUTES ?? 1000);
const MODELS = Number(process.env.BENCH_MODELS ?? 5000);
const PROVIDERS = 20;
const RUNS = Number(process.env.BENCH_RUNS ?? 7);
const TARGET_MS = 250;

const CAP_SETS = [
  "[chat, stream]",
  "[chat, stream, tools, json]",
  "[chat, stream, tools, vision, json]",
  "[chat, stream, vision, prefill]",
];

export function generatePolicy(routes = ROUTES, models = MODELS): string {
  const out: string[] = [
    "defaults {",
    "  timeout { connect 5s  first_token 30s  idle 30s  total 5m }",
    "  retry { attempts 2  max_per_request 6  backoff { base 200ms  max 5s  jitter 20% }  on [429, 5xx, connect, reset] }",
    "  breaker { failures 5  error_rate 50%  window 1m  min_requests 20  cooldown 30s }",
    "}",
  ];
  for (let p = 0; p < PROVIDERS; p++) {
    out.push(
      `provider p${p} {`,
      "  kind openai",
      `  base_url "https://llm-${p}.example.com/v1"`,
      `  key env("BENCH_KEY_${p}")`,
      "  quota { requests 10000/min }",
      "}",
    );
  }
  for (let m = 0; m < models; m++) {
    out.push(
      `model m${m} {`,
      `  provider p${m % PROVIDERS}`,
      `  upstream "model-${m}"`,
      `  can ${CAP_SETS[m % CAP_SETS.length]}`,
      `  context ${[8, 32, 128, 200][m % 4]}k  max_output 4k`,
      `  price { input $${(m % 7) + 0.25}  output $${(m % 9) + 1} }`,
      "  quota { requests 500/min  tokens 1M/day }",
      "}",
    );
  }
  // Every model is used: route r's candidates are the five models r*5 … r*5+4 (wrapping); its
  // vision-and-tools rule uses models whose index is 2 mod 4 (the full capability set).
  for (let r = 0; r < routes; r++) {
    const ms = Array.from({ length: 5 }, (_, i) => `m${(r * 5 + i) % models}`);
    const full = (k: number) => `m${(4 * (2 * r + k) + 2) % models}`;
    out.push(
      `route r${r} {`,
      `  when vision and tools -> [${full(0)}, ${full(1)}]`,
      `  when tokens > 100k -> [${ms[3]}, ${ms[1]}]`,
      `  when header "x-tier" == "free" -> round_robin [${ms[0]}, ${ms[4]}]`,
      `  when metadata "team" in ["search", "ads"] -> weighted [${ms[1]} 3, ${ms[2]} 1]`,
      `  otherwise -> [${ms.join(", ")}] { retry { attempts 1 } }`,
      "}",
    );
  }
  return out.join("\n") + "\n";
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function main(): void {
  const source = generatePolicy();
  const times = {
    parse: [] as number[],
    check: [] as number[],
    compile: [] as number[],
    total: [] as number[],
    baseline: [] as number[],
  };
  let graph: Graph | null = null;
  for (let run = 0; run < RUNS; run++) {
    const t0 = performance.now();
    const parsed = parsePolicy(source, "bench.route");
    const t1 = performance.now();
    if (!parsed.policy) throw new Error(`generated policy does not parse: ${parsed.diagnostics[0]?.message}`);
    const diags = checkPolicy(parsed.policy);
    const t2 = performance.now();
    const errors = diags.filter((d) => d.severity === "error");
    if (errors.length) throw new Error(`generated policy has errors: ${errors[0].code} ${errors[0].message}`);
    graph = compilePolicy(parsed.policy, source);
    const t3 = performance.now();
    JSON.parse(JSON.stringify(graph));
    const t4 = performance.now();
    times.parse.push(t1 - t0);
    times.check.push(t2 - t1);
    times.compile.push(t3 - t2);
    times.total.push(t3 - t0);
    times.baseline.push(t4 - t3);
  }
  const m = Object.fromEntries(Object.entries(times).map(([k, v]) => [k, median(v)])) as Record<
    keyof typeof times,
    number
  >;
  const ms = (x: number) => `${x.toFixed(1).padStart(7)} ms`;
  console.log(
    `compile bench: ${ROUTES} routes, ${MODELS} models, ${(source.length / 1e6).toFixed(2)} MB of policy, median of ${RUNS} runs`,
  );
  console.log(`  parse     ${ms(m.parse)}`);
  console.log(`  check     ${ms(m.check)}`);
  console.log(`  compile   ${ms(m.compile)}`);
  console.log(`  total     ${ms(m.total)}   (target < ${TARGET_MS} ms: ${m.total < TARGET_MS ? "met" : "MISSED"})`);
  console.log(
    `  baseline  ${ms(m.baseline)}   JSON.stringify + JSON.parse of the graph (${graph?.routes.length} routes)`,
  );
  console.log(`  ratio     ${(m.total / m.baseline).toFixed(1)}x baseline`);
  if (m.total >= TARGET_MS) process.exitCode = 1;
}

if (import.meta.main) main();
