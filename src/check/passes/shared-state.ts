// `gateway { shared_state { … } }`: the Redis URL is required (without it there is nothing to share
// through), the instance name must come from the environment (every instance runs the same policy,
// so a name written into it would be the same on all of them and their windows would overwrite
// each other), the key prefix must be a plain name (it is joined into keys and key patterns), and a
// `requests` quota should be more than twice the lease (the units an instance holds ahead of time).
import type { Policy, RateLit, Value } from "../../syntax/ast.ts";
import type { CheckContext } from "../context.ts";
import { findProperty } from "../resolve-settings.ts";
import { declsOf } from "../walk.ts";
import { CHECK_MESSAGES } from "../messages.ts";
import { SHARED_STATE_DEFAULTS } from "../defaults.ts";

const PLAIN_PREFIX = /^[A-Za-z0-9][A-Za-z0-9:._-]{0,63}$/;

export function checkSharedState(policy: Policy, ctx: CheckContext): void {
  const gateway = declsOf(policy, "gateway")[0];
  const prop = gateway ? findProperty(gateway.body, "shared_state") : undefined;
  if (!prop || prop.value.kind !== "block") return; // a wrong kind is block-shape's
  const block = prop.value;
  if (!findProperty(block, "redis")) {
    ctx.report(
      "SY2008",
      CHECK_MESSAGES.SY2008.sharedStateWithoutRedis(),
      prop.key.span,
      "shared state without a store",
      {
        help: 'add `redis env("REDIS_URL")` inside `shared_state`',
      },
    );
  }
  const instance = findProperty(block, "instance_id")?.value;
  if (instance?.kind === "string") {
    ctx.report("SY2002", CHECK_MESSAGES.SY2002.literalInstanceId(), instance.span, "the same on every instance", {
      notes: ["every instance runs this policy; each needs its own name"],
      help: 'write `instance_id env("HOSTNAME")` (or any variable that differs per instance)',
    });
  }
  const prefix = findProperty(block, "prefix")?.value;
  if (prefix?.kind === "string" && !PLAIN_PREFIX.test(prefix.value)) reportPrefix(prefix, prefix.value, ctx);
  const lease = findProperty(block, "lease")?.value;
  checkLeases(policy, lease?.kind === "number" ? lease.value : SHARED_STATE_DEFAULTS.lease, ctx);
}

/** Each `requests` quota of a model or provider, as written (`requests 100/min` or a list of them). */
function requestQuotas(policy: Policy): { owner: "model" | "provider"; name: string; rate: RateLit }[] {
  const out: { owner: "model" | "provider"; name: string; rate: RateLit }[] = [];
  for (const owner of ["model", "provider"] as const) {
    for (const decl of declsOf(policy, owner)) {
      const quota = findProperty(decl.body, "quota")?.value;
      const requests = quota?.kind === "block" ? findProperty(quota, "requests")?.value : undefined;
      const values = requests?.kind === "list" ? requests.items.map((i) => i.value) : requests ? [requests] : [];
      for (const v of values) if (v.kind === "rate" && decl.name) out.push({ owner, name: decl.name.value, rate: v });
    }
  }
  return out;
}

/** A lease over half a quota lets one instance hold most of it while the others fail over. */
function checkLeases(policy: Policy, lease: number, ctx: CheckContext): void {
  for (const { owner, name, rate } of requestQuotas(policy)) {
    if (rate.amount.kind === "money" || lease * 2 <= rate.amount.value) continue;
    const message = CHECK_MESSAGES.SY3012.leaseOverHalf({ lease, owner, name, quota: rate.raw });
    ctx.report("SY3012", message, rate.span, "held ahead in units of the lease", {
      notes: [
        "each instance takes up to `lease` units of a `requests` quota before the requests they admit; units an instance holds but does not use stay unspent until the window ends, while the others fail over",
      ],
      help: `lower \`lease\` in \`shared_state\` to at most ${Math.floor(rate.amount.value / 2)} (or raise the quota)`,
    });
  }
}

function reportPrefix(value: Value, text: string, ctx: CheckContext): void {
  ctx.report("SY2038", CHECK_MESSAGES.SY2038.notPlain({ prefix: text }), value.span, "not usable as a key prefix", {
    notes: ["the prefix starts every key and key pattern: spaces and `* ? [ ]` would match other gateways' keys"],
    help: 'use 1 to 64 letters, digits and `: . _ -`, starting with a letter or digit, e.g. `prefix "sy:prod"`',
  });
}
