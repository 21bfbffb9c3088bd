// The checker's message texts, keyed by code: one typed constructor per message a code can print
// (named after the case when a code has several, such as SY2008's missing `provider`, `can`,
// `kind` or `redis`). `ctx.report(code, CHECK_MESSAGES[code].case(args), …)` is the only way a pass
// writes a message: the constructors brand their text with the code (Message<C>), so a free
// string, or another code's message, does not type-check at a call site. Arguments are the user's
// input (put in backticks here) or figures and words the pass computed. Lowercase, as ever.
import { type Message, messages } from "../syntax/diagnostic.ts";
import type { CheckCode, InputCode } from "./codes.ts";

const quoted = (s: string) => `\`${s}\``;

export const CHECK_MESSAGES = {
  SY2001: messages("SY2001", {
    unknownSetting: (a: { key: string; where: string }) => `unknown setting ${quoted(a.key)} in ${a.where}`,
  }),
  SY2002: messages("SY2002", {
    wrongKind: (a: { key: string; expected: string; found: string }) =>
      `${quoted(a.key)} expects ${a.expected}, not ${a.found}`,
    notAString: (a: { noun: string; key: string }) => `${a.noun} ${quoted(a.key)} expects a string value`,
    weightNotAllowed: () => "a weight is not allowed in this list",
    literalInstanceId: () => "`instance_id` is a literal string",
  }),
  SY2003: messages("SY2003", {
    unknownWord: (a: { what: string; word: string }) => `unknown ${a.what} ${quoted(a.word)}`,
  }),
  SY2004: messages("SY2004", {
    unknownCapability: (a: { name: string }) => `unknown capability ${quoted(a.name)}`,
    unknownWord: (a: { what: string; word: string }) => `unknown ${a.what} ${quoted(a.word)}`,
  }),
  SY2005: messages("SY2005", {
    unknownWord: (a: { what: string; word: string }) => `unknown ${a.what} ${quoted(a.word)}`,
  }),
  SY2006: messages("SY2006", { unknownStrategy: (a: { name: string }) => `unknown strategy ${quoted(a.name)}` }),
  SY2007: messages("SY2007", {
    setTwiceIn: (a: { key: string; where: string }) => `${quoted(a.key)} is set more than once in ${a.where}`,
    setTwice: (a: { noun: string; key: string }) => `${a.noun} ${quoted(a.key)} is set more than once`,
  }),
  SY2008: messages("SY2008", {
    modelWithoutProvider: (a: { model: string }) => `model ${quoted(a.model)} has no \`provider\``,
    modelWithoutCan: (a: { model: string }) => `model ${quoted(a.model)} has no \`can\``,
    providerWithoutKind: (a: { provider: string }) => `provider ${quoted(a.provider)} has no \`kind\``,
    sharedStateWithoutRedis: () => "`shared_state` has no `redis`",
  }),
  SY2009: messages("SY2009", {
    ruleOutsideRoute: (a: { where: string }) => `rules are only allowed in a route, not in ${a.where}`,
  }),
  SY2010: messages("SY2010", { unknownProvider: (a: { name: string }) => `unknown provider ${quoted(a.name)}` }),
  SY2011: messages("SY2011", { unknownModel: (a: { name: string }) => `unknown model ${quoted(a.name)}` }),
  SY2012: messages("SY2012", { unknownRoute: (a: { name: string }) => `unknown route ${quoted(a.name)}` }),
  SY2013: messages("SY2013", {
    declaredTwice: (a: { kind: string; name: string }) => `${a.kind} ${quoted(a.name)} is declared more than once`,
  }),
  SY2014: messages("SY2014", { secondBlock: (a: { kind: string }) => `more than one ${quoted(a.kind)} block` }),
  SY2015: messages("SY2015", {
    unknownFunction: (a: { name: string }) => `unknown function ${quoted(a.name)}`,
    envArguments: () => "`env` takes one string: the variable name",
    notAVariableName: (a: { name: string }) => `${quoted(a.name)} is not an environment variable name`,
  }),
  SY2016: messages("SY2016", {
    notForKind: (a: { key: string; kind: string }) =>
      `${quoted(a.key)} does not apply to provider kind ${quoted(a.kind)}`,
  }),
  SY2017: messages("SY2017", { notAUrl: () => "`base_url` is not an http(s) url" }),
  SY2018: messages("SY2018", {
    officialApiWithoutKey: (a: { provider: string; url: string }) =>
      `provider ${quoted(a.provider)} would call ${a.url} without a key`,
  }),
  SY2019: messages("SY2019", {
    emptyTarget: () => "this target has no models",
    emptySplit: () => "this split has no arms",
  }),
  SY2020: messages("SY2020", {
    selfLoop: (a: { route: string }) => `route ${quoted(a.route)} sends requests to itself`,
    cycle: (a: { routes: readonly string[] }) => `routes form a cycle: ${a.routes.map(quoted).join(" → ")}`,
  }),
  SY2021: messages("SY2021", { neverMatches: () => "this rule can never match" }),
  SY2022: messages("SY2022", {
    noModelInTarget: (a: { has: string }) => `no model in this target has ${a.has}`,
    noModelInArm: (a: { has: string }) => `a split arm leads to no model with ${a.has}`,
  }),
  SY2023: messages("SY2023", {
    longerThanTotal: (a: { timeout: string; value: string; total: string }) =>
      `${quoted(a.timeout)} timeout (${a.value}) is longer than \`total\` (${a.total})`,
  }),
  SY2024: messages("SY2024", {
    notInRange: (a: { key: string; bounds: string }) => `${quoted(a.key)} must be ${a.bounds}`,
    negative: (a: { key: string }) => `${quoted(a.key)} cannot be negative`,
    notWhole: (a: { key: string }) => `${quoted(a.key)} must be a whole number`,
    notAStatus: (a: { raw: string }) => `${quoted(a.raw)} is not an http status`,
    zeroLimit: (a: { key: string }) => `${quoted(a.key)} must allow more than zero`,
  }),
  SY2025: messages("SY2025", {
    maxOutputOverContext: () => "`max_output` is larger than the context window",
    backoffBaseOverMax: (a: { base: string; max: string }) =>
      `backoff \`base\` (${a.base}) is larger than its \`max\` (${a.max})`,
    outageNotShorter: (a: { down: string; every: string }) =>
      `the outage (${a.down}) is not shorter than its period (${a.every})`,
  }),
  SY2026: messages("SY2026", {
    notPositive: (a: { raw: string }) => `weight ${quoted(a.raw)} must be more than zero`,
  }),
  SY2027: messages("SY2027", {
    literalSecret: (a: { key: string; redacted?: string }) =>
      `${quoted(a.key)} holds a literal string${a.redacted ? ` (${quoted(a.redacted)})` : ""}`,
  }),
  SY2028: messages("SY2028", {
    looksLikeKey: (a: { redacted: string }) => `this string looks like an api key (${quoted(a.redacted)})`,
  }),
  SY2029: messages("SY2029", { invalid: () => "invalid regular expression" }),
  SY2030: messages("SY2030", {
    numbersOnly: (a: { op: string; found: string }) => `${quoted(a.op)} compares numbers, but this is ${a.found}`,
    textOnly: (a: { op: string; found: string }) => `${quoted(a.op)} compares text, but this is ${a.found}`,
    oneValue: (a: { op: string; found: string }) => `${quoted(a.op)} compares one value, not ${a.found}`,
    tokensWithText: (a: { op: string }) => `\`tokens\` is a number; ${quoted(a.op)} compares text`,
    tokensNotNumber: (a: { found: string }) => `\`tokens\` is a number, but this is ${a.found}`,
    inNeedsList: (a: { found: string }) => `\`in\` needs a list, but this is ${a.found}`,
    inPlainValues: (a: { found: string }) => `\`in\` lists plain values, not ${a.found}`,
  }),
  SY2031: messages("SY2031", { stickyWithoutKey: () => "`sticky` needs a key to stick on" }),
  SY2032: messages("SY2032", { takesNoKey: (a: { strategy: string }) => `${quoted(a.strategy)} does not take a key` }),
  SY2033: messages("SY2033", { badStickyKey: (a: { kind: string }) => `\`sticky\` cannot key on ${quoted(a.kind)}` }),
  SY2034: messages("SY2034", {
    envNotSet: (a: { name: string }) => `environment variable ${quoted(a.name)} is not set`,
  }),
  SY2035: messages("SY2035", {
    tooManyHops: (a: { route: string; hops: number; limit: number }) =>
      `route ${quoted(a.route)} reaches models only after ${a.hops} \`route\` hops; the limit is ${a.limit}`,
  }),
  SY2036: messages("SY2036", {
    exponential: (a: { pattern: string }) => `regular expression ${quoted(a.pattern)} can take exponential time`,
  }),
  SY2037: messages("SY2037", {
    overBound: (a: { bound: string; where: string; worst: string; limit: string }) =>
      `worst-case ${a.bound} of ${a.where} is ${a.worst}, over its bound of ${a.limit}`,
  }),
  SY2038: messages("SY2038", {
    notPlain: (a: { prefix: string }) => `key prefix ${quoted(a.prefix)} is not a plain name`,
  }),
  SY2050: messages("SY2050", { unknown: (a: { what: string; name: string }) => `unknown ${a.what} ${quoted(a.name)}` }),
  SY2051: messages("SY2051", {
    sharedVariable: (a: { key: string; variable: string; first: string }) =>
      `key ${quoted(a.key)} reads the same variable ${quoted(a.variable)} as ${a.first}`,
  }),
  SY2052: messages("SY2052", {
    unknownWindow: (a: { unit: string; raw: string }) => `unknown window \`/${a.unit}\` in ${quoted(a.raw)}`,
  }),
  SY2053: messages("SY2053", { noSecret: (a: { key: string }) => `key ${quoted(a.key)} has no \`secret\`` }),
  SY2054: messages("SY2054", {
    noKeysDeclared: (a: { kind: string }) => `${quoted(a.kind)} condition, but the policy declares no keys`,
  }),
  SY3001: messages("SY3001", {
    noOtherwise: (a: { route: string }) => `route ${quoted(a.route)} has no \`otherwise\` rule`,
  }),
  SY3002: messages("SY3002", {
    mixed: () => "some split arms have a percentage and some do not",
    notHundred: (a: { sum: string }) => `split percentages add up to ${a.sum}%, not 100%`,
  }),
  SY3003: messages("SY3003", { unused: (a: { name: string }) => `provider ${quoted(a.name)} is never used` }),
  SY3004: messages("SY3004", { unused: (a: { name: string }) => `model ${quoted(a.name)} is never used` }),
  SY3005: messages("SY3005", {
    envNotSet: (a: { name: string }) => `environment variable ${quoted(a.name)} is not set`,
  }),
  SY3006: messages("SY3006", { noWeights: () => "`weighted` without weights spreads traffic evenly" }),
  SY3007: messages("SY3007", {
    listedTwice: (a: { name: string }) => `${quoted(a.name)} is listed twice in this target`,
  }),
  SY3008: messages("SY3008", { noRoutes: () => "policy declares no routes" }),
  SY3009: messages("SY3009", {
    longWait: (a: { where: string; wait: string }) =>
      `a request on ${a.where} can wait ${a.wait} for its first token or error`,
  }),
  SY3010: messages("SY3010", { cacheOff: () => "`cache` settings with the cache off" }),
  SY3011: messages("SY3011", {
    budgetUnderCost: (a: { kind: string; name: string; budget: string; route: string; cost: string }) =>
      `the budget of ${a.kind} ${quoted(a.name)} (${a.budget}) is less than one request's worst-case cost on route ${quoted(a.route)} (${a.cost})`,
  }),
  SY3012: messages("SY3012", {
    leaseOverHalf: (a: { lease: number; owner: string; name: string; quota: string }) =>
      `with \`lease ${a.lease}\` one instance can hold more than half of ${a.owner} ${quoted(a.name)}'s \`requests ${a.quota}\``,
  }),
} as const satisfies { readonly [C in CheckCode]: Readonly<Record<string, (...args: never[]) => Message<C>>> };

/** A message of one of the checker's codes. */
export type CheckMessage<C extends CheckCode = CheckCode> = Message<C>;

/** Reading and compiling a policy file (SY4xxx). */
export const INPUT_MESSAGES = {
  SY4001: messages("SY4001", {
    cannotRead: (a: { path: string; reason: string }) => `cannot read ${quoted(a.path)}: ${a.reason}`,
    cannotReload: (a: { path: string; reason: string }) => `cannot read policy ${quoted(a.path)}: ${a.reason}`,
  }),
  SY4002: messages("SY4002", { internal: (a: { reason: string }) => `internal compiler error: ${a.reason}` }),
} as const satisfies { readonly [C in InputCode]: Readonly<Record<string, (...args: never[]) => Message<C>>> };
