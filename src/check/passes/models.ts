// A model needs a provider that exists and a capability list, or no request can be sent to it;
// its reply cannot be longer than its context window.
import type { Policy } from "../../syntax/ast.ts";
import { didYouMean } from "../../util/edit-distance.ts";
import type { CheckContext } from "../context.ts";
import { findProperty } from "../resolve-settings.ts";
import { declsOf } from "../walk.ts";
import { CHECK_MESSAGES } from "../messages.ts";

export function checkModels(policy: Policy, ctx: CheckContext): void {
  for (const model of declsOf(policy, "model")) {
    const name = model.name!;
    const provider = findProperty(model.body, "provider");
    if (!provider) {
      ctx.report(
        "SY2008",
        CHECK_MESSAGES.SY2008.modelWithoutProvider({ model: name.value }),
        name.span,
        "model without a provider",
        {
          help:
            ctx.symbols.providers.size === 1
              ? `add \`provider ${[...ctx.symbols.providers.keys()][0]}\``
              : "add `provider <name>` naming one of the providers",
        },
      );
    } else if (provider.value.kind === "ident" || provider.value.kind === "string") {
      const ref = provider.value.kind === "ident" ? provider.value.name : provider.value.value;
      if (!ctx.symbols.providers.has(ref)) {
        const hint = didYouMean(ref, ctx.symbols.providers.keys());
        ctx.report(
          "SY2010",
          CHECK_MESSAGES.SY2010.unknownProvider({ name: ref }),
          provider.value.span,
          "no provider with this name",
          {
            help:
              hint ??
              (ctx.symbols.providers.size
                ? `declared providers: ${[...ctx.symbols.providers.keys()].map((p) => `\`${p}\``).join(", ")}`
                : `declare it: \`provider ${ref} { kind openai … }\``),
          },
        );
      }
    }
    if (!findProperty(model.body, "can")) {
      ctx.report(
        "SY2008",
        CHECK_MESSAGES.SY2008.modelWithoutCan({ model: name.value }),
        name.span,
        "model without capabilities",
        {
          notes: ["the router only sends a request to a model that can serve it"],
          help: "add e.g. `can [chat, stream]`",
        },
      );
    }
    const context = findProperty(model.body, "context")?.value;
    const maxOutput = findProperty(model.body, "max_output")?.value;
    const tokens = (v: typeof context) => (v?.kind === "number" || v?.kind === "size" ? v.value : null);
    if (tokens(maxOutput) !== null && tokens(context) !== null && tokens(maxOutput)! > tokens(context)!) {
      ctx.report(
        "SY2025",
        CHECK_MESSAGES.SY2025.maxOutputOverContext(),
        maxOutput!.span,
        "more than the context window",
        {
          secondary: [ctx.label(context!.span, "the context window")],
          help: "a reply counts against the context window; lower `max_output`",
        },
      );
    }
  }
}
