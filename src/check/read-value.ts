// Turns one AST value into its canonical form (ms, fractions, USD, env names) according to its
// schema field, or says it is the wrong kind. Shared by the checker (kind errors) and the
// compiler (reading values), so both agree on what `20%` or `1M/day` means.
import type { Call, Value } from "../syntax/ast.ts";
import {
  CAPABILITIES,
  FAILURE_CLASSES,
  WINDOWS,
  type Capability,
  type FailureClass,
  type WindowUnit,
} from "../syntax/vocabulary.ts";
import type { RetryOn } from "./defaults.ts";
import type { FieldSchema, LimitMetric } from "./schema.ts";

export interface Limit {
  metric: LimitMetric;
  amount: number;
  window: WindowUnit;
}

export type CanonicalValue =
  | number
  | boolean
  | string
  | string[]
  | Capability[]
  | RetryOn
  | Limit[]
  | Record<string, string>;

/** How to write a value of this kind, for "expected …" messages. */
export function expectedKind(field: FieldSchema): string {
  switch (field.type) {
    case "duration":
      return "a duration such as `30s` or `250ms`";
    case "int":
      return "a whole number";
    case "count":
      return "a whole number or a size such as `128k`";
    case "percent":
      return "a percentage such as `20%`";
    case "money":
      return "an amount of money such as `$2.50`";
    case "bool":
      return "`true` or `false`";
    case "word":
      return field.words.map((w) => `\`${w}\``).join(", ");
    case "string":
      return "a string";
    case "url":
      return "a string holding an http(s) url";
    case "secret":
      return '`env("NAME")`';
    case "secrets":
      return 'a list of `env("NAME")`';
    case "caps":
      return "a list of capabilities such as `[chat, stream]`";
    case "provider_ref":
      return "a provider name";
    case "retry_on":
      return "a list of statuses, status classes and failure classes such as `[429, 5xx, connect]`";
    case "limits":
      return field.metric === "usd"
        ? "a rate such as `$50/day` or a list of rates"
        : "a rate such as `500/min` or a list of rates";
    case "headers":
      return 'a block of `"Header-Name" "value"` pairs';
    case "refs":
      return "a list of names such as `[chat, embed]`";
    case "ref":
      return "a name";
    case "tags":
      return 'a block of `name "value"` pairs';
    case "block":
      return "a block `{ … }`";
  }
}

/** The env var a call names, if it is a well-formed `env("NAME")`. */
export function envName(v: Value): string | null {
  if (v.kind !== "call" || v.callee.name !== "env" || v.args.length !== 1) return null;
  const arg = v.args[0];
  return arg.kind === "string" && ENV_NAME.test(arg.value) ? arg.value : null;
}

export const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

function isCall(v: Value): v is Call {
  return v.kind === "call";
}

function numberOf(v: Value): number | undefined {
  if (v.kind === "number") return v.value;
  if (v.kind === "size") return v.value;
  return undefined;
}

function readLimit(metric: LimitMetric, v: Value): Limit | undefined {
  if (v.kind !== "rate") return undefined;
  const a = v.amount;
  if (metric === "usd" ? a.kind !== "money" : a.kind === "money") return undefined;
  const amount = a.kind === "money" ? a.usd : a.value;
  return WINDOWS.includes(v.per) ? { metric, amount, window: v.per } : undefined;
}

/** The canonical value, or undefined when `v` is not the kind the field takes (ranges are not checked here). */
export function readValue(field: FieldSchema, v: Value): CanonicalValue | undefined {
  switch (field.type) {
    case "duration":
      return v.kind === "duration" ? v.ms : undefined;
    case "int":
      return v.kind === "number" ? v.value : undefined;
    case "count":
      return numberOf(v);
    case "percent":
      return v.kind === "percent" ? v.value / 100 : undefined;
    case "money":
      return v.kind === "money" ? v.usd : undefined;
    case "bool":
      return v.kind === "bool" ? v.value : undefined;
    case "word":
      return v.kind === "ident" && field.words.includes(v.name) ? v.name : undefined;
    case "string":
      return v.kind === "string" ? v.value : undefined;
    case "url":
      return v.kind === "string" ? v.value : undefined;
    case "secret":
      return isCall(v) ? (envName(v) ?? undefined) : undefined;
    case "secrets": {
      if (v.kind !== "list") return isCall(v) ? (envName(v) === null ? undefined : [envName(v) as string]) : undefined;
      const names = v.items.map((i) => envName(i.value));
      return names.every((n) => n !== null) ? (names as string[]) : undefined;
    }
    case "caps": {
      if (v.kind !== "list") return undefined;
      const caps: Capability[] = [];
      for (const item of v.items) {
        if (item.value.kind !== "ident" || !(CAPABILITIES as readonly string[]).includes(item.value.name))
          return undefined;
        caps.push(item.value.name as Capability);
      }
      return caps;
    }
    case "provider_ref":
      return v.kind === "ident" ? v.name : v.kind === "string" ? v.value : undefined;
    case "retry_on":
      return v.kind === "list" ? readRetryOn(v.items.map((i) => i.value)) : undefined;
    case "limits": {
      if (v.kind !== "list") {
        const limit = readLimit(field.metric, v);
        return limit === undefined ? undefined : [limit];
      }
      const limits: Limit[] = [];
      for (const item of v.items) {
        const limit = readLimit(field.metric, item.value);
        if (limit === undefined) return undefined;
        limits.push(limit);
      }
      return limits;
    }
    case "refs": {
      if (v.kind !== "list") return undefined;
      const names: string[] = [];
      for (const { value: item } of v.items) {
        if (item.kind === "ident") names.push(item.name);
        else if (item.kind === "string") names.push(item.value);
        else return undefined;
      }
      return names;
    }
    case "ref":
      return v.kind === "ident" ? v.name : v.kind === "string" ? v.value : undefined;
    case "tags":
    case "headers": {
      if (v.kind !== "block") return undefined;
      const out: Record<string, string> = {};
      for (const m of v.members) {
        if (m.kind !== "property" || m.value.kind !== "string") return undefined;
        out[m.key.name] = m.value.value;
      }
      return out;
    }
    case "block":
      return undefined; // blocks are walked member by member
  }
}

/** One `retry.on` item: a status (100..599), a status class (`5xx`) or a failure-class word. */
export function readRetryOnItem(v: Value): { statuses: number[] } | { class: FailureClass } | undefined {
  if (v.kind === "number" && Number.isInteger(v.value) && v.value >= 100 && v.value <= 599)
    return { statuses: [v.value] };
  if (v.kind === "status_class") return { statuses: Array.from({ length: 100 }, (_, i) => v.value * 100 + i) };
  if (v.kind === "ident" && (FAILURE_CLASSES as readonly string[]).includes(v.name))
    return { class: v.name as FailureClass };
  return undefined;
}

function readRetryOn(items: Value[]): RetryOn | undefined {
  const out: RetryOn = { statuses: [], classes: [] };
  for (const item of items) {
    const r = readRetryOnItem(item);
    if (r === undefined) return undefined;
    if ("class" in r) out.classes.push(r.class);
    else out.statuses.push(...r.statuses);
  }
  out.statuses = [...new Set(out.statuses)].sort((a, b) => a - b);
  return out;
}
