// The human form of a decision trace: the request's needs, every rule tested, the split arms, the
// candidates in strategy order with why each is kept or skipped, the choice and the settings.
import type { CondNode, Graph } from "../compile/graph.ts";
import { condText } from "../compile/print/cond-text.ts";
import { settingsLines } from "../compile/print/text.ts";
import type { CandidateTrace, DecisionTrace } from "../runtime/api.ts";
import { CAPABILITIES, CAP_BIT, maskToCaps } from "../syntax/vocabulary.ts";

export function renderExplain(trace: DecisionTrace, graph: Graph, now: number): string {
  const caller = trace.key === null ? "" : ` with key \`${trace.key}\``;
  const out = [`explain: a request to \`${trace.route}\`${caller} at ${new Date(now).toISOString()}`, ""];
  const n = trace.needs;
  out.push(
    `needs       [${n.caps.join(", ")}]  prompt ≈ ${n.promptTokens} tokens  max_tokens ${n.maxTokens || "not given"}  ${n.stream ? "stream" : "no stream"}`,
  );
  out.push("rules");
  if (trace.rules.length === 0) out.push("  (none: the route does not exist)");
  for (const r of trace.rules) {
    const rule = graph.routes.find((x) => x.name === r.route)?.rules[r.rule - 1];
    const why = r.matched ? "matched" : `no match${rule?.cond ? whyNot(rule.cond, trace) : ""}`;
    out.push(`  ${r.route} rule ${r.rule} (line ${r.line}): ${rule ? condText(rule.cond) : "?"}  → ${why}`);
  }
  for (const s of trace.splits) out.push(`  split in ${s.route} rule ${s.rule}: arm ${s.arm} of ${s.of} drawn`);
  if (trace.strategy !== null) out.push(`strategy    ${trace.strategy} (candidates below in the order it gave)`);
  if (trace.candidates.length) {
    out.push("candidates");
    const width = Math.max(...trace.candidates.map((c) => c.model.length));
    trace.candidates.forEach((c, i) =>
      out.push(`  ${i + 1}. ${c.model.padEnd(width)}  ${candidateText(c, trace, graph, now)}`),
    );
  }
  out.push(
    trace.chosen !== null
      ? `chosen      ${trace.chosen} (the first attempt; failover follows the kept candidates in order)`
      : `refused     ${trace.refused?.status ?? ""}: ${trace.refused?.message ?? "no candidate"}`,
  );
  if (trace.settings) out.push("settings in force", ...settingsLines(trace.settings).map((l) => `  ${l}`));
  return out.join("\n") + "\n";
}

function candidateText(c: CandidateTrace, trace: DecisionTrace, graph: Graph, now: number): string {
  const model = graph.models.find((m) => m.name === c.model);
  const until =
    c.availableAt !== null
      ? ` for ${Math.max(0, Math.ceil((c.availableAt - now) / 1000))}s more (until ${new Date(c.availableAt).toISOString()})`
      : "";
  switch (c.skip) {
    case null:
      return `kept (breaker ${c.breaker}${c.providerBreaker !== "closed" ? `, provider breaker ${c.providerBreaker}` : ""})`;
    case "capability": {
      const needs = trace.needs.caps.reduce(
        (mask, cap) => mask | (CAPABILITIES.includes(cap as never) ? CAP_BIT[cap as keyof typeof CAP_BIT] : 0),
        0,
      );
      const missing = model ? maskToCaps(needs & ~model.caps) : [];
      return `skipped: cannot ${missing.length ? missing.map((m) => `\`${m}\``).join(", ") : "chat"} (can ${model?.capNames.join(", ") ?? "?"})`;
    }
    case "context":
      return `skipped: context ${model?.contextWindow ?? "?"} tokens < prompt ${trace.needs.promptTokens} + max_tokens ${trace.needs.maxTokens}`;
    case "breaker_open":
      return `skipped: breaker open (model ${c.breaker}, provider ${c.providerBreaker})${until}`;
    case "quota":
      return `skipped: quota spent${until}`;
    case "no_key":
      return "skipped: the provider's key is not set";
    case "listed_twice":
      return "skipped: listed earlier in the same target (tried once)";
  }
}

/** The request fact a capability or size condition failed on (other conditions read headers and the body). */
function whyNot(cond: CondNode, trace: DecisionTrace): string {
  if (cond.op === "caps") {
    const lacking = maskToCaps(cond.mask).filter((c) => !trace.needs.caps.includes(c));
    return lacking.length ? ` (the request does not need ${lacking.map((c) => `\`${c}\``).join(", ")})` : "";
  }
  if (cond.op === "tokens") return ` (prompt ≈ ${trace.needs.promptTokens} tokens)`;
  if (cond.op === "and") {
    for (const arg of cond.args) {
      const why = whyNot(arg, trace);
      if (why) return why;
    }
  }
  return "";
}
