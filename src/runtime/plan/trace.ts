// The optional recorder the decision code reports to while it decides (rules tested, split arms,
// candidates kept or skipped). Only `Engine.explain` passes one; the request path passes none, so
// each hook costs the live path one null check.
import type { Settings } from "../../compile/graph.ts";
import type { CandidateTrace, DecisionTrace, SkipRecord } from "../api.ts";
import type { ModelEntry } from "./tables.ts";

export class DecisionTracer {
  readonly trace: DecisionTrace;

  constructor(route: string, key: string | null) {
    this.trace = {
      route,
      key,
      needs: { caps: [], promptTokens: 0, maxTokens: 0, stream: false },
      rules: [],
      splits: [],
      strategy: null,
      candidates: [],
      chosen: null,
      settings: null,
      refused: null,
    };
  }

  rule(route: string, index: number, line: number, matched: boolean): void {
    this.trace.rules.push({ route, rule: index + 1, line, matched });
  }

  /** The split of the rule that matched last picked arm `index` of `of`. */
  split(index: number, of: number): void {
    const last = this.trace.rules[this.trace.rules.length - 1];
    this.trace.splits.push({ route: last?.route ?? this.trace.route, rule: last?.rule ?? 0, arm: index + 1, of });
  }

  target(strategy: string, settings: Settings): void {
    this.trace.strategy = strategy;
    this.trace.settings = settings;
  }

  candidate(entry: ModelEntry, skip: SkipRecord["reason"] | "listed_twice" | null, availableAt: number | null): void {
    const c: CandidateTrace = {
      model: entry.name,
      provider: entry.provider.name,
      skip,
      breaker: entry.breaker.phase,
      providerBreaker: entry.providerBreaker.phase,
      availableAt,
    };
    this.trace.candidates.push(c);
  }
}
