// Worst-case figures of every rule and route, computed from the compiled graph alone: the longest
// wait for the first token (or the final error), the longest wall time of a request, the most
// upstream attempts and the highest cost of one request. It mirrors the engine's failover loop
// (src/runtime/attempt/attempt-loop.ts) as arithmetic; the assumptions are listed in ASSUMPTIONS
// and in docs/language.md (bounds), so a figure can be checked by hand.
import { CAP_BIT } from "../../syntax/vocabulary.ts";
import type { CandidateNode, CondNode, Graph, ModelNode, RuleNode, Settings, TargetNode } from "../graph.ts";

export const ASSUMPTIONS = [
  "every attempt fails as late as its timeout allows: max(connect, first_token) after it starts",
  "a retry waits the larger of the backoff maximum for that retry (jitter only shortens it) and retry_after_cap",
  "failing over to the next model waits nothing; nothing starts after timeout.total",
  "a streamed reply may run until timeout.total (idle gaps reset), continuations included",
  "a prompt fills the model's context less its max_output (or the rule's `tokens` bound), the reply is max_output",
  "an attempt bills when it times out after the upstream took the request; statuses and connect failures do not",
];

/** How many attempts the worst path spends on one model, and what each costs in time. */
export interface PathStep {
  model: string;
  attempts: number;
  /** max(connect, first_token) of the settings in force. */
  attemptMs: number;
  /** Sum of the waits before this model's retries. */
  waitMs: number;
}

export interface WorstCase {
  /** Longest wait for the first token or the final error, capped by timeout.total. */
  latencyMs: number;
  /** The same before the cap: above latencyMs when `total` is what stops the request. */
  uncappedMs: number;
  /** Longest wall time: timeout.total when a stream can run (a streamed reply may last that long), else latencyMs. */
  wallMs: number;
  attempts: number;
  costUsd: number;
  /** The attempts behind latencyMs, in order. */
  path: PathStep[];
  /** The billing attempts behind costUsd. */
  bills: { model: string; attempts: number; inputTokens: number; outputTokens: number; usd: number }[];
  /** Settings that produced the figures (the innermost rule's, for `route` targets). */
  settings: Settings;
}

export interface RuleWorstCase extends WorstCase {
  rule: number; // 1-based, as `switchyard graph` numbers rules
  line: number;
}

export interface RouteWorstCase {
  route: string;
  /** The largest figure of each kind over the route's rules (they may come from different rules). */
  latencyMs: number;
  wallMs: number;
  attempts: number;
  costUsd: number;
  rules: RuleWorstCase[];
}

export interface GraphWorstCase {
  assumptions: string[];
  routes: RouteWorstCase[];
}

export function analyzeGraph(graph: Graph): GraphWorstCase {
  const analyzer = new Analyzer(graph);
  return { assumptions: ASSUMPTIONS, routes: graph.routes.map((r) => analyzer.route(r.name)!) };
}

class Analyzer {
  readonly #models = new Map<string, ModelNode>();
  readonly #rules = new Map<string, RuleNode[]>();
  readonly #memo = new Map<string, RouteWorstCase>();

  constructor(graph: Graph) {
    for (const m of graph.models) this.#models.set(m.name, m);
    for (const r of graph.routes) this.#rules.set(r.name, r.rules);
  }

  route(name: string, depth = 0): RouteWorstCase | null {
    const known = this.#memo.get(name);
    if (known) return known;
    const rules = this.#rules.get(name);
    if (!rules || depth > 16) return null; // the checker forbids cycles; guard anyway
    const analysed = rules.map(
      (rule, i): RuleWorstCase => ({ rule: i + 1, line: rule.line, ...this.rule(rule, depth) }),
    );
    const most = (pick: (w: WorstCase) => number) => Math.max(0, ...analysed.map(pick));
    const result: RouteWorstCase = {
      route: name,
      latencyMs: most((w) => w.latencyMs),
      wallMs: most((w) => w.wallMs),
      attempts: most((w) => w.attempts),
      costUsd: most((w) => w.costUsd),
      rules: analysed,
    };
    this.#memo.set(name, result);
    return result;
  }

  rule(rule: RuleNode, depth: number): WorstCase {
    return this.#target(rule.target, rule.settings, rule.needs, tokenBounds(rule.cond), depth);
  }

