// Checks one value against its schema field: the right kind, a known word, inside its range.
// Literal strings in secret fields are left to the secrets pass so they are reported once.
import type { Value } from "../syntax/ast.ts";
import { CAPABILITIES, FAILURE_CLASSES, WINDOWS } from "../syntax/vocabulary.ts";
import { didYouMean } from "../util/edit-distance.ts";
import type { CheckCode } from "./codes.ts";
import type { CheckContext } from "./context.ts";
import { ENV_NAME, expectedKind, readRetryOnItem } from "./read-value.ts";
import type { FieldSchema } from "./schema.ts";

export function checkValue(field: FieldSchema, value: Value, key: string, ctx: CheckContext): void {
  if (value.kind === "call" && !checkCall(value, ctx)) return;
  switch (field.type) {
    case "duration":
      if (value.kind === "number" && value.value < 0)
        return outOfRange(
          `\`${key}\` cannot be negative`,
          value,
          ctx,
          "negative duration",
          "use a positive duration such as `30s`",
        );
      if (value.kind !== "duration")
        return wrongKind(
          field,
          value,
          key,
          ctx,
          value.kind === "number" ? `add a unit: \`${value.raw}s\` or \`${value.raw}ms\`` : null,
        );
      return range(key, value.ms, field.min, field.max ?? Infinity, value, ctx, formatMs);
    case "int":
    case "count":
      if (value.kind !== "number" && !(field.type === "count" && value.kind === "size"))
        return wrongKind(field, value, key, ctx, null);
      if (!Number.isInteger(value.value))
        return outOfRange(
          `\`${key}\` must be a whole number`,
          value,
          ctx,
          "not a whole number",
          `use a whole number such as \`${Math.max(field.min, Math.round(value.value))}\``,
        );
      return range(key, value.value, field.min, field.max, value, ctx, String);
    case "percent":
      if (value.kind !== "percent")
        return wrongKind(
          field,
          value,
          key,
          ctx,
          value.kind === "number"
            ? `write it as a percentage: \`${value.value <= 1 ? value.value * 100 : value.value}%\``
            : null,
        );
      return range(key, value.value, field.min, field.max, value, ctx, (n) => `${n}%`);
    case "money":
      return value.kind === "money"
        ? undefined
        : wrongKind(field, value, key, ctx, value.kind === "number" ? `write it as money: \`$${value.raw}\`` : null);
    case "bool":
      return value.kind === "bool" ? undefined : wrongKind(field, value, key, ctx, null);
    case "word":
      if (value.kind !== "ident") return wrongKind(field, value, key, ctx, null);
      if (!field.words.includes(value.name))
        unknownWord(
          key === "kind" ? "SY2005" : "SY2003",
          key === "kind" ? "provider kind" : `\`${key}\` value`,
          value.name,
          value,
          field.words,
          ctx,
        );
      return;
    case "string":
    case "url":
      if (value.kind !== "string")
        return wrongKind(field, value, key, ctx, value.kind === "ident" ? `quote it: \`"${value.name}"\`` : null);
      if (field.type === "url") checkUrl(value.value, value, ctx);
      return;
    case "secret":
      return value.kind === "call" || value.kind === "string" ? undefined : wrongKind(field, value, key, ctx, null);
    case "secrets":
      if (value.kind === "call" || value.kind === "string") return;
      if (value.kind !== "list") return wrongKind(field, value, key, ctx, null);
      for (const item of value.items)
        if (item.value.kind !== "call" && item.value.kind !== "string") wrongKind(field, item.value, key, ctx, null);
      return noWeights(value, ctx);
    case "caps":
      if (value.kind !== "list")
        return wrongKind(
          field,
          value,
          key,
          ctx,
          value.kind === "ident" ? `put it in a list: \`[${value.name}]\`` : null,
        );
      for (const item of value.items) {
        if (item.value.kind !== "ident") wrongKind(field, item.value, key, ctx, null);
        else if (!(CAPABILITIES as readonly string[]).includes(item.value.name))
          unknownWord("SY2004", "capability", item.value.name, item.value, CAPABILITIES, ctx);
      }
      return noWeights(value, ctx);
    case "provider_ref":
      return value.kind === "ident" || value.kind === "string" ? undefined : wrongKind(field, value, key, ctx, null);
    case "retry_on":
      if (value.kind !== "list") return wrongKind(field, value, key, ctx, null);
      for (const { value: item } of value.items) {
        if (readRetryOnItem(item) !== undefined) continue;
        if (item.kind === "ident") unknownWord("SY2003", "failure class", item.name, item, FAILURE_CLASSES, ctx);
        else if (item.kind === "number")
          outOfRange(`\`${item.raw}\` is not an http status`, item, ctx, "not a status between 100 and 599", null);
        else wrongKind(field, item, key, ctx, null);
      }
      return noWeights(value, ctx);
    case "limits":
      if (value.kind !== "list") return checkLimit(field, value, key, ctx);
      for (const item of value.items) checkLimit(field, item.value, key, ctx);
      return noWeights(value, ctx);
    case "headers":
    case "tags":
      return value.kind === "block" ? undefined : wrongKind(field, value, key, ctx, null);
    case "ref":
      return value.kind === "ident" || value.kind === "string" ? undefined : wrongKind(field, value, key, ctx, null);
    case "refs":
      if (value.kind !== "list")
        return wrongKind(
          field,
          value,
          key,
          ctx,
          value.kind === "ident" ? `put it in a list: \`[${value.name}]\`` : null,
        );
      for (const item of value.items)
        if (item.value.kind !== "ident" && item.value.kind !== "string") wrongKind(field, item.value, key, ctx, null);
      return noWeights(value, ctx);
    case "block":
      return value.kind === "block"
        ? undefined
        : wrongKind(field, value, key, ctx, `write it as a block: \`${key} { … }\``);
  }
}

