// Keys read from the environment must be set where the gateway runs. `lint` warns (the variable
// may be set in production only); `serve` makes it an error, because a provider would fail.
import type { Policy, Value } from "../../syntax/ast.ts";
import type { CheckContext } from "../context.ts";
import { envName } from "../read-value.ts";
import { forEachValue } from "../walk.ts";
import { CHECK_MESSAGES } from "../messages.ts";

export function checkEnvVars(policy: Policy, ctx: CheckContext): void {
  const secrets = ctx.options.secrets;
  if (!secrets) return;
  const asError = ctx.options.missingEnv === "error";
  for (const decl of policy.items) {
    forEachValue(decl.body, (value: Value, key) => {
      const name = envName(value);
      if (name === null || (secrets.get(name) ?? "") !== "") return;
      const extra = {
        notes: [
          `\`${key}\` of ${decl.name ? `${decl.kind} \`${decl.name.value}\`` : `\`${decl.kind}\``} is read from it`,
        ],
        help: `set ${name} in the gateway's environment`,
      };
      if (asError) ctx.report("SY2034", CHECK_MESSAGES.SY2034.envNotSet({ name }), value.span, "not set", extra);
      else ctx.report("SY3005", CHECK_MESSAGES.SY3005.envNotSet({ name }), value.span, "not set", extra);
    });
  }
}
