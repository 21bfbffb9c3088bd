// Keys belong in the environment, not in a policy that gets committed and shared: a string in
// `key`, `keys`, `admin_token`, `metrics_token`, `redis` (a URL with a password) or a key's `secret` is an error, and so is any string anywhere that looks like a real
// API key. Messages show only a redacted prefix, never the secret itself.
import type { Decl, Policy, Value } from "../../syntax/ast.ts";
import type { CheckContext } from "../context.ts";
import { condValues, forEachValue } from "../walk.ts";
import { CHECK_MESSAGES } from "../messages.ts";

const SECRET_KEYS = new Set(["key", "keys", "admin_token", "metrics_token", "redis", "secret"]); // redis: a URL may carry a password

/** Codes whose primary span covers a secret: renderers may mask the underlined text. */
export const SECRET_CODES = ["SY2027", "SY2028"] as const;

export function checkSecrets(policy: Policy, ctx: CheckContext): void {
  for (const decl of policy.items) {
    const visitor = (value: Value, key: string) => visit(value, key, decl, ctx);
    forEachValue(decl.body, visitor);
    if (decl.kind !== "route") continue;
    for (const m of decl.body.members)
      if (m.kind === "rule" && m.cond) for (const v of condValues(m.cond)) visit(v, "", decl, ctx);
  }
}

function visit(value: Value, key: string, decl: Decl, ctx: CheckContext): void {
  if (value.kind !== "string") return;
  const inSecretField =
    SECRET_KEYS.has(key) &&
    (decl.kind === "provider" || decl.kind === "gateway" || (decl.kind === "key" && key === "secret"));
  if (inSecretField) {
    const suggestion = envSuggestion(key, decl);
    ctx.report(
      "SY2027",
      CHECK_MESSAGES.SY2027.literalSecret({ key, redacted: value.value ? redact(value.value) : undefined }),
      value.span,
      "secret written into the policy",
      {
        notes: ["policies are committed and shared; keys must come from the environment"],
        help: `write \`env("${suggestion}")\` and set ${suggestion} where the gateway runs`,
        secret: true,
      },
    );
    return;
  }
  const found = looksLikeKey(value.value);
  if (found === null) return;
  ctx.report("SY2028", CHECK_MESSAGES.SY2028.looksLikeKey({ redacted: redact(found) }), value.span, "possible secret", {
    notes: ["policies are committed and shared; a key here leaks"],
    help: "move the key to an environment variable; if it is not a secret, shorten or rephrase it",
    secret: true,
  });
}

function envSuggestion(key: string, decl: Decl): string {
  if (decl.kind === "gateway" && key === "redis") return "REDIS_URL";
  if (decl.kind === "key")
    return `SWITCHYARD_KEY_${(decl.name?.value ?? "client").toUpperCase().replace(/[^A-Z0-9]+/g, "_")}`;
  if (decl.kind === "gateway")
    return key === "admin_token"
      ? "SWITCHYARD_ADMIN_TOKEN"
      : key === "metrics_token"
        ? "SWITCHYARD_METRICS_TOKEN"
        : "SWITCHYARD_CLIENT_KEY";
  const base = (decl.name?.value ?? "provider").toUpperCase().replace(/[^A-Z0-9]+/g, "_");
  return `${base}_API_KEY`;
}

const KEY_PATTERNS: RegExp[] = [
  /sk-ant-[A-Za-z0-9_-]{16,}/,
  /sk-(?:proj-)?[A-Za-z0-9_-]{20,}/,
  /AIza[0-9A-Za-z_-]{30,}/,
  /gh[pousr]_[A-Za-z0-9]{30,}/,
  /xox[abprs]-[A-Za-z0-9-]{10,}/,
  /AKIA[0-9A-Z]{16}/,
];

/** The part of `text` that looks like a key, or null. */
export function looksLikeKey(text: string): string | null {
  // Nothing shorter than the shortest pattern (`xoxb-` and ten characters) can match: most strings
  // in a policy (model names, header values) are skipped without running a regex.
  if (text.length < MIN_KEY_LENGTH) return null;
  if (KEY_PREFIX.test(text)) {
    for (const pattern of KEY_PATTERNS) {
      const m = pattern.exec(text);
      if (m) return m[0];
    }
  }
  if (text.length < MIN_TOKEN_LENGTH) return null;
  // Random tokens: long, mixing cases and digits, and close to uniformly random (a 32-character
  // random base62 string scores about 4.5 bits per character). Splitting at `-`, `_`, `/` and `.`
  // keeps names like `Llama-v3p1-405B-Instruct` and url paths from ever qualifying: this is an error.
  for (const token of text.split(/[^A-Za-z0-9+=]+/)) {
    if (
      token.length >= MIN_TOKEN_LENGTH &&
      /[a-z]/.test(token) &&
      /[A-Z]/.test(token) &&
      /[0-9]/.test(token) &&
      entropy(token) >= 4.2
    )
      return token;
  }
  return null;
}

/** Every KEY_PATTERNS match starts with one of these. */
const KEY_PREFIX = /sk-|AIza|gh[pousr]_|xox[abprs]-|AKIA/;
const MIN_KEY_LENGTH = 15;
const MIN_TOKEN_LENGTH = 32;

/** Shannon entropy in bits per character. */
function entropy(text: string): number {
  const counts = new Map<string, number>();
  for (const c of text) counts.set(c, (counts.get(c) ?? 0) + 1);
  let bits = 0;
  for (const n of counts.values()) bits -= (n / text.length) * Math.log2(n / text.length);
  return bits;
}

const KNOWN_PREFIXES = [
  "sk-ant-",
  "sk-proj-",
  "sk-",
  "AIza",
  "ghp_",
  "gho_",
  "ghu_",
  "ghs_",
  "ghr_",
  "xoxb-",
  "xoxp-",
  "xoxa-",
  "xoxr-",
  "xoxs-",
  "AKIA",
];

/** A prefix safe to show: a well-known key prefix, or the first three characters. */
export function redact(secret: string): string {
  const prefix =
    KNOWN_PREFIXES.find((p) => secret.startsWith(p)) ?? secret.slice(0, Math.min(3, Math.floor(secret.length / 4)));
  return `${prefix}…`;
}
