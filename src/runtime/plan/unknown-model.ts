// The one answer for a `model` the gateway does not serve, used by the HTTP layer, the engine and
// GET /v1/models/{id} alike: 404 `model_not_found` with `param: "model"`, a did-you-mean when a
// name is a plausible typo, and, for a model name while direct addressing is off, how to use it.
import type { Graph } from "../../compile/graph.ts";
import { closest } from "../../util/edit-distance.ts";
import type { ErrorAnswer } from "../flow/errors.ts";

/** The names clients may put in `model` for one graph, built once per graph. */
export interface Addressable {
  /** Declared routes, then (with `direct_models`) the models, in policy order. */
  names: readonly string[];
  has(name: string): boolean;
  /** Declared model names, to explain a model name sent while direct addressing is off. */
  models: ReadonlySet<string>;
  direct: boolean;
}

/** Names listed in the message at most; a 10,000-route policy must not answer with all of them. */
const MAX_LISTED = 20;

export function addressableNames(graph: Graph): Addressable {
  const names = graph.routes.map((r) => r.name);
  const set = new Set(names);
  return {
    names,
    has: (name) => set.has(name),
    models: new Set(graph.models.map((m) => m.name)),
    direct: graph.gateway.directModels,
  };
}

export function unknownModel(name: string, a: Addressable): ErrorAnswer {
  const shown = a.names
    .slice(0, MAX_LISTED)
    .map((n) => `\`${n}\``)
    .join(", ");
  const more = a.names.length > MAX_LISTED ? ` and ${a.names.length - MAX_LISTED} more (GET /v1/models)` : "";
  const available = `available: ${shown || "none"}${more}`;
  let message: string;
  if (!a.direct && a.models.has(name)) {
    message = `\`${name}\` is a model, and this gateway takes route names as \`model\` (the policy can allow model names with \`gateway { direct_models true }\`); ${available}`;
  } else {
    const hint = closest(name, a.names);
    message = `the model \`${name}\` does not exist${hint === null ? "" : ` (did you mean \`${hint}\`?)`}; ${available}`;
  }
  return {
    status: 404,
    error: { error: { message, type: "invalid_request_error", param: "model", code: "model_not_found" } },
    retryAfterS: null,
  };
}
