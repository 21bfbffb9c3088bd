// Everything decided before the first attempt: the route (404 when unknown), the matching rule and
// its settings, the candidates in strategy order, and which of them are skipped and why.
import type { ChatRequest, EmbeddingsRequest, OutcomeMeta } from "../api.ts";
import { recordSkip } from "../state/accounting.ts";
import { availableAt, resolvePlan, skipReason, type ListTarget } from "./candidates.ts";
import { ClientWatch, NEVER_ABORTED } from "../attempt/client-watch.ts";
import type { Core, RequestCtx } from "../flow/context.ts";
import { noRuleMatched, type ErrorAnswer } from "../flow/errors.ts";
import { unknownModel } from "./unknown-model.ts";
import type { RequestNeeds } from "./needs.ts";
import { orderCandidates, stickyStateKey } from "./strategies.ts";
import type { ModelEntry } from "./tables.ts";
import { admitKey, admitWorstCase, bookKeyRequest, unknownKey, type KeyEntry } from "../state/access.ts";
import type { DecisionTracer } from "./trace.ts";

/** The most one request can cost on these candidates: its prompt plus the longest reply it allows. */
function worstCaseUsd(viable: readonly ModelEntry[], promptTokens: number, body: Record<string, unknown>): number {
  const asked =
    typeof body.max_completion_tokens === "number"
      ? body.max_completion_tokens
      : typeof body.max_tokens === "number"
        ? body.max_tokens
        : null;
  let worst = 0;
  for (const e of viable) {
    const out = asked === null ? e.node.maxOutput : Math.min(asked, e.node.maxOutput);
    worst = Math.max(worst, (promptTokens * e.node.priceIn + out * e.node.priceOut) / 1_000_000);
  }
  return worst;
}

const ANONYMOUS = { ok: true, access: null } as const;

/** The calling key's entry (null: anonymous), or the 401/403/429 that refuses it before planning. */
function admitCaller(
  core: Core,
  req: ChatRequest | EmbeddingsRequest,
): { ok: true; access: KeyEntry | null } | { ok: false; answer: ErrorAnswer } {
  if (req.key == null) return ANONYMOUS; // shared: no allocation for the keyless path
  const access = core.tables.keys.get(req.key);
  const refused = access === undefined ? unknownKey(req.key) : admitKey(access, req.route, core.ports.clock.now());
  return refused === null ? { ok: true, access: access! } : { ok: false, answer: refused };
}

/** After the skip checks: a strict budget refuses a worst case that does not fit; else the request is booked. */
function bookCaller(
  core: Core,
  access: KeyEntry,
  viable: readonly ModelEntry[],
  needs: RequestNeeds,
  body: Record<string, unknown>,
): ErrorAnswer | null {
  const now = core.ports.clock.now();
  const refused =
    viable.length > 0 ? admitWorstCase(access, worstCaseUsd(viable, needs.promptTokens, body), now) : null;
  if (refused === null) bookKeyRequest(access, now);
  return refused;
}

export type Prepared =
  | { ok: true; ctx: RequestCtx; viable: ModelEntry[]; target: ListTarget }
  | { ok: false; answer: ErrorAnswer };

function stickyValue(
  req: ChatRequest | EmbeddingsRequest,
  key: { source: "header" | "metadata"; name: string } | null,
): string | null {
  if (key === null) return null;
  if (key.source === "header") return req.headers.get(key.name);
  const md = req.body.metadata;
  const v = typeof md === "object" && md !== null ? (md as Record<string, unknown>)[key.name] : undefined;
  return typeof v === "string" || typeof v === "number" ? String(v) : null;
}

function listedBefore(list: readonly ModelEntry[], i: number): boolean {
  const name = list[i]!.name;
  for (let j = 0; j < i; j++) if (list[j]!.name === name) return true;
  return false;
}

/** `trace`, when given (explain), hears the rules, the strategy and every candidate's fate. */
export function prepare(
  core: Core,
  req: ChatRequest | EmbeddingsRequest,
  needs: RequestNeeds,
  chat: boolean,
  meta: OutcomeMeta,
  trace?: DecisionTracer,
): Prepared {
  const { tables, ports } = core;
  if (!tables.routes.has(req.route)) return { ok: false, answer: unknownModel(req.route, tables.addressable) };
  const caller = admitCaller(core, req);
  if (!caller.ok) return caller;
  const access = caller.access;
  const input = {
    needs: needs.mask,
    promptTokens: needs.promptTokens,
    headers: req.headers,
    body: req.body,
    key: access,
  };
  const plan = resolvePlan(tables, req.route, input, ports.random, 0, trace);
  if (plan === null) return { ok: false, answer: noRuleMatched(req.route) };
  const { target, rule } = plan;
  trace?.target(target.strategy, rule.settings);
  const sticky = target.strategy === "sticky" ? stickyValue(req, target.stickyKey) : null;
  // a chain's order is fixed: read the list built with the tables (prepare only reads it)
  const ordered: readonly ModelEntry[] =
    target.strategy === "priority"
      ? target.listed
      : orderCandidates(target, {
          random: ports.random,
          cursors: core.state.cursors,
          sticky: core.sticky,
          stickyValue: sticky,
          needs,
        });
  const ctx: RequestCtx = {
    core,
    id: req.id,
    route: req.route,
    body: req.body,
    native: ("native" in req ? req.native : undefined) ?? null,
    headers: req.headers,
    signal: req.signal ?? NEVER_ABORTED,
    client: new ClientWatch(req.signal ?? NEVER_ABORTED),
    needs,
    chat,
    settings: rule.settings,
    deadline: req.receivedAt + rule.settings.timeout.totalMs,
    meta,
    attemptsUsed: 0,
    trail: [],
    lastFailure: null,
    minContext: 0,
    upstreamHeaders: null,
    stickyKey: sticky === null ? null : stickyStateKey(target, sticky),
    access,
  };
  // a model listed twice is tried once; lists are short, so a scan beats a Set per request
  const seen = ordered.length > 16 ? new Set<string>() : null;
  const viable: ModelEntry[] = [];
  const now = core.ports.clock.now();
  for (let i = 0; i < ordered.length; i++) {
    const entry = ordered[i]!;
    if (seen !== null ? seen.has(entry.name) : listedBefore(ordered, i)) {
      trace?.candidate(entry, "listed_twice", null);
      continue;
    }
    seen?.add(entry.name);
    const reason = skipReason(ctx, entry, now);
    if (reason === null) viable.push(entry);
    else recordSkip(ctx, entry.name, reason);
    trace?.candidate(entry, reason, reason === null ? null : availableAt(ctx, entry, reason));
  }
  const refused = access === null ? null : bookCaller(core, access, viable, needs, req.body);
  if (refused !== null) return { ok: false, answer: refused };
  if (access !== null) meta.key = access.name; // booked: what shares its limits counts it
  return { ok: true, ctx, viable, target };
}
