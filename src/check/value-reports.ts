// How a value that does not fit its field is reported: the wrong kind (with an example of the
// right one), an unknown word (with a did-you-mean), a number out of range. Shared by values.ts.
import type { Value } from "../syntax/ast.ts";
import { didYouMean } from "../util/edit-distance.ts";
import type { CheckCode } from "./codes.ts";
import type { CheckContext } from "./context.ts";
import { expectedKind } from "./read-value.ts";
import type { FieldSchema } from "./schema.ts";
import { CHECK_MESSAGES } from "./messages.ts";
import type { Message } from "../syntax/diagnostic.ts";

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

export function wrongKind(field: FieldSchema, value: Value, key: string, ctx: CheckContext, help: string | null): void {
  ctx.report(
    "SY2002",
    CHECK_MESSAGES.SY2002.wrongKind({ key, expected: expectedKind(field), found: KIND_WORDS[value.kind] }),
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

export function unknownWord(
  code: "SY2003" | "SY2004" | "SY2005",
  what: string,
  word: string,
  value: Value,
  words: readonly string[],
  ctx: CheckContext,
): void {
  const hint = didYouMean(word, words);
  ctx.report(
    code,
    CHECK_MESSAGES[code].unknownWord({ what, word }),
    value.span,
    `not a known ${what.replace(/^`.*` /, "")}`,
    {
      help: hint ?? `use one of ${words.map((w) => `\`${w}\``).join(", ")}`,
    },
  );
}

export function outOfRange(
  message: Message<"SY2024">,
  value: Value,
  ctx: CheckContext,
  label: string,
  help: string | null,
): void {
  ctx.report("SY2024", message, value.span, label, { help });
}

export function range(
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
  outOfRange(
    CHECK_MESSAGES.SY2024.notInRange({ key, bounds }),
    value,
    ctx,
    n < min ? "too small" : "too large",
    `use a value ${bounds}`,
  );
}

export function formatMs(ms: number): string {
  if (ms % 86_400_000 === 0 && ms > 0) return `${ms / 86_400_000}d`;
  if (ms % 3_600_000 === 0 && ms > 0) return `${ms / 3_600_000}h`;
  if (ms % 60_000 === 0 && ms > 0) return `${ms / 60_000}m`;
  if (ms % 1000 === 0 && ms > 0) return `${ms / 1000}s`;
  return `${ms}ms`;
}
