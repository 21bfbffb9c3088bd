// Provider blocks make sense only for their kind: simulated providers take no url or key, real
// ones no simulation knobs, and a provider aimed at the official API needs a key to get anywhere.
import type { Decl, Policy } from "../../syntax/ast.ts";
import type { ProviderKind } from "../../syntax/vocabulary.ts";
import { PROVIDER_KINDS } from "../../syntax/vocabulary.ts";
import type { CheckContext } from "../context.ts";
import { findProperty } from "../resolve-settings.ts";
import { PROVIDER_DEFAULT_BASE_URL } from "../defaults.ts";
import { providerSchema } from "../schema.ts";
import { declsOf } from "../walk.ts";
import { formatMs } from "../value-reports.ts";
import { CHECK_MESSAGES } from "../messages.ts";

export function checkProviders(policy: Policy, ctx: CheckContext): void {
  for (const provider of declsOf(policy, "provider")) {
    const kindProp = findProperty(provider.body, "kind");
    if (!kindProp) {
      ctx.report(
        "SY2008",
        CHECK_MESSAGES.SY2008.providerWithoutKind({ provider: provider.name!.value }),
        provider.name!.span,
        "provider without a kind",
        {
          help: "add `kind openai`, `kind anthropic` or `kind simulated`",
        },
      );
      continue;
    }
    const kind = kindProp.value.kind === "ident" ? kindProp.value.name : "";
    if (!(PROVIDER_KINDS as readonly string[]).includes(kind)) continue; // reported by block-shape
    checkKeysForKind(provider, kind as ProviderKind, kindProp.value.span, ctx);
    if (kind !== "simulated") checkReachable(provider, kind as Exclude<ProviderKind, "simulated">, ctx);
    else checkOutage(provider, ctx);
  }
}

function checkKeysForKind(provider: Decl, kind: ProviderKind, kindSpan: Decl["span"], ctx: CheckContext): void {
  for (const m of provider.body.members) {
    if (m.kind !== "property") continue;
    const kinds = providerSchema[m.key.name]?.kinds;
    if (!kinds || kinds.includes(kind)) continue;
    ctx.report(
      "SY2016",
      CHECK_MESSAGES.SY2016.notForKind({ key: m.key.name, kind }),
      m.key.span,
      `not a setting of \`${kind}\` providers`,
      {
        secondary: [ctx.label(kindSpan, `the provider is \`${kind}\` here`)],
        help:
          kind === "simulated"
            ? `a simulated provider runs in-process; remove \`${m.key.name}\``
            : `\`${m.key.name}\` only applies to ${kinds.map((k) => `\`${k}\``).join(", ")} providers; remove it`,
      },
    );
  }
}

function checkReachable(provider: Decl, kind: Exclude<ProviderKind, "simulated">, ctx: CheckContext): void {
  if (findProperty(provider.body, "base_url") || findProperty(provider.body, "key")) return;
  ctx.report(
    "SY2018",
    CHECK_MESSAGES.SY2018.officialApiWithoutKey({
      provider: provider.name!.value,
      url: PROVIDER_DEFAULT_BASE_URL[kind],
    }),
    provider.name!.span,
    "no `base_url` and no `key`",
    {
      notes: [`without \`base_url\`, kind \`${kind}\` calls ${PROVIDER_DEFAULT_BASE_URL[kind]}, which needs a key`],
      help: 'add `key env("NAME")`, or `base_url "…"` for a server that needs no key',
    },
  );
}

function checkOutage(provider: Decl, ctx: CheckContext): void {
  const outage = findProperty(provider.body, "outage");
  if (!outage || outage.value.kind !== "block") return;
  const every = findProperty(outage.value, "every")?.value;
  const down = findProperty(outage.value, "for")?.value;
  if (every?.kind !== "duration" || down?.kind !== "duration" || down.ms < every.ms) return;
  ctx.report(
    "SY2025",
    CHECK_MESSAGES.SY2025.outageNotShorter({ down: formatMs(down.ms), every: formatMs(every.ms) }),
    down.span,
    "`for` is not shorter than `every`",
    {
      secondary: [ctx.label(every.span, "the period")],
      help: "make `for` shorter than `every`, or the provider is never up",
    },
  );
}
