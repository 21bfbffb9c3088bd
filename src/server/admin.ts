// /admin/state, /admin/keys, /admin/reload, /admin/snapshot and /admin/explain. They work only when the policy names an admin token env var
// (otherwise 404 saying the policy declares no `admin_token`, so an operator is not left guessing at a
// typo in the path); the state view is plain runtime data and never holds key values.
import { adminCheck } from "./auth.ts";
import { keysView } from "./key-usage.ts";
import type { GatewayCore, RequestContext } from "./context.ts";
import { readJsonBody } from "./body.ts";
import { errorResponse, jsonResponse } from "./errors.ts";
import { explainKey } from "./explain-key.ts";
import { ChatBody, validate } from "./schemas.ts";

const ADMIN_UNDECLARED =
  "the admin api is disabled: the policy declares no `admin_token`; " +
  'add `gateway { admin_token env("SWITCHYARD_ADMIN_TOKEN") }` to the policy and set that variable';

/** Null when the caller may proceed, else the refusal. */
function guard(core: GatewayCore, ctx: RequestContext): Response | null {
  const gateway = ctx.live.graph.gateway;
  switch (adminCheck(ctx.req, gateway, core.secrets)) {
    case "ok":
      return null;
    case "disabled":
      return errorResponse(404, ADMIN_UNDECLARED, { code: "not_found", type: "not_found_error" });
    case "unset":
      return errorResponse(
        403,
        `admin endpoints are disabled: the admin token variable \`${gateway.adminTokenEnv}\` is not set`,
        {
          code: "admin_disabled",
        },
      );
    case "denied":
      return errorResponse(401, "incorrect or missing admin token: send `Authorization: Bearer <admin token>`", {
        code: "invalid_api_key",
      });
  }
}

export async function handleAdminState(core: GatewayCore, ctx: RequestContext): Promise<Response> {
  const refused = guard(core, ctx);
  if (refused) return refused;
  const { graph, engine } = ctx.live;
  return jsonResponse(200, {
    ...(core.shared ? { shared: await core.shared.view() } : {}), // what the cluster holds; `state` below is this instance's view
    sources: graph.sources,
    routes: graph.routes.map((r) => r.name),
    models: graph.models.map((m) => ({ name: m.name, provider: m.provider, upstream: m.upstream })),
    draining: core.draining(),
    checkpoints: engine.checkpoints(),
    cache: core.cache.stats(),
    state: engine.state(),
  });
}

/** Usage of every declared key and team against its limits and budgets, in the current windows. */
export function handleAdminKeys(core: GatewayCore, ctx: RequestContext): Response {
  const refused = guard(core, ctx);
  if (refused) return refused;
  return jsonResponse(200, keysView(ctx.live.graph, ctx.live.engine, core.ports.clock.now()));
}

export async function handleAdminReload(core: GatewayCore, ctx: RequestContext): Promise<Response> {
  const refused = guard(core, ctx);
  if (refused) return refused;
  if (!core.reloadPolicy) {
    return errorResponse(409, "this gateway has no policy file to reload", {
      code: "no_policy_file",
      type: "invalid_request_error",
    });
  }
  const result = await core.reloadPolicy();
  return jsonResponse(result.applied ? 200 : 422, result);
}

export async function handleAdminSnapshot(core: GatewayCore, ctx: RequestContext): Promise<Response> {
  const refused = guard(core, ctx);
  if (refused) return refused;
  if (!core.snapshot) {
    return errorResponse(409, "this gateway keeps no state file: start it with `--state <file>`", {
      code: "no_state_file",
      type: "invalid_request_error",
    });
  }
  try {
    const { bytes, ms } = await core.snapshot();
    return jsonResponse(200, { written: true, bytes, ms: Math.round(ms * 100) / 100 });
  } catch (err) {
    const reason = err instanceof Error ? err.message : "unknown error";
    return errorResponse(500, `the snapshot was not written: ${reason}`, { code: "snapshot_failed" });
  }
}

/**
 * POST /admin/explain with a chat body: the decision the live engine would make for it now, step
 * by step (`Engine.explain`; the live cursors, sticky entries and metrics are not touched). The
 * request's own headers count for `header` conditions and sticky keys, as they would on /v1;
 * `?key=NAME` explains it for that declared key (its `when key`/`when tag` rules, limits, budgets).
 */
export async function handleAdminExplain(core: GatewayCore, ctx: RequestContext): Promise<Response> {
  const refused = guard(core, ctx);
  if (refused) return refused;
  const read = await readJsonBody(ctx.req, ctx.live.graph.gateway.maxBodyBytes);
  if (!read.ok) return errorResponse(read.status, read.message, { code: read.code });
  const checked = validate(ChatBody, read.value);
  if (!checked.ok) return errorResponse(400, checked.message, { param: checked.param, code: "invalid_body" });
  const body = checked.body;
  const keyName = new URL(ctx.req.url).searchParams.get("key");
  const key = keyName === null ? null : explainKey(ctx.live.graph, keyName);
  if (key !== null && !key.ok) return errorResponse(400, key.message, { param: "key", code: "invalid_key" });
  const trace = ctx.live.engine.explain({
    id: ctx.id,
    route: body.model as string,
    body,
    headers: ctx.req.headers,
    signal: ctx.req.signal,
    receivedAt: ctx.receivedAt,
    key: key?.key ?? null,
  });
  return jsonResponse(200, trace);
}
