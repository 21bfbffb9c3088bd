// Providers, models and the gateway section → graph nodes, with the documented defaults filled in
// (base_url per provider kind, upstream = the model's own name, simulated-provider timings).
import type { Decl } from "../syntax/ast.ts";
import type { Limit } from "../check/read-value.ts";
import {
  GATEWAY_DEFAULTS,
  MODEL_DEFAULTS,
  PROVIDER_DEFAULT_BASE_URL,
  SHARED_STATE_DEFAULTS,
  SIM_DEFAULTS,
} from "../check/defaults.ts";
import { gatewaySchema, modelSchema, providerSchema } from "../check/schema.ts";
import { CAPABILITIES, CAP_BIT, type Capability, type ProviderKind } from "../syntax/vocabulary.ts";
import { readBlock, type Fields } from "./ast-values.ts";
import type { GatewayNode, LimitNode, ModelNode, ProviderNode, SharedStateNode, SimProfile } from "./graph.ts";

const num = (v: unknown): number | undefined => (typeof v === "number" ? v : undefined);
const str = (v: unknown): string | undefined => (typeof v === "string" ? v : undefined);
const sub = (v: unknown): Fields => (typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Fields) : {});

export function compileProvider(decl: Decl): ProviderNode {
  const f = readBlock(decl.body, providerSchema);
  const kind = (str(f.kind) ?? "openai") as ProviderKind;
  return {
    name: decl.name?.value ?? "",
    kind,
    baseUrl: kind === "simulated" ? null : (str(f.base_url) ?? PROVIDER_DEFAULT_BASE_URL[kind]),
    keyEnv: kind === "simulated" ? null : (str(f.key) ?? null),
    headers: { ...(f.headers as Record<string, string> | undefined) },
    sim: kind === "simulated" ? simProfile(f) : null,
    limits: limitsOf(sub(f.quota)),
  };
}

function simProfile(f: Fields): SimProfile {
  const outage = sub(f.outage);
  const periodMs = num(outage.every);
  const downMs = num(outage.for);
  const errorStatus = num(f.error_status) ?? SIM_DEFAULTS.error_status;
  return {
    ttftMs: num(f.ttft) ?? SIM_DEFAULTS.ttft,
    perTokenMs: num(f.per_token) ?? SIM_DEFAULTS.per_token,
    outputTokens: num(f.output_tokens) ?? SIM_DEFAULTS.output_tokens,
    errorRate: num(f.error_rate) ?? SIM_DEFAULTS.error_rate,
    errorStatus,
    outage:
      periodMs !== undefined && downMs !== undefined
        ? { periodMs, downMs, status: num(outage.status) ?? errorStatus }
        : null,
  };
}

export function compileModel(decl: Decl): ModelNode {
  const f = readBlock(decl.body, modelSchema);
  const name = decl.name?.value ?? "";
  let caps = 0;
  for (const c of (f.can as Capability[] | undefined) ?? []) caps |= CAP_BIT[c];
  const price = sub(f.price);
  return {
    name,
    upstream: str(f.upstream) ?? name,
    provider: str(f.provider) ?? "",
    caps,
    capNames: CAPABILITIES.filter((c) => (caps & CAP_BIT[c]) !== 0), // canonical order, whatever order was written
    contextWindow: num(f.context) ?? MODEL_DEFAULTS.context,
    maxOutput: num(f.max_output) ?? MODEL_DEFAULTS.max_output,
    priceIn: num(price.input) ?? MODEL_DEFAULTS.price.input,
    priceOut: num(price.output) ?? MODEL_DEFAULTS.price.output,
    limits: limitsOf(sub(f.quota)),
  };
}

export function compileGateway(decl: Decl | undefined): GatewayNode {
  const f = readBlock(decl?.body, gatewaySchema);
  const sharedState = compileSharedState(f.shared_state);
  return {
    clientKeyEnvs: [...((f.keys as string[] | undefined) ?? [])],
    adminTokenEnv: str(f.admin_token) ?? null,
    metricsTokenEnv: str(f.metrics_token) ?? null,
    maxBodyBytes: num(f.max_body) ?? GATEWAY_DEFAULTS.max_body,
    directModels: typeof f.direct_models === "boolean" ? f.direct_models : GATEWAY_DEFAULTS.direct_models,
    ...(sharedState ? { sharedState } : {}), // absent when alone: graphs (and their goldens) of single instances are unchanged
  };
}

function compileSharedState(value: unknown): SharedStateNode | null {
  if (value === undefined) return null;
  const f = sub(value);
  const redisUrlEnv = str(f.redis);
  if (redisUrlEnv === undefined) return null; // the checker refused it (SY2008)
  return {
    redisUrlEnv,
    instanceIdEnv: str(f.instance_id) ?? null,
    prefix: str(f.prefix) ?? SHARED_STATE_DEFAULTS.prefix,
    timeoutMs: num(f.timeout) ?? SHARED_STATE_DEFAULTS.timeout,
    syncMs: num(f.sync) ?? SHARED_STATE_DEFAULTS.sync,
    lease: num(f.lease) ?? SHARED_STATE_DEFAULTS.lease,
  };
}

/** `quota { requests 500/min  tokens [100k/min, 1M/day]  spend $50/day }` → one LimitNode per rate. */
function limitsOf(quota: Fields): LimitNode[] {
  const limits: LimitNode[] = [];
  addLimits(limits, quota.requests);
  addLimits(limits, quota.tokens);
  addLimits(limits, quota.spend);
  return limits;
}

/** readValue builds fresh `{ metric, amount, window }` objects per block: they become the nodes as they are. */
function addLimits(into: LimitNode[], read: Fields[string]): void {
  if (read !== undefined) for (const l of read as Limit[]) into.push(l);
}
