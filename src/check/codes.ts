// The diagnostic catalogue: every code defined once, with its severity, a one-line description
// (the heading in docs/diagnostics.md and SARIF's rule `shortDescription`) and its general fix
// (the help a finding falls back to, and SARIF's rule `help`); its message texts are typed
// constructors keyed by the same code in messages.ts. Findings are built only from the two
// (`ctx.report(code, CHECK_MESSAGES[code].case(args), …)`, `diagnosticOf`, `inputDiagnostic`): a
// message is a `Message<code>` no free string satisfies, so the docs, SARIF and the checker's
// output cannot drift; test/check/catalogue.test.ts holds docs/diagnostics.md to it and
// test/check/messages.test.ts the message tables. To add a code, add a line here (CHECK_CODES for
// the checker, INPUT_CODES for reading and compiling), its constructors in messages.ts, a
// `## CODE description` section in docs/diagnostics.md and a golden fixture. Codes never change
// meaning; retired codes are not reused.
import { SYNTAX_CODES } from "../syntax/codes.ts";
import {
  diagnosticOf,
  type Catalogue,
  type CodeSpec,
  type Details,
  type Diagnostic,
  type Label,
  type Message,
} from "../syntax/diagnostic.ts";

export type { CodeSpec } from "../syntax/diagnostic.ts";
/** The older name of CodeSpec. */
export type CodeInfo = CodeSpec;

