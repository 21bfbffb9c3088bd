// Declared client keys and teams at run time: each key's live accounts (the key's own, then its
// team's) with their limit slots and counters, the admission checks made before any upstream
// attempt (route allowed: 403; a spent limit or budget: 429 with the seconds to its window's
// reset), and the booking of actual usage after the answer. Authentication (secret → key name)
// is the caller's: the engine only ever sees the key's NAME.
import type { Graph, KeyNode, LimitNode } from "../../compile/graph.ts";
import type { AccessCounters, OpenAIErrorBody, RuntimeState } from "../api.ts";
import type { ErrorAnswer } from "../flow/errors.ts";
import { addUsage, isSpent, quotaKey, resetsAt, type QuotaSlot } from "./quotas.ts";

export interface Account {
  scope: "key" | "team";
  name: string;
  slots: QuotaSlot[];
  counters: AccessCounters;
  strict: boolean;
}

export interface KeyEntry {
  name: string;
  routes: ReadonlySet<string> | null;
  tags: Readonly<Record<string, string>>;
  /** The key's own account first, then its team's. */
  accounts: Account[];
}

export const accessStateKey = (scope: "key" | "team", name: string): string => `${scope}:${name}`;

export function freshAccessCounters(): AccessCounters {
  return { requests: 0, refused: 0, tokensIn: 0, tokensOut: 0, costUsd: 0 };
}

function account(
  scope: "key" | "team",
  name: string,
  limits: LimitNode[],
  strict: boolean,
  state: RuntimeState,
): Account {
  const counters = ((state.access ??= {})[accessStateKey(scope, name)] ??= freshAccessCounters());
  const slots = limits.map((limit) => {
    const key = quotaKey(scope, name, limit);
    return { key, limit, state: (state.quotas[key] ??= { windowStart: Number.NEGATIVE_INFINITY, used: 0 }) };
  });
  return { scope, name, slots, counters, strict };
}

/** Built once per graph; the state records must already be adopted (runtime-state.ts). */
export function buildKeys(graph: Graph, state: RuntimeState): Map<string, KeyEntry> {
  const teams = new Map<string, Account>();
  for (const t of graph.teams ?? []) teams.set(t.name, account("team", t.name, t.limits, t.strict, state));
  const keys = new Map<string, KeyEntry>();
  for (const k of graph.keys ?? []) keys.set(k.name, keyEntry(k, teams, state));
  return keys;
}

function keyEntry(k: KeyNode, teams: Map<string, Account>, state: RuntimeState): KeyEntry {
  const team = k.team === null ? undefined : teams.get(k.team);
  const own = account("key", k.name, k.limits, k.strict, state);
  return {
    name: k.name,
    routes: k.routes === null ? null : new Set(k.routes),
    tags: k.tags,
    accounts: team ? [own, team] : [own],
  };
}

function error(message: string, type: string, code: string): OpenAIErrorBody {
  return { error: { message, type, param: null, code } };
}

export function unknownKey(name: string): ErrorAnswer {
  return {
    status: 401,
    error: error(
      `unknown key \`${name}\`: it is not declared in the policy`,
      "invalid_request_error",
      "invalid_api_key",
    ),
    retryAfterS: null,
  };
}

const PER: Record<string, string> = { second: "second", minute: "minute", hour: "hour", day: "day", month: "month" };

function describeLimit(a: Account, l: LimitNode): string {
  const amount = l.metric === "usd" ? `$${l.amount} spend` : `${l.amount} ${l.metric}`;
  return `${a.scope} \`${a.name}\` ${l.metric === "usd" ? "budget" : "limit"} of ${amount} per ${PER[l.window]}`;
}

function limited(a: Account, slot: QuotaSlot, now: number, why: string): ErrorAnswer {
  a.counters.refused++;
  const retryAfterS = Math.max(1, Math.ceil((resetsAt(slot, now) - now) / 1000));
  const budget = slot.limit.metric === "usd";
  const message = `${why} ${describeLimit(a, slot.limit)}; it resets in ${retryAfterS}s`;
  return {
    status: 429,
    error: error(
      message,
      budget ? "insufficient_quota" : "rate_limit_error",
      budget ? "budget_exceeded" : "rate_limit_exceeded",
    ),
    retryAfterS,
  };
}

/** Before anything is planned: the route must be one the key may call, and no limit spent. */
export function admitKey(entry: KeyEntry, route: string, now: number): ErrorAnswer | null {
  if (entry.routes !== null && !entry.routes.has(route)) {
    entry.accounts[0]!.counters.refused++;
    const message = `key \`${entry.name}\` may not call route \`${route}\`; it may call ${[...entry.routes].map((r) => `\`${r}\``).join(", ") || "no route"}`;
    return { status: 403, error: error(message, "permission_error", "route_not_allowed"), retryAfterS: null };
  }
  for (const a of entry.accounts) {
    for (const slot of a.slots) if (isSpent(slot, now)) return limited(a, slot, now, "this request would exceed the");
  }
  return null;
}

/** The request was admitted (every check passed): it counts against `requests` limits now. */
export function bookKeyRequest(entry: KeyEntry, now: number): void {
  for (const a of entry.accounts) {
    a.counters.requests++;
    for (const slot of a.slots) if (slot.limit.metric === "requests") addUsage(slot, now, ONE_REQUEST);
  }
}

const ONE_REQUEST = { requests: 1, tokens: 0, usd: 0 } as const;

/** `budget { strict true }`: refuse when the worst case would not fit in what is left. */
export function admitWorstCase(entry: KeyEntry, worstUsd: number, now: number): ErrorAnswer | null {
  for (const a of entry.accounts) {
    if (!a.strict) continue;
    for (const slot of a.slots) {
      if (slot.limit.metric === "usd" && slot.state.used + worstUsd > slot.limit.amount) {
        return limited(a, slot, now, `its worst-case cost ($${worstUsd.toFixed(6)}) does not fit in the`);
      }
    }
  }
  return null;
}

/** Actual usage of one attempt, after the answer (or the part of a broken stream that was billed). */
export function bookKeyUsage(entry: KeyEntry, now: number, tokensIn: number, tokensOut: number, usd: number): void {
  const amounts = { requests: 0, tokens: tokensIn + tokensOut, usd };
  for (const a of entry.accounts) {
    const c = a.counters;
    c.tokensIn += tokensIn;
    c.tokensOut += tokensOut;
    c.costUsd += usd;
    for (const slot of a.slots) if (slot.limit.metric !== "requests") addUsage(slot, now, amounts);
  }
}
