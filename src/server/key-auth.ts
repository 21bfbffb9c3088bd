// Who is calling: the client's secret → the declared key's NAME (or anonymous, for the flat
// `gateway { keys }` list or a gateway without auth). Declared keys are found through a table of
// SHA-256 digests of their secrets, built once per loaded graph, so a request costs one hash and
// one map lookup however many keys are declared, and the lookup's timing depends on the digest,
// not on how much of the secret matched. The secrets themselves are never kept in the table.
import { hash } from "node:crypto";
import type { Graph } from "../compile/graph.ts";
import type { SecretSource } from "../runtime/ports.ts";
import { bearerToken, clientAllowed, clientKey, constantTimeEquals } from "./auth.ts";

export type Caller = { ok: true; key: string | null } | { ok: false };

interface KeyTable {
  /** sha256(secret) in hex → key name. */
  byDigest: Map<string, string>;
  required: boolean;
}

const tables = new WeakMap<Graph, KeyTable>();
const ANONYMOUS: Caller = { ok: true, key: null };
const DENIED: Caller = { ok: false };

const digest = (text: string): string => hash("sha256", text, "hex");

/** Read once per graph: a rotated key secret takes effect on the next policy (re)load. */
function tableFor(graph: Graph, secrets: SecretSource): KeyTable {
  let table = tables.get(graph);
  if (table === undefined) {
    const byDigest = new Map<string, string>();
    for (const k of graph.keys ?? []) {
      const secret = secrets.get(k.secretEnv);
      if (secret) byDigest.set(digest(secret), k.name);
    }
    table = { byDigest, required: (graph.keys?.length ?? 0) > 0 || graph.gateway.clientKeyEnvs.length > 0 };
    tables.set(graph, table);
  }
  return table;
}

/** The caller's declared key, anonymous (no auth configured, or a flat `keys` secret), or denied (401). */
export function identifyCaller(req: Request, graph: Graph, secrets: SecretSource): Caller {
  const table = tableFor(graph, secrets);
  if (!table.required) return ANONYMOUS;
  const token = clientKey(req);
  if (token === null) return DENIED;
  if (table.byDigest.size > 0) {
    const name = table.byDigest.get(digest(token));
    if (name !== undefined) return { ok: true, key: name };
  }
  return graph.gateway.clientKeyEnvs.length > 0 && clientAllowed(req, graph.gateway, secrets) ? ANONYMOUS : DENIED;
}

/**
 * /metrics names models, routes and traffic, so it is not open when the rest is not: with
 * `metrics_token` it needs that token (a scraper's credential that cannot call the API); without
 * one, it needs a client key (flat or declared) when the gateway has auth; otherwise it is open.
 */
export function metricsAllowed(req: Request, graph: Graph, secrets: SecretSource): boolean {
  const envName = graph.gateway.metricsTokenEnv;
  if (envName === null) return identifyCaller(req, graph, secrets).ok;
  const expected = secrets.get(envName);
  const token = bearerToken(req);
  return expected !== undefined && expected !== "" && token !== null && constantTimeEquals(token, expected);
}
