// The checker's diagnostic codes with one-line descriptions: the catalogue SARIF output lists as
// rules, and the index of docs/diagnostics.md (a test keeps the two in step). Codes never change
// meaning; retired codes are not reused.

export interface CodeInfo {
  description: string;
  help: string;
}

export const CHECK_CODES: Readonly<Record<string, CodeInfo>> = {
  SY2001: { description: "unknown setting", help: "fix the spelling or move the setting to the block it belongs in" },
  SY2002: { description: "value of the wrong kind", help: "write the kind of value the setting takes (duration, number, percentage, …)" },
  SY2003: { description: "unknown word value", help: "use one of the listed words" },
  SY2004: { description: "unknown capability", help: "use chat, stream, tools, vision, json, embeddings, prefill or reasoning" },
  SY2005: { description: "unknown provider kind", help: "use openai, anthropic or simulated" },
  SY2006: { description: "unknown strategy", help: "use priority, round_robin, weighted, lowest_latency, lowest_cost or sticky" },
  SY2007: { description: "setting given twice in one block", help: "keep one of them" },
  SY2008: { description: "required setting missing", help: "providers need `kind`; models need `provider` and `can`" },
  SY2009: { description: "rule outside a route", help: "move `when`/`otherwise` rules into a route" },
  SY2010: { description: "unknown provider", help: "name a declared provider" },
  SY2011: { description: "unknown model", help: "name a declared model (write `route x` for a route)" },
  SY2012: { description: "unknown route", help: "name a declared route" },
  SY2013: { description: "name declared twice", help: "rename or merge the declarations" },
  SY2014: { description: "more than one defaults or gateway block", help: "merge them into one" },
  SY2015: { description: "malformed env(…) call", help: 'write `env("NAME")`' },
  SY2016: { description: "setting does not apply to this provider kind", help: "remove it" },
  SY2017: { description: "base_url is not an http(s) url", help: "write the full API root url" },
  SY2018: { description: "provider calls the official API without a key", help: 'add `key env("NAME")` or a `base_url`' },
  SY2019: { description: "empty target", help: "list at least one model or split arm" },
  SY2020: { description: "routes form a cycle", help: "point one of the targets at models" },
  SY2021: { description: "rule can never match", help: "reorder the rules or remove the dead one" },
  SY2022: { description: "no candidate has the capabilities the condition requires", help: "add a capable model to the target" },
  SY2023: { description: "timeout longer than the total timeout", help: "make connect, first_token and idle at most total" },
  SY2024: { description: "value out of range", help: "use a value inside the documented range" },
  SY2025: { description: "settings contradict each other", help: "make the smaller value at most the larger one" },
  SY2026: { description: "weight not positive", help: "use a weight above zero or remove the candidate" },
  SY2027: { description: "literal secret in key, keys, admin_token or metrics_token", help: 'use `env("NAME")`' },
  SY2028: { description: "string looks like an API key", help: "move the key to an environment variable" },
  SY2029: { description: "invalid regular expression", help: "fix the pattern" },
  SY2030: { description: "comparison value does not fit the operator", help: "numbers for < > <= >=, text for starts_with/ends_with/contains/matches, a list for in" },
  SY2031: { description: "sticky without a key", help: 'write `sticky(header "x-session") [..]`' },
  SY2032: { description: "key on a strategy other than sticky", help: "remove the key or use sticky" },
  SY2033: { description: "sticky key is not a header or metadata", help: 'key on `header "…"` or `metadata "…"`' },
  SY2034: { description: "environment variable not set (serve)", help: "set the variable before serving" },
  SY2035: { description: "route chain longer than the hop limit", help: "point a route earlier in the chain at models" },
  SY2036: { description: "regular expression with ambiguous repetition", help: "repeat a group only when its rounds cannot overlap: `(-[a-z]+)*`, not `([a-z-]+)*`; drop the outer repetition" },
  SY3001: { description: "route without otherwise", help: "add `otherwise -> …` as the last rule" },
  SY3002: { description: "split percentages do not add up to 100%", help: "give every arm a percentage, summing to 100%" },
  SY3003: { description: "provider never used", help: "remove it or use it in a model" },
  SY3004: { description: "model never used", help: "remove it or use it in a route" },
  SY3005: { description: "environment variable not set (lint)", help: "set the variable where the gateway runs" },
  SY3006: { description: "weighted strategy without weights", help: "give weights or use round_robin" },
  SY3007: { description: "model listed twice in one target", help: "remove the repeat" },
  SY3008: { description: "policy declares no routes", help: "add a route, or check that this is the right file" },
  SY3009: { description: "cache settings with the cache off", help: "add `ttl` to turn the cache on, or remove the block" },
};
