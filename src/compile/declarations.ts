// Providers, models and the gateway section → graph nodes, with the documented defaults filled in
// (base_url per provider kind, upstream = the model's own name, simulated-provider timings).
import type { Decl } from "../syntax/ast.ts";
import type { Limit } from "../check/read-value.ts";
import { GATEWAY_DEFAULTS, gatewaySchema, MODEL_DEFAULTS, modelSchema, PROVIDER_DEFAULT_BASE_URL, providerSchema, SIM_DEFAULTS } from "../check/schema.ts";
import { CAPABILITIES, capsToMask, type Capability, type ProviderKind } from "../syntax/vocabulary.ts";
import { fieldsOf, type Fields } from "./ast-values.ts";
import type { GatewayNode, LimitNode, ModelNode, ProviderNode, SimProfile } from "./graph.ts";

export function compileProvider(decl: Decl): ProviderNode {
  const f = fieldsOf(decl.body, providerSchema);
  const kind = f.get<ProviderKind>("kind") ?? "openai";
  return {
    name: decl.name?.value ?? "",
    kind,
    baseUrl: kind === "simulated" ? null : (f.get<string>("base_url") ?? PROVIDER_DEFAULT_BASE_URL[kind]),
    keyEnv: kind === "simulated" ? null : (f.get<string>("key") ?? null),
    headers: f.get<Record<string, string>>("headers") ?? {},
    sim: kind === "simulated" ? simProfile(f) : null,
    limits: limitsOf(f.block("quota")),
  };
}

function simProfile(f: Fields): SimProfile {
  const outage = f.block("outage");
  const periodMs = outage.get<number>("every");
  const downMs = outage.get<number>("for");
  const errorStatus = f.get<number>("error_status") ?? SIM_DEFAULTS.error_status;
  return {
    ttftMs: f.get<number>("ttft") ?? SIM_DEFAULTS.ttft,
    perTokenMs: f.get<number>("per_token") ?? SIM_DEFAULTS.per_token,
    outputTokens: f.get<number>("output_tokens") ?? SIM_DEFAULTS.output_tokens,
    errorRate: f.get<number>("error_rate") ?? SIM_DEFAULTS.error_rate,
    errorStatus,
    outage: periodMs !== undefined && downMs !== undefined ? { periodMs, downMs, status: outage.get<number>("status") ?? errorStatus } : null,
  };
}

export function compileModel(decl: Decl): ModelNode {
  const f = fieldsOf(decl.body, modelSchema);
  const name = decl.name?.value ?? "";
  const declared = new Set(f.get<Capability[]>("can") ?? []);
  const capNames = CAPABILITIES.filter((c) => declared.has(c)); // canonical order, whatever order was written
  const price = f.block("price");
  return {
    name,
    upstream: f.get<string>("upstream") ?? name,
    provider: f.get<string>("provider") ?? "",
    caps: capsToMask(capNames),
    capNames,
    contextWindow: f.get<number>("context") ?? MODEL_DEFAULTS.context,
    maxOutput: f.get<number>("max_output") ?? MODEL_DEFAULTS.max_output,
    priceIn: price.get<number>("input") ?? MODEL_DEFAULTS.price.input,
    priceOut: price.get<number>("output") ?? MODEL_DEFAULTS.price.output,
    limits: limitsOf(f.block("quota")),
  };
}

export function compileGateway(decl: Decl | undefined): GatewayNode {
  const f = fieldsOf(decl?.body, gatewaySchema);
  return {
    clientKeyEnvs: f.get<string[]>("keys") ?? [],
    adminTokenEnv: f.get<string>("admin_token") ?? null,
    maxBodyBytes: f.get<number>("max_body") ?? GATEWAY_DEFAULTS.max_body,
  };
}

/** `quota { requests 500/min  tokens [100k/min, 1M/day]  spend $50/day }` → one LimitNode per rate. */
function limitsOf(quota: Fields): LimitNode[] {
  return ["requests", "tokens", "spend"].flatMap((key) => (quota.get<Limit[]>(key) ?? []).map((l) => ({ ...l })));
}