function checkLimit(field: FieldSchema & { type: "limits" }, item: Value, key: string, ctx: CheckContext): void {
  if (item.kind === "rate" && !(WINDOWS as readonly string[]).includes(item.per)) return unknownWindow(item, ctx);
  const usd = item.kind === "rate" && item.amount.kind === "money";
  if (item.kind !== "rate" || usd !== (field.metric === "usd")) wrongKind(field, item, key, ctx, null);
  else if ((item.amount.kind === "money" ? item.amount.usd : item.amount.value) <= 0)
    outOfRange(
      `\`${key}\` must allow more than zero`,
      item,
      ctx,
      "a zero limit blocks every request",
      "remove the limit or raise it",
    );
}

/** `600/mni`: the grammar keeps a mistyped window word so it can be named here. */
function unknownWindow(rate: Value & { kind: "rate" }, ctx: CheckContext): void {
  const unit = rate.raw.slice(rate.raw.lastIndexOf("/") + 1);
  ctx.error("SY2052", `unknown window \`/${unit}\` in \`${rate.raw}\``, rate.span, "not a window", {
    help: didYouMean(unit, RATE_UNITS) ?? `use one of ${RATE_UNITS.map((u) => `\`/${u}\``).join(", ")}`,
  });
}

/** The window words the grammar reads after `/` (grammar/route.peggy, PER). */
const RATE_UNITS = ["s", "sec", "second", "min", "minute", "h", "hour", "d", "day", "mo", "month"];

const KIND_WORDS: Record<Value["kind"], string> = {
  string: "a string",
  number: "a number",
  duration: "a duration",
  size: "a size",
  money: "money",
  percent: "a percentage",
  rate: "a rate",
  status_class: "a status class",
  bool: "a boolean",
  ident: "a name",
  list: "a list",
  block: "a block",
  call: "a call",
};

function wrongKind(field: FieldSchema, value: Value, key: string, ctx: CheckContext, help: string | null): void {
  ctx.report(
    "SY2002",
    `\`${key}\` expects ${expectedKind(field)}, not ${KIND_WORDS[value.kind]}`,
    value.span,
    `${KIND_WORDS[value.kind]} here`,
    {
      help: help ?? `write it like \`${key} ${exampleOf(field)}\``,
    },
  );
}

