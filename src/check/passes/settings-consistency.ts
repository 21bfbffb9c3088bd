// Settings that contradict each other once inherited (built-in → defaults → route → target):
// a first-token, idle or connect timeout longer than the total, a backoff base above its max.
// Each layer reports only conflicts it takes part in, so one mistake in `defaults` is said once.
import type { Block, Policy, Value } from "../../syntax/ast.ts";
import type { CheckContext } from "../context.ts";
import { resolveSettings, type ResolvedSettings } from "../resolve-settings.ts";
import { declsOf, rulesOf } from "../walk.ts";
import { formatMs } from "../values.ts";

interface Pair {
  short: string; // must not exceed `long`
  long: string;
  code: string;
  message: (s: number, l: number) => string;
  help: string;
}

const PAIRS: Pair[] = [
  { short: "timeout.first_token", long: "timeout.total", code: "SY2023", message: (s, l) => `\`first_token\` timeout (${formatMs(s)}) is longer than \`total\` (${formatMs(l)})`, help: "lower `first_token` or raise `total`" },
  { short: "timeout.idle", long: "timeout.total", code: "SY2023", message: (s, l) => `\`idle\` timeout (${formatMs(s)}) is longer than \`total\` (${formatMs(l)})`, help: "lower `idle` or raise `total`" },
  { short: "timeout.connect", long: "timeout.total", code: "SY2023", message: (s, l) => `\`connect\` timeout (${formatMs(s)}) is longer than \`total\` (${formatMs(l)})`, help: "lower `connect` or raise `total`" },
  { short: "retry.backoff.base", long: "retry.backoff.max", code: "SY2025", message: (s, l) => `backoff \`base\` (${formatMs(s)}) is larger than its \`max\` (${formatMs(l)})`, help: "make `base` at most `max`" },
];

export function checkSettingsConsistency(policy: Policy, ctx: CheckContext): void {
  const defaults = ctx.symbols.defaults?.body ?? null;
  const reported = new Set<string>();
  if (defaults) checkLayer([defaults], defaults, ctx, reported);
  for (const route of declsOf(policy, "route")) {
    checkLayer([defaults, route.body], route.body, ctx, reported);
    for (const rule of rulesOf(route)) if (rule.settings) checkLayer([defaults, route.body, rule.settings], rule.settings, ctx, reported);
  }
}

function checkLayer(layers: (Block | null)[], own: Block, ctx: CheckContext, reported: Set<string>): void {
  const resolved = resolveSettings(layers);
  for (const pair of PAIRS) {
    const s = valueAt(resolved, pair.short);
    const l = valueAt(resolved, pair.long);
    if (s <= l) continue;
    const shortNode = resolved.origin.get(pair.short);
    const longNode = resolved.origin.get(pair.long);
    const mine = (n: Value | undefined) => n !== undefined && n.span.start >= own.span.start && n.span.end <= own.span.end;
    if (!mine(shortNode) && !mine(longNode)) continue;
    const primary = mine(shortNode) ? shortNode! : longNode!;
    const other = primary === shortNode ? longNode : shortNode;
    const otherKey = (primary === shortNode ? pair.long : pair.short).split(".").pop()!;
    const key = `${pair.short}:${primary.span.start}:${other?.span.start ?? "builtin"}`;
    if (reported.has(key)) continue;
    reported.add(key);
    ctx.error(pair.code, pair.message(s, l), primary.span, primary === shortNode ? `longer than \`${otherKey}\`` : `shorter than \`${otherKey}\``, {
      secondary: other ? [ctx.label(other.span, `\`${otherKey}\` is set here`)] : [],
      notes: other ? [] : [`\`${otherKey}\` is the built-in default, ${formatMs(primary === shortNode ? l : s)}`],
      help: pair.help,
    });
  }
}

function valueAt(resolved: ResolvedSettings, path: string): number {
  let node: unknown = resolved.values;
  for (const part of path.split(".")) node = (node as Record<string, unknown>)[part];
  return node as number;
}
