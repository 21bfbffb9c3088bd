// The checker: runs every semantic pass over a parsed policy and returns all their diagnostics at
// once. The first pass builds the symbol table; the others only read it and report.
import type { Policy } from "../syntax/ast.ts";
import { Session, type Diagnostic } from "../syntax/diagnostic.ts";
import { CheckContext, type CheckOptions, type Pass } from "./context.ts";
import { checkBlockShape } from "./passes/block-shape.ts";
import { checkCacheSettings } from "./passes/cache-settings.ts";
import { checkCapabilities } from "./passes/capabilities.ts";
import { collectSymbols } from "./passes/collect-symbols.ts";
import { checkConditions } from "./passes/conditions.ts";
import { checkEnvVars } from "./passes/env-vars.ts";
import { checkMissingOtherwise } from "./passes/missing-otherwise.ts";
import { checkHasRoutes } from "./passes/no-routes.ts";
import { checkModels } from "./passes/models.ts";
import { checkProviders } from "./passes/providers.ts";
import { checkRouteCycles } from "./passes/route-cycles.ts";
import { checkRouteDepth } from "./passes/route-depth.ts";
import { checkSecrets } from "./passes/secrets.ts";
import { checkSettingsConsistency } from "./passes/settings-consistency.ts";
import { checkShadowedRules } from "./passes/shadowed-rules.ts";
import { checkTargets } from "./passes/targets.ts";
import { checkUnused } from "./passes/unused.ts";

export type { CheckOptions, SecretSource } from "./context.ts";
export * from "./schema.ts";
export * from "./read-value.ts";
export * from "./resolve-settings.ts";
export { requiredCaps } from "./passes/capabilities.ts";
export { SECRET_CODES, looksLikeKey, redact } from "./passes/secrets.ts";

/** In order: symbols first, then shape, then references and meaning, then lint. */
export const PASSES: readonly Pass[] = [
  collectSymbols,
  checkBlockShape,
  checkSecrets,
  checkProviders,
  checkModels,
  checkTargets,
  checkConditions,
  checkRouteCycles,
  checkRouteDepth,
  checkShadowedRules,
  checkCapabilities,
  checkSettingsConsistency,
  checkCacheSettings,
  checkMissingOtherwise,
  checkHasRoutes,
  checkUnused,
  checkEnvVars,
];

export function checkPolicy(policy: Policy, opts: CheckOptions = {}): Diagnostic[] {
  const ctx = new CheckContext(policy.file, new Session(), opts);
  for (const pass of PASSES) pass(policy, ctx);
  return ctx.session.diagnostics.sort((a, b) => a.primary.span.start - b.primary.span.start);
}
export { CHECK_CODES, type CodeInfo } from "./codes.ts";