/** A valid value for the field, for "write it like …" help. */
function exampleOf(field: FieldSchema): string {
  switch (field.type) {
    case "duration":
      return "30s";
    case "int":
      return String(Math.max(field.min, Math.min(3, field.max)));
    case "count":
      return "128k";
    case "percent":
      return "20%";
    case "money":
      return "$2.50";
    case "bool":
      return "true";
    case "word":
      return field.words[0];
    case "string":
      return '"name"';
    case "url":
      return '"https://api.openai.com/v1"';
    case "secret":
      return 'env("NAME")';
    case "secrets":
      return '[env("NAME")]';
    case "caps":
      return "[chat, stream]";
    case "provider_ref":
      return "openai";
    case "retry_on":
      return "[429, 5xx, connect]";
    case "limits":
      return field.metric === "usd" ? "$50/day" : field.metric === "tokens" ? "1M/day" : "500/min";
    case "headers":
      return '{ "X-Name" "value" }';
    case "refs":
      return "[chat, embed]";
    case "ref":
      return "search";
    case "tags":
      return '{ team "search" }';
    case "block":
      return "{ … }";
  }
}

function unknownWord(
  code: CheckCode,
  what: string,
  word: string,
  value: Value,
  words: readonly string[],
  ctx: CheckContext,
): void {
  const hint = didYouMean(word, words);
  ctx.report(code, `unknown ${what} \`${word}\``, value.span, `not a known ${what.replace(/^`.*` /, "")}`, {
    help: hint ?? `use one of ${words.map((w) => `\`${w}\``).join(", ")}`,
  });
}

function outOfRange(message: string, value: Value, ctx: CheckContext, label: string, help: string | null): void {
  ctx.report("SY2024", message, value.span, label, { help });
}

function range(
  key: string,
  n: number,
  min: number,
  max: number,
  value: Value,
  ctx: CheckContext,
  show: (n: number) => string,
): void {
  if (n >= min && n <= max) return;
  const bounds =
    max === Infinity
      ? min === 1 && show === formatMs
        ? "longer than 0"
        : `at least ${show(min)}`
      : `between ${show(min)} and ${show(max)}`;
  outOfRange(`\`${key}\` must be ${bounds}`, value, ctx, n < min ? "too small" : "too large", `use a value ${bounds}`);
}

function noWeights(list: Value & { kind: "list" }, ctx: CheckContext): void {
  for (const item of list.items) {
    if (item.weight)
      ctx.report("SY2002", "a weight is not allowed in this list", item.weight.span, "unexpected weight", {
        help: "weights only apply to models in a target; remove it",
      });
  }
}

function checkCall(value: Value & { kind: "call" }, ctx: CheckContext): boolean {
  if (value.callee.name !== "env") {
    ctx.report("SY2015", `unknown function \`${value.callee.name}\``, value.callee.span, "not a function", {
      help: didYouMean(value.callee.name, ["env"]) ?? 'the only function is `env("NAME")`',
    });
    return false;
  }
  const arg = value.args[0];
  if (value.args.length !== 1 || arg.kind !== "string") {
    ctx.report("SY2015", "`env` takes one string: the variable name", value.span, "malformed `env(…)`", {
      help: 'write `env("NAME")`',
    });
    return false;
  }
  if (!ENV_NAME.test(arg.value)) {
    ctx.report("SY2015", `\`${arg.value}\` is not an environment variable name`, arg.span, "not a variable name", {
      help: "use letters, digits and `_`, not starting with a digit",
    });
    return false;
  }
  return true;
}

function checkUrl(text: string, value: Value, ctx: CheckContext): void {
  let ok = false;
  try {
    const url = new URL(text);
    ok = (url.protocol === "http:" || url.protocol === "https:") && url.hostname !== "";
  } catch {
    ok = false;
  }
  if (!ok)
    ctx.report("SY2017", "`base_url` is not an http(s) url", value.span, "not a url", {
      help: 'write the full API root, e.g. `"https://api.openai.com/v1"`',
    });
}

export function formatMs(ms: number): string {
  if (ms % 86_400_000 === 0 && ms > 0) return `${ms / 86_400_000}d`;
  if (ms % 3_600_000 === 0 && ms > 0) return `${ms / 3_600_000}h`;
  if (ms % 60_000 === 0 && ms > 0) return `${ms / 60_000}m`;
  if (ms % 1000 === 0 && ms > 0) return `${ms / 1000}s`;
  return `${ms}ms`;
}