  /** Splits and `route` targets: the worst arm (the engine picks one per request). */
  #target(t: TargetNode, settings: Settings, needs: number, tokens: TokenBounds, depth: number): WorstCase {
    if (t.kind === "route") {
      const inner = this.route(t.route, depth + 1);
      return inner ? worstOf(inner.rules) : emptyCase(settings);
    }
    if (t.kind === "split") return worstOf(t.arms.map((a) => this.#target(a.target, settings, needs, tokens, depth)));
    const usable = distinct(t.candidates).filter((c) => (c.caps & needs) === needs && c.contextWindow >= tokens.min);
    const models = usable.map((c) => this.#models.get(c.model)).filter((m): m is ModelNode => m !== undefined);
    return listCase(models, settings, tokens);
  }
}

interface TokenBounds {
  min: number;
  max: number;
}

/** Bounds on the prompt size a rule guarantees (`when tokens < 8k`), from its top-level `and`s. */
export function tokenBounds(c: CondNode | null): TokenBounds {
  const b = { min: 0, max: Number.POSITIVE_INFINITY };
  const visit = (n: CondNode): void => {
    if (n.op === "and") n.args.forEach(visit);
    if (n.op !== "tokens") return;
    if (n.cmp === "<") b.max = Math.min(b.max, n.value - 1);
    if (n.cmp === "<=" || n.cmp === "==") b.max = Math.min(b.max, n.value);
    if (n.cmp === ">") b.min = Math.max(b.min, n.value + 1);
    if (n.cmp === ">=" || n.cmp === "==") b.min = Math.max(b.min, n.value);
  };
  if (c) visit(c);
  return b;
}

function distinct(list: readonly CandidateNode[]): CandidateNode[] {
  return list.filter((c, i) => list.findIndex((d) => d.model === c.model) === i);
}

function emptyCase(settings: Settings): WorstCase {
  return { latencyMs: 0, uncappedMs: 0, wallMs: 0, attempts: 0, costUsd: 0, path: [], bills: [], settings };
}

function worstOf(cases: readonly WorstCase[]): WorstCase {
  if (cases.length === 0) throw new Error("worstOf needs at least one case");
  const byLatency = cases.reduce((a, b) => (b.latencyMs > a.latencyMs ? b : a));
  const byCost = cases.reduce((a, b) => (b.costUsd > a.costUsd ? b : a));
  return {
    ...byLatency,
    wallMs: Math.max(...cases.map((c) => c.wallMs)),
    attempts: Math.max(...cases.map((c) => c.attempts)),
    costUsd: byCost.costUsd,
    bills: byCost.bills,
  };
}

/** Wait before retry `n` (0-based) on the same model: the backoff maximum or the Retry-After cap. */
export function retryWaitMs(n: number, retry: Settings["retry"]): number {
  return Math.max(Math.min(retry.backoffMaxMs, retry.backoffBaseMs * 2 ** n), retry.retryAfterCapMs);
}

function listCase(models: readonly ModelNode[], settings: Settings, tokens: TokenBounds): WorstCase {
  const { timeout, retry } = settings;
  const retries = retry.onStatuses.length > 0 || retry.onClasses.length > 0;
  const perModel = retries ? retry.attempts : 1;
  const attempts = Math.min(retry.maxPerRequest, models.length * perModel);
  const attemptMs = Math.max(timeout.connectMs, timeout.firstTokenMs);
  // later retries wait longer, so the worst path spends each model's attempts in full before the next
  const path: PathStep[] = [];
  let left = attempts;
  for (const m of models) {
    if (left === 0) break;
    const n = Math.min(perModel, left);
    left -= n;
    let waitMs = 0;
    for (let k = 0; k < n - 1; k++) waitMs += retryWaitMs(k, retry);
    path.push({ model: m.name, attempts: n, attemptMs, waitMs });
  }
  const uncappedMs = path.reduce((sum, s) => sum + s.attempts * s.attemptMs + s.waitMs, 0);
  const latencyMs = Math.min(timeout.totalMs, uncappedMs);
  const streams = models.some((m) => (m.caps & CAP_BIT.stream) !== 0);
  return {
    latencyMs,
    uncappedMs,
    wallMs: streams && attempts > 0 ? timeout.totalMs : latencyMs,
    attempts,
    ...billing(models, settings, tokens, attempts),
    path,
    settings,
  };
}

/** The priciest billing attempts: a timed-out attempt bills, and is retried only when `timeout` is. */
function billing(
  models: readonly ModelNode[],
  settings: Settings,
  tokens: TokenBounds,
  attempts: number,
): Pick<WorstCase, "costUsd" | "bills"> {
  const perModel = settings.retry.onClasses.includes("timeout") ? settings.retry.attempts : 1;
  const priced = models
    .map((m) => {
      const embedsOnly = (m.caps & (CAP_BIT.embeddings | CAP_BIT.chat)) === CAP_BIT.embeddings;
      const outputTokens = embedsOnly ? 0 : Math.min(m.maxOutput, m.contextWindow);
      const inputTokens = Math.max(0, Math.min(tokens.max, m.contextWindow - outputTokens));
      return {
        model: m.name,
        inputTokens,
        outputTokens,
        usd: (inputTokens * m.priceIn + outputTokens * m.priceOut) / 1e6,
      };
    })
    .sort((a, b) => b.usd - a.usd);
  const bills: WorstCase["bills"] = [];
  let left = attempts;
  for (const p of priced) {
    if (left === 0 || p.usd === 0) break;
    const n = Math.min(perModel, left);
    left -= n;
    bills.push({
      model: p.model,
      attempts: n,
      inputTokens: p.inputTokens,
      outputTokens: p.outputTokens,
      usd: p.usd * n,
    });
  }
  return {
    costUsd: roundUsd(bills.reduce((sum, b) => sum + b.usd, 0)),
    bills: bills.map((b) => ({ ...b, usd: roundUsd(b.usd) })),
  };
}

/** To a millionth of a dollar, so sums of prices print without float noise. */
function roundUsd(usd: number): number {
  return Math.round(usd * 1e6) / 1e6;
}
