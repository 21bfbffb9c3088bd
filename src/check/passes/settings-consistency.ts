// Settings that contradict each other once inherited (built-in → defaults → route → target):
// a first-token, idle or connect timeout longer than the total, a backoff base above its max.
// Each layer reports only conflicts it takes part in, so one mistake in `defaults` is said once.
import type { Block, Policy, Value } from "../../syntax/ast.ts";
import type { Message } from "../../syntax/diagnostic.ts";
import type { CheckContext } from "../context.ts";
import { layerSettings } from "../resolve-settings.ts";
import { BUILTIN_DEFAULTS, type SettingsValues } from "../defaults.ts";
import { CHECK_MESSAGES } from "../messages.ts";
import { formatMs } from "../value-reports.ts";

interface Pair {
  short: string; // must not exceed `long`
  long: string;
  code: "SY2023" | "SY2025";
  message: (s: number, l: number) => Message<"SY2023" | "SY2025">;
  help: string;
}

const PAIRS: Pair[] = [
  {
    short: "timeout.first_token",
    long: "timeout.total",
    code: "SY2023",
    message: (s, l) =>
      CHECK_MESSAGES.SY2023.longerThanTotal({ timeout: "first_token", value: formatMs(s), total: formatMs(l) }),
    help: "lower `first_token` or raise `total`",
  },
  {
    short: "timeout.idle",
    long: "timeout.total",
    code: "SY2023",
    message: (s, l) =>
      CHECK_MESSAGES.SY2023.longerThanTotal({ timeout: "idle", value: formatMs(s), total: formatMs(l) }),
    help: "lower `idle` or raise `total`",
  },
  {
    short: "timeout.connect",
    long: "timeout.total",
    code: "SY2023",
    message: (s, l) =>
      CHECK_MESSAGES.SY2023.longerThanTotal({ timeout: "connect", value: formatMs(s), total: formatMs(l) }),
    help: "lower `connect` or raise `total`",
  },
  {
    short: "retry.backoff.base",
    long: "retry.backoff.max",
    code: "SY2025",
    message: (s, l) => CHECK_MESSAGES.SY2025.backoffBaseOverMax({ base: formatMs(s), max: formatMs(l) }),
    help: "make `base` at most `max`",
  },
];

export function checkSettingsConsistency(policy: Policy, ctx: CheckContext): void {
  const reported = new Set<string>();
  const builtin: Layer = { values: BUILTIN_DEFAULTS, own: new Map(), parent: null };
  const defaults = ctx.symbols.defaults ? checkLayer(builtin, ctx.symbols.defaults.body, ctx, reported) : builtin;
  for (const route of policy.items) {
    if (route.kind !== "route") continue;
    const routeLayer = checkLayer(defaults, route.body, ctx, reported);
    for (const m of route.body.members)
      if (m.kind === "rule" && m.settings) checkLayer(routeLayer, m.settings, ctx, reported);
  }
}

/** Settings after one more block, the paths that block set itself, and the layers beneath it. */
interface Layer {
  values: Readonly<SettingsValues>;
  own: Map<string, Value>;
  parent: Layer | null;
}

function originOf(layer: Layer | null, path: string): Value | undefined {
  for (let l = layer; l; l = l.parent) {
    const v = l.own.get(path);
    if (v !== undefined) return v;
  }
  return undefined;
}

/** Applies `own` over `base` and reports the conflicts `own` takes part in (a layer setting none of a pair's paths cannot). */
function checkLayer(base: Layer, own: Block, ctx: CheckContext, reported: Set<string>): Layer {
  const set = new Map<string, Value>();
  const values = layerSettings(base.values, own, set);
  if (set.size === 0) return base;
  const layer: Layer = { values, own: set, parent: base };
  for (const pair of PAIRS) {
    const shortMine = set.get(pair.short);
    const longMine = set.get(pair.long);
    if (shortMine === undefined && longMine === undefined) continue;
    const s = valueAt(values, pair.short);
    const l = valueAt(values, pair.long);
    if (s <= l) continue;
    const shortNode = shortMine ?? originOf(base, pair.short);
    const longNode = longMine ?? originOf(base, pair.long);
    const primary = shortMine ?? longMine!;
    const other = primary === shortNode ? longNode : shortNode;
    const otherKey = (primary === shortNode ? pair.long : pair.short).split(".").pop()!;
    const key = `${pair.short}:${primary.span.start}:${other?.span.start ?? "builtin"}`;
    if (reported.has(key)) continue;
    reported.add(key);
    ctx.report(
      pair.code,
      pair.message(s, l),
      primary.span,
      primary === shortNode ? `longer than \`${otherKey}\`` : `shorter than \`${otherKey}\``,
      {
        secondary: other ? [ctx.label(other.span, `\`${otherKey}\` is set here`)] : [],
        notes: other ? [] : [`\`${otherKey}\` is the built-in default, ${formatMs(primary === shortNode ? l : s)}`],
        help: pair.help,
      },
    );
  }
  return layer;
}

function valueAt(values: Readonly<SettingsValues>, path: string): number {
  let node: unknown = values;
  for (const part of path.split(".")) node = (node as Record<string, unknown>)[part];
  return node as number;
}
