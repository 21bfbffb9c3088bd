// The checker: runs every semantic pass over a parsed policy and returns all their diagnostics at
// once. The first pass builds the symbol table; the others only read it and report.
import type { Policy } from "../syntax/ast.ts";
import { Session, type Diagnostic } from "../syntax/diagnostic.ts";
import type { Span } from "../syntax/span.ts";
import { CHECK_CODES, type CheckCode } from "./codes.ts";
import { CheckContext, type CheckOptions, type Pass } from "./context.ts";
import type { DeclRun } from "./decl-findings.ts";
import { checkBlockShape } from "./passes/block-shape.ts";
import { checkCacheSettings } from "./passes/cache-settings.ts";
import { checkCapabilities } from "./passes/capabilities.ts";
import { collectSymbols } from "./passes/collect-symbols.ts";
import { checkConditions } from "./passes/conditions.ts";
import { checkEnvVars } from "./passes/env-vars.ts";
import { checkMissingOtherwise } from "./passes/missing-otherwise.ts";
import { checkHasRoutes } from "./passes/no-routes.ts";
import { checkModels } from "./passes/models.ts";
import { checkKeys } from "./passes/keys.ts";
import { checkProviders } from "./passes/providers.ts";
import { checkRouteCycles } from "./passes/route-cycles.ts";
import { checkRouteDepth } from "./passes/route-depth.ts";
import { checkSecrets } from "./passes/secrets.ts";
import { checkSettingsConsistency } from "./passes/settings-consistency.ts";
import { checkShadowedRules } from "./passes/shadowed-rules.ts";
import { checkSharedState } from "./passes/shared-state.ts";
import { checkTargets } from "./passes/targets.ts";
import { checkUnused } from "./passes/unused.ts";

export type { CheckOptions, SecretSource } from "./context.ts";
export { DeclFindings, type DeclRun } from "./decl-findings.ts";
export * from "./schema.ts";
export * from "./defaults.ts";
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
  checkKeys,
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
  checkSharedState,
];

/**
 * Passes whose findings about a declaration depend on its text alone (neither the symbol table nor
 * the options): with a DeclRun they run only on declarations whose text they have not seen.
 */
const LOCAL_PASSES: ReadonlySet<Pass> = new Set([checkBlockShape, checkSecrets, checkConditions, checkShadowedRules]);

export function checkPolicy(policy: Policy, opts: CheckOptions = {}, reuse?: DeclRun): Diagnostic[] {
  const ctx = new CheckContext(policy.file, new Session(CHECK_CODES), opts);
  for (const pass of PASSES) {
    if (reuse !== undefined && LOCAL_PASSES.has(pass)) reuse.run(pass, policy, ctx);
    else pass(policy, ctx);
  }
  return ctx.session.diagnostics.sort((a, b) => a.primary.span.start - b.primary.span.start);
}
export {
  CHECK_CODES,
  DIAGNOSTIC_CODES,
  INPUT_CODES,
  inputDiagnostic,
  type CheckCode,
  type CodeInfo,
  type CodeSpec,
} from "./codes.ts";
export { CHECK_MESSAGES, INPUT_MESSAGES } from "./messages.ts";

// Semantic checks on a policy with syntax errors. The parser hands over the declarations it could
// read (broken members blanked out) and where the broken ones are; a finding is kept only where a
// missing piece cannot have caused it, so a user fixing syntax errors already sees the rest.

/**
 * Findings that look across declarations: a blanked `can`, target or `provider` elsewhere could
 * be their cause (a capability "missing", a model "never used", no routes at all).
 */
const WHOLE_POLICY: ReadonlySet<CheckCode> = new Set<CheckCode>(["SY2020", "SY2022", "SY3003", "SY3004", "SY3008"]);
/** References: unsafe only when a declaration was skipped whole, since it may be the one named. */
const REFERENCES: ReadonlySet<CheckCode> = new Set<CheckCode>(["SY2010", "SY2011", "SY2012"]);

export interface PartialPolicy {
  policy: Policy;
  broken: readonly Span[];
  skipped: boolean;
}

export function checkPartialPolicy(partial: PartialPolicy, opts: CheckOptions = {}): Diagnostic[] {
  const inBroken = (span: Span) => partial.broken.some((b) => span.start >= b.start && span.start < b.end);
  return checkPolicy(partial.policy, opts).filter((d) => {
    const code = d.code as CheckCode;
    if (WHOLE_POLICY.has(code) || (partial.skipped && REFERENCES.has(code))) return false;
    return !inBroken(d.primary.span);
  });
}
