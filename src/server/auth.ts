// Client-key and admin-token checks. Keys come from the secret source at request time (so a
// rotated env takes effect on reload) and are compared in constant time to avoid timing leaks.
import { timingSafeEqual } from "node:crypto";
import type { GatewayNode } from "../compile/graph.ts";
import type { HeaderView } from "../runtime/api.ts";
import type { SecretSource } from "../runtime/ports.ts";

const encoder = new TextEncoder();

/** The bearer token of an `Authorization` header, or null. */
export function bearerToken(req: { headers: HeaderView }): string | null {
  const header = req.headers.get("authorization");
  if (!header) return null;
  // what every SDK sends, without the regex (it runs on every request: auth, and the cache's tenant)
  if (header.startsWith("Bearer ") && header.charCodeAt(7) > 32 && header.charCodeAt(header.length - 1) > 32)
    return header.slice(7);
  const match = /^Bearer\s+(.+)$/i.exec(header.trim());
  return match ? match[1].trim() : null;
}

export function constantTimeEquals(a: string, b: string): boolean {
  const left = encoder.encode(a);
  const right = encoder.encode(b);
  // Compare against itself on a length mismatch so the time spent does not depend on where they differ.
  if (left.byteLength !== right.byteLength) {
    timingSafeEqual(left, left);
    return false;
  }
  return timingSafeEqual(left, right);
}

/** The client's key: the bearer token, or `x-api-key` as Anthropic's SDKs send it (a Request, or anything with its headers). */
export function clientKey(req: { headers: HeaderView }): string | null {
  return bearerToken(req) ?? (req.headers.get("x-api-key")?.trim() || null);
}

/** True when the client may call the API: no keys configured, or the client key matches one of them. */
export function clientAllowed(req: Request, gateway: GatewayNode, secrets: SecretSource): boolean {
  if (gateway.clientKeyEnvs.length === 0) return true;
  const token = clientKey(req);
  if (token === null) return false;
  let ok = false;
  for (const env of gateway.clientKeyEnvs) {
    const key = secrets.get(env);
    if (key && constantTimeEquals(token, key)) ok = true; // no early exit: same work for every key
  }
  return ok;
}

export type AdminCheck = "ok" | "disabled" | "unset" | "denied";

/** Admin endpoints exist only when the policy names an admin token env var that is set. */
export function adminCheck(req: Request, gateway: GatewayNode, secrets: SecretSource): AdminCheck {
  if (gateway.adminTokenEnv === null) return "disabled";
  const expected = secrets.get(gateway.adminTokenEnv);
  if (!expected) return "unset";
  const token = bearerToken(req);
  return token !== null && constantTimeEquals(token, expected) ? "ok" : "denied";
}