/** The checker's codes: SY2xxx (the policy cannot run as written) and SY3xxx (lint warnings). */
export const CHECK_CODES = {
  SY2001: {
    severity: "error",
    description: "unknown setting",
    help: "fix the spelling or move the setting to the block it belongs in",
  },
  SY2002: {
    severity: "error",
    description: "value of the wrong kind",
    help: "write the kind of value the setting takes (duration, number, percentage, …)",
  },
  SY2003: { severity: "error", description: "unknown word value", help: "use one of the listed words" },
  SY2004: {
    severity: "error",
    description: "unknown capability",
    help: "use chat, stream, tools, vision, json, embeddings, prefill or reasoning",
  },
  SY2005: { severity: "error", description: "unknown provider kind", help: "use openai, anthropic or simulated" },
  SY2006: {
    severity: "error",
    description: "unknown strategy",
    help: "use priority, round_robin, weighted, lowest_latency, lowest_cost or sticky",
  },
  SY2007: { severity: "error", description: "setting given twice in one block", help: "keep one of them" },
  SY2008: {
    severity: "error",
    description: "required setting missing",
    help: "providers need `kind`; models need `provider` and `can`",
  },
  SY2009: {
    severity: "error",
    description: "rule outside a route",
    help: "move `when`/`otherwise` rules into a route",
  },
  SY2010: { severity: "error", description: "unknown provider", help: "name a declared provider" },
  SY2011: {
    severity: "error",
    description: "unknown model",
    help: "name a declared model (write `route x` for a route)",
  },
  SY2012: { severity: "error", description: "unknown route", help: "name a declared route" },
  SY2013: { severity: "error", description: "name declared twice", help: "rename or merge the declarations" },
  SY2014: { severity: "error", description: "more than one defaults or gateway block", help: "merge them into one" },
  SY2015: { severity: "error", description: "malformed env(…) call", help: 'write `env("NAME")`' },
  SY2016: { severity: "error", description: "setting does not apply to this provider kind", help: "remove it" },
  SY2017: { severity: "error", description: "base_url is not an http(s) url", help: "write the full API root url" },
  SY2018: {
    severity: "error",
    description: "provider calls the official API without a key",
    help: 'add `key env("NAME")` or a `base_url`',
  },
  SY2019: { severity: "error", description: "empty target", help: "list at least one model or split arm" },
  SY2020: { severity: "error", description: "routes form a cycle", help: "point one of the targets at models" },
  SY2021: { severity: "error", description: "rule can never match", help: "reorder the rules or remove the dead one" },
  SY2022: {
    severity: "error",
    description: "no candidate has the capabilities the condition requires",
    help: "add a capable model to the target",
  },
  SY2023: {
    severity: "error",
    description: "timeout longer than the total timeout",
    help: "make connect, first_token and idle at most total",
  },
  SY2024: { severity: "error", description: "value out of range", help: "use a value inside the documented range" },
  SY2025: {
    severity: "error",
    description: "settings contradict each other",
    help: "make the smaller value at most the larger one",
  },
  SY2026: {
    severity: "error",
    description: "weight not positive",
    help: "use a weight above zero or remove the candidate",
  },
  SY2027: {
    severity: "error",
    description: "literal secret in key, keys, admin_token, metrics_token, redis or a key's secret",
    help: 'use `env("NAME")`',
  },
  SY2028: {
    severity: "error",
    description: "string looks like an API key",
    help: "move the key to an environment variable",
  },
  SY2029: { severity: "error", description: "invalid regular expression", help: "fix the pattern" },
  SY2030: {
    severity: "error",
    description: "comparison value does not fit the operator",
    help: "numbers for < > <= >=, text for starts_with/ends_with/contains/matches, a list for in",
  },
  SY2031: { severity: "error", description: "sticky without a key", help: 'write `sticky(header "x-session") [..]`' },
  SY2032: {
    severity: "error",
    description: "key on a strategy other than sticky",
    help: "remove the key or use sticky",
  },
  SY2033: {
    severity: "error",
    description: "sticky key is not a header or metadata",
    help: 'key on `header "…"` or `metadata "…"`',
  },
  SY2034: {
    severity: "error",
    description: "environment variable not set (serve)",
    help: "set the variable before serving",
  },
  SY2035: {
    severity: "error",
    description: "route chain longer than the hop limit",
    help: "point a route earlier in the chain at models",
  },
  SY2036: {
    severity: "error",
    description: "regular expression with ambiguous repetition",
    help: "repeat a group only when its rounds cannot overlap: `(-[a-z]+)*`, not `([a-z-]+)*`; drop the outer repetition",
  },
  SY2037: {
    severity: "error",
    description: "worst case exceeds a declared bound",
    help: "turn the knob the note names (attempts, first_token, backoff, max_per_request, retry.on) or raise the bound",
  },
  SY2050: { severity: "error", description: "unknown key or team", help: "name a declared key or team" },
  SY2051: {
    severity: "error",
    description: "two keys read the same environment variable",
    help: "give every key its own environment variable",
  },
  SY2052: { severity: "error", description: "unknown window in a rate", help: "use /s, /min, /h, /day or /month" },
  SY2053: { severity: "error", description: "key without a secret", help: 'add `secret env("NAME")`' },
  SY2054: {
    severity: "error",
    description: "key or tag condition but no keys declared",
    help: "declare the keys that call the gateway",
  },
  SY3001: {
    severity: "warning",
    description: "route without otherwise",
    help: "add `otherwise -> …` as the last rule",
  },
  SY3002: {
    severity: "warning",
    description: "split percentages do not add up to 100%",
    help: "give every arm a percentage, summing to 100%",
  },
  SY3003: { severity: "warning", description: "provider never used", help: "remove it or use it in a model" },
  SY3004: { severity: "warning", description: "model never used", help: "remove it or use it in a route" },
  SY3005: {
    severity: "warning",
    description: "environment variable not set (lint)",
    help: "set the variable where the gateway runs",
  },
  SY3006: { severity: "warning", description: "weighted without weights", help: "give weights or use round_robin" },
  SY3007: { severity: "warning", description: "model listed twice in one target", help: "remove the repeat" },
  SY3008: {
    severity: "warning",
    description: "policy declares no routes",
    help: "add a route, or check that this is the right file",
  },
  SY3009: {
    severity: "warning",
    description: "worst-case wait over 10 minutes without a declared bound",
    help: "lower `timeout { total }`, or declare `bounds { latency … }` if the wait is intended",
  },
  SY2038: {
    severity: "error",
    description: "shared state key prefix is not a plain name",
    help: 'use letters, digits and `: . _ -`, e.g. `prefix "sy:prod"`',
  },
  SY3010: {
    severity: "warning",
    description: "cache settings with the cache off",
    help: "add `ttl` to turn the cache on, or remove the block",
  },
  SY3011: {
    severity: "warning",
    description: "budget smaller than one request's worst-case cost",
    help: "raise the budget, lower `max_output` or the prices the route can reach, or leave that route out of the key's `routes`",
  },
  SY3012: {
    severity: "warning",
    description: "quota lease larger than half a requests quota",
    help: "lower `lease` in `shared_state`, or raise the quota",
  },
} as const satisfies Catalogue;

export type CheckCode = keyof typeof CHECK_CODES;

/** Reading and compiling a policy file (SY4xxx). */
export const INPUT_CODES = {
  SY4001: {
    severity: "error",
    description: "cannot read the policy file",
    help: "check the path and the file's permissions; policy files end in `.route`",
  },
  SY4002: {
    severity: "error",
    description: "internal compiler error",
    help: "please report this with the policy file",
  },
} as const satisfies Catalogue;

export type InputCode = keyof typeof INPUT_CODES;

/** Every code the tool can report, parser's included. */
export const DIAGNOSTIC_CODES: Catalogue = { ...SYNTAX_CODES, ...CHECK_CODES, ...INPUT_CODES };

/** A reading or compiling diagnostic (SY4xxx), built from its catalogue entry. */
export function inputDiagnostic<C extends InputCode>(
  code: C,
  message: Message<NoInfer<C>>,
  primary: Label,
  details: Details = {},
): Diagnostic {
  return diagnosticOf(INPUT_CODES, code, message, primary, details);
}
