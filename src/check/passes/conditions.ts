// Rule conditions: capability words are known, each comparison's value fits its operator (numbers
// for `<`, strings for `starts_with`, a list for `in`), and every `matches` regex compiles and
// cannot backtrack exponentially (src/check/regex-safety.ts).
import type { CompareCond, Cond, Policy, Value } from "../../syntax/ast.ts";
import { CAPABILITIES } from "../../syntax/vocabulary.ts";
import { catastrophicRegex } from "../regex-safety.ts";
import { didYouMean } from "../../util/edit-distance.ts";
import type { CheckContext } from "../context.ts";
import { declsOf, rulesOf } from "../walk.ts";
import { CHECK_MESSAGES } from "../messages.ts";
import type { Message } from "../../syntax/diagnostic.ts";

const NUMERIC_OPS = new Set(["<", "<=", ">", ">="]);
const STRING_OPS = new Set(["starts_with", "ends_with", "contains", "matches"]);
const SCALARS = new Set<Value["kind"]>(["string", "number", "size", "bool", "ident", "percent", "duration", "money"]);

export function checkConditions(policy: Policy, ctx: CheckContext): void {
  for (const route of declsOf(policy, "route")) {
    for (const rule of rulesOf(route)) if (rule.cond) walk(rule.cond, ctx);
  }
}

function walk(cond: Cond, ctx: CheckContext): void {
  switch (cond.kind) {
    case "and":
    case "or":
      walk(cond.left, ctx);
      return walk(cond.right, ctx);
    case "not":
      return walk(cond.operand, ctx);
    case "group":
      return walk(cond.inner, ctx);
    case "cap":
      if (!(CAPABILITIES as readonly string[]).includes(cond.name.name)) {
        ctx.report(
          "SY2004",
          CHECK_MESSAGES.SY2004.unknownCapability({ name: cond.name.name }),
          cond.name.span,
          "not a known capability",
          {
            help:
              didYouMean(cond.name.name, CAPABILITIES) ??
              `use one of ${CAPABILITIES.map((c) => `\`${c}\``).join(", ")}, or a comparison such as \`header "x" == "y"\``,
          },
        );
      }
      return;
    case "compare":
      return checkCompare(cond, ctx);
    case "key":
    case "tag":
      return; // names are resolved by the keys pass (keys.ts)
  }
}

function checkCompare(cond: CompareCond, ctx: CheckContext): void {
  const op = cond.op.text;
  const value = cond.value;
  const isNumber = value.kind === "number" || value.kind === "size";
  if (NUMERIC_OPS.has(op) && !isNumber) {
    return mismatch(
      cond,
      CHECK_MESSAGES.SY2030.numbersOnly({ op, found: describe(value) }),
      "not a number",
      value.kind === "string" && value.value.trim() !== "" && !Number.isNaN(Number(value.value))
        ? `drop the quotes: \`${value.value}\``
        : "compare with a number, or use `==` for text",
      ctx,
    );
  }
  if (cond.subject.kind === "tokens" && !tokensCompareFits(cond, ctx)) return;
  if (op === "in") return checkInList(cond, ctx);
  if (STRING_OPS.has(op)) {
    if (value.kind !== "string")
      return mismatch(
        cond,
        CHECK_MESSAGES.SY2030.textOnly({ op, found: describe(value) }),
        "not a string",
        "quote the value",
        ctx,
      );
    if (op === "matches") checkRegex(value, ctx);
    return;
  }
  if (!SCALARS.has(value.kind))
    mismatch(
      cond,
      CHECK_MESSAGES.SY2030.oneValue({ op, found: describe(value) }),
      "not a plain value",
      op === "==" && value.kind === "list" ? "use `in` to compare with a list" : "compare with a string or a number",
      ctx,
    );
}

/** `tokens` is a number: false (after reporting) when the operator or a value does not fit. */
function tokensCompareFits(cond: CompareCond, ctx: CheckContext): boolean {
  const op = cond.op.text;
  const value = cond.value;
  const reject = (...args: Parameters<typeof mismatch>): false => {
    mismatch(...args);
    return false;
  };
  if (STRING_OPS.has(op))
    return reject(
      cond,
      CHECK_MESSAGES.SY2030.tokensWithText({ op }),
      "text operator on a number",
      "use `<`, `<=`, `>`, `>=`, `==` or `!=`",
      ctx,
    );
  const items = op === "in" && value.kind === "list" ? value.items.map((i) => i.value) : [value];
  const bad = items.find((v) => v.kind !== "number" && v.kind !== "size");
  if (bad && op !== "in")
    return reject(
      cond,
      CHECK_MESSAGES.SY2030.tokensNotNumber({ found: describe(bad) }),
      "not a number",
      "compare with a number such as `100k`",
      ctx,
    );
  if (bad && value.kind === "list")
    return reject(
      { ...cond, value: bad },
      CHECK_MESSAGES.SY2030.tokensNotNumber({ found: describe(bad) }),
      "not a number",
      "list numbers only",
      ctx,
    );
  return true;
}

/** `in` takes a list of plain values. */
function checkInList(cond: CompareCond, ctx: CheckContext): void {
  const value = cond.value;
  if (value.kind !== "list")
    return mismatch(
      cond,
      CHECK_MESSAGES.SY2030.inNeedsList({ found: describe(value) }),
      "not a list",
      `write a list: \`[…]\`, or use \`==\``,
      ctx,
    );
  for (const item of value.items) {
    if (!SCALARS.has(item.value.kind))
      mismatch(
        { ...cond, value: item.value },
        CHECK_MESSAGES.SY2030.inPlainValues({ found: describe(item.value) }),
        "not a plain value",
        "list strings or numbers",
        ctx,
      );
  }
}

function checkRegex(value: Value & { kind: "string" }, ctx: CheckContext): void {
  try {
    new RegExp(value.value);
  } catch (e) {
    const reason = (e instanceof Error ? e.message : String(e))
      .replace(/^Invalid regular expression: (\/.*\/[a-z]*: )?/i, "")
      .toLowerCase();
    ctx.report("SY2029", CHECK_MESSAGES.SY2029.invalid(), value.span, `this pattern does not compile: ${reason}`, {
      help: "fix the pattern; backslashes must be doubled inside a string (`\\\\d`)",
    });
    return;
  }
  const problem = catastrophicRegex(value.value);
  if (problem) {
    ctx.report("SY2036", CHECK_MESSAGES.SY2036.exponential({ pattern: value.value }), value.span, problem, {
      notes: ["it is matched against client-controlled text on every request, so one header could stall the gateway"],
      help: "repeat a group only when its rounds cannot overlap: `(-[a-z]+)*`, not `(a+)+`; or drop the outer repetition",
    });
  }
}

function mismatch(cond: CompareCond, message: Message<"SY2030">, label: string, help: string, ctx: CheckContext): void {
  ctx.report("SY2030", message, cond.value.span, label, {
    secondary: [ctx.label(cond.op.span, "this operator")],
    help,
  });
}

function describe(value: Value): string {
  switch (value.kind) {
    case "string":
      return "a string";
    case "list":
      return "a list";
    case "block":
      return "a block";
    case "call":
      return "a call";
    case "ident":
      return `the name \`${value.name}\``;
    case "bool":
      return "a boolean";
    case "number":
    case "size":
      return "a number";
    default:
      return `a ${value.kind.replace("_", " ")}`;
  }
}
