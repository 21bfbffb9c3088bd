// Checks one value against its schema field: the right kind, a known word, inside its range.
// Literal strings in secret fields are left to the secrets pass so they are reported once. How a
// misfit is worded is in value-reports.ts.
import type { Value } from "../syntax/ast.ts";
import { CAPABILITIES, FAILURE_CLASSES, WINDOWS } from "../syntax/vocabulary.ts";
import { didYouMean } from "../util/edit-distance.ts";
import type { CheckContext } from "./context.ts";
import { ENV_NAME, readRetryOnItem } from "./read-value.ts";
import type { FieldSchema } from "./schema.ts";
import { formatMs, outOfRange, range, unknownWord, wrongKind } from "./value-reports.ts";
import { CHECK_MESSAGES } from "./messages.ts";

export function checkValue(field: FieldSchema, value: Value, key: string, ctx: CheckContext): void {
  if (value.kind === "call" && !checkCall(value, ctx)) return;
  switch (field.type) {
    case "duration":
    case "int":
    case "count":
    case "percent":
      return checkNumeric(field, value, key, ctx);
    case "secrets":
    case "caps":
    case "retry_on":
    case "limits":
    case "refs":
      return checkListField(field, value, key, ctx);
    default:
      return checkPlain(field, value, key, ctx);
  }
}

type FieldOf<T extends FieldSchema["type"]> = Extract<FieldSchema, { type: T }>;
type NumericField = FieldOf<"duration" | "int" | "count" | "percent">;
type ListField = FieldOf<"secrets" | "caps" | "retry_on" | "limits" | "refs">;
type PlainField = Exclude<FieldSchema, NumericField | ListField>;

/** Durations, whole numbers and percentages: the right unit, then inside the field's range. */
function checkNumeric(field: NumericField, value: Value, key: string, ctx: CheckContext): void {
  switch (field.type) {
    case "duration":
      if (value.kind === "number" && value.value < 0)
        return outOfRange(
          CHECK_MESSAGES.SY2024.negative({ key }),
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
          CHECK_MESSAGES.SY2024.notWhole({ key }),
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
  }
}

/** Lists (and the one-rate form of `limits`): each item checked, and no weights. */
function checkListField(field: ListField, value: Value, key: string, ctx: CheckContext): void {
  switch (field.type) {
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
    case "retry_on":
      if (value.kind !== "list") return wrongKind(field, value, key, ctx, null);
      for (const { value: item } of value.items) {
        if (readRetryOnItem(item) !== undefined) continue;
        if (item.kind === "ident") unknownWord("SY2003", "failure class", item.name, item, FAILURE_CLASSES, ctx);
        else if (item.kind === "number")
          outOfRange(
            CHECK_MESSAGES.SY2024.notAStatus({ raw: item.raw }),
            item,
            ctx,
            "not a status between 100 and 599",
            null,
          );
        else wrongKind(field, item, key, ctx, null);
      }
      return noWeights(value, ctx);
    case "limits":
      if (value.kind !== "list") return checkLimit(field, value, key, ctx);
      for (const item of value.items) checkLimit(field, item.value, key, ctx);
      return noWeights(value, ctx);
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
  }
}

/** Single values: money, booleans, words, strings and urls, secrets, names and blocks. */
function checkPlain(field: PlainField, value: Value, key: string, ctx: CheckContext): void {
  switch (field.type) {
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
    case "provider_ref":
      return value.kind === "ident" || value.kind === "string" ? undefined : wrongKind(field, value, key, ctx, null);
    case "headers":
    case "tags":
      return value.kind === "block" ? undefined : wrongKind(field, value, key, ctx, null);
    case "ref":
      return value.kind === "ident" || value.kind === "string" ? undefined : wrongKind(field, value, key, ctx, null);
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
      CHECK_MESSAGES.SY2024.zeroLimit({ key }),
      item,
      ctx,
      "a zero limit blocks every request",
      "remove the limit or raise it",
    );
}

/** `600/mni`: the grammar keeps a mistyped window word so it can be named here. */
function unknownWindow(rate: Value & { kind: "rate" }, ctx: CheckContext): void {
  const unit = rate.raw.slice(rate.raw.lastIndexOf("/") + 1);
  ctx.error("SY2052", CHECK_MESSAGES.SY2052.unknownWindow({ unit, raw: rate.raw }), rate.span, "not a window", {
    help: didYouMean(unit, RATE_UNITS) ?? `use one of ${RATE_UNITS.map((u) => `\`/${u}\``).join(", ")}`,
  });
}

/** The window words the grammar reads after `/` (grammar/route.peggy, PER). */
const RATE_UNITS = ["s", "sec", "second", "min", "minute", "h", "hour", "d", "day", "mo", "month"];

function noWeights(list: Value & { kind: "list" }, ctx: CheckContext): void {
  for (const item of list.items) {
    if (item.weight)
      ctx.report("SY2002", CHECK_MESSAGES.SY2002.weightNotAllowed(), item.weight.span, "unexpected weight", {
        help: "weights only apply to models in a target; remove it",
      });
  }
}

function checkCall(value: Value & { kind: "call" }, ctx: CheckContext): boolean {
  if (value.callee.name !== "env") {
    ctx.report(
      "SY2015",
      CHECK_MESSAGES.SY2015.unknownFunction({ name: value.callee.name }),
      value.callee.span,
      "not a function",
      {
        help: didYouMean(value.callee.name, ["env"]) ?? 'the only function is `env("NAME")`',
      },
    );
    return false;
  }
  const arg = value.args[0];
  if (value.args.length !== 1 || arg.kind !== "string") {
    ctx.report("SY2015", CHECK_MESSAGES.SY2015.envArguments(), value.span, "malformed `env(…)`", {
      help: 'write `env("NAME")`',
    });
    return false;
  }
  if (!ENV_NAME.test(arg.value)) {
    ctx.report("SY2015", CHECK_MESSAGES.SY2015.notAVariableName({ name: arg.value }), arg.span, "not a variable name", {
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
    ctx.report("SY2017", CHECK_MESSAGES.SY2017.notAUrl(), value.span, "not a url", {
      help: 'write the full API root, e.g. `"https://api.openai.com/v1"`',
    });
}
