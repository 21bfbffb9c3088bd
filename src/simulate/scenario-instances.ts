// The scenario's `instances:` field: how many gateway instances the load balancer spreads traffic
// over, how long the shared store takes to reach them, and whether they share at all. A plain
// number is the common case; the object form says the rest.
import * as v from "valibot";
import type { InstancesSpec } from "./scenario-types.ts";

/** At most this many instances: each is a whole engine, and the point is a small cluster's behaviour. */
export const MAX_INSTANCES = 64;
/** A store round trip inside one region, by default. */
export const DEFAULT_PROPAGATION_MS = 1;

type Scalar = v.GenericSchema<unknown, number>;

/** `instances: 3` or `instances: { count: 3, propagation: 5ms, balance: random, shared: false }`. */
export function instancesSchema(duration: Scalar, wholeNumber: Scalar) {
  const count = v.pipe(
    wholeNumber,
    v.minValue(1, "expected at least 1 instance"),
    v.maxValue(MAX_INSTANCES, `expected at most ${MAX_INSTANCES} instances`),
  );
  const full = v.strictObject({
    count,
    propagation: v.optional(duration),
    balance: v.optional(v.picklist(["round_robin", "random"], "expected `round_robin` or `random`")),
    shared: v.optional(v.boolean("expected `true` or `false`")),
  });
  return v.pipe(
    v.unknown(),
    v.rawTransform(({ dataset, addIssue, NEVER }): InstancesSpec => {
      const input = dataset.value;
      const form = typeof input === "object" && input !== null ? full : count;
      const result = v.safeParse(form, input);
      if (!result.success) {
        const issue = result.issues[0];
        const key = issue.path?.map((p) => String(p.key)).join(".");
        const message =
          issue.kind === "schema" && issue.type === "strict_object" && issue.input !== undefined
            ? `unknown field \`${String(issue.input)}\``
            : issue.message;
        addIssue({
          message: `${key ? `\`${key}\`: ` : ""}${message}; instances is a count like \`3\` or \`{ count, propagation, balance, shared }\``,
        });
        return NEVER;
      }
      const o =
        typeof result.output === "number" ? { count: result.output } : (result.output as v.InferOutput<typeof full>);
      return {
        count: o.count,
        propagationMs: o.propagation ?? DEFAULT_PROPAGATION_MS,
        balance: o.balance ?? "round_robin",
        shared: o.shared ?? true,
      };
    }),
  );
}
