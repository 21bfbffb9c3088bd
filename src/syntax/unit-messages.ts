// Syntax errors caused by a value's unit: `5sec` (not a unit), `100 k` (a space before it) or
// `$50/dya` (not a rate unit). Each gets the span to label, a suggestion, and the span to blank so
// the rest of the declaration still parses.
import { closest } from "../util/edit-distance.ts";
import { SYNTAX_MESSAGES, syntaxDiagnostic as make } from "./codes.ts";
import type { Span } from "./span.ts";
import type { SyntaxProblem } from "./syntax-messages.ts";

const DURATION_UNITS = ["ms", "s", "m", "h", "d"];
const SIZE_UNITS = ["k", "M", "G"];
const RATE_UNITS = ["s", "sec", "second", "min", "minute", "h", "hour", "d", "day", "mo", "month"];
/** Words people write for a duration unit, and the unit the language spells them. */
const DURATION_ALIASES: Readonly<Record<string, string>> = {
  sec: "s",
  secs: "s",
  second: "s",
  seconds: "s",
  min: "m",
  mins: "m",
  minute: "m",
  minutes: "m",
  hr: "h",
  hrs: "h",
  hour: "h",
  hours: "h",
  day: "d",
  days: "d",
  msec: "ms",
  millis: "ms",
  milliseconds: "ms",
};

/** `5sec`, `5 sec`, `$50/dya`: the value with its unit, and what to write instead. */
export function wrongUnit(
  text: string,
  file: string,
  declStart: number,
  offset: number,
  found: string | null,
): SyntaxProblem | null {
  const attached = found === null ? null : /^(\$?-?\d[\d_]*(?:\.\d+)?)([A-Za-z_][A-Za-z0-9_]*)$/.exec(found);
  if (attached && !["xx", ...DURATION_UNITS, ...SIZE_UNITS].includes(attached[2])) {
    const end = offset + found!.length;
    return unitProblem(file, {
      form: "attached",
      amount: attached[1],
      unit: attached[2],
      span: { start: offset, end },
      blank: { start: offset + attached[1].length, end },
    });
  }
  const rate = /^\/([A-Za-z_][A-Za-z0-9_]*)/.exec(text.slice(offset, offset + 32));
  const amount = /(\$?\d[\d_]*(?:\.\d+)?[kKMG]?)$/.exec(text.slice(Math.max(declStart, offset - 32), offset));
  if (rate && amount && !RATE_UNITS.includes(rate[1])) {
    const start = offset - amount[1].length;
    const end = offset + rate[0].length;
    return unitProblem(file, {
      form: "rate",
      amount: amount[1],
      unit: rate[1],
      span: { start, end },
      blank: { start: offset, end },
    });
  }
  return separatedUnit(text, file, declStart, offset);
}

/** `first_token 5 sec`: a number, a space and a unit word, on the error's line or the one before. */
function separatedUnit(text: string, file: string, declStart: number, offset: number): SyntaxProblem | null {
  const lineBefore = text.lastIndexOf("\n", text.lastIndexOf("\n", offset - 1) - 1) + 1;
  const from = Math.max(declStart, lineBefore);
  const window = maskStringsAndComments(text.slice(from, Math.min(text.length, offset + 32)));
  const pattern = /(?<![\w.$])(\d[\d_]*(?:\.\d+)?)[ \t]+([A-Za-z]+)\b/g;
  let last: SyntaxProblem | null = null;
  for (const m of window.matchAll(pattern)) {
    const word = m[2];
    if (!Object.hasOwn(DURATION_ALIASES, word) && !DURATION_UNITS.includes(word) && !SIZE_UNITS.includes(word))
      continue;
    const start = from + m.index!;
    if (start >= offset + 1) break;
    const wordStart = start + m[0].length - word.length;
    last = unitProblem(file, {
      form: "apart",
      amount: m[1],
      unit: word,
      span: { start, end: start + m[0].length },
      blank: { start: start + m[1].length, end: wordStart + word.length },
    });
  }
  return last;
}

/** A value and its unit as written: `5sec` (attached), `5 sec` (apart) or `$50/dya` (rate). */
interface UnitCase {
  form: "attached" | "apart" | "rate";
  amount: string;
  unit: string;
  span: Span;
  /** What to blank so the rest of the member still parses: the unit, keeping the amount. */
  blank: Span;
}

const VALID_RATE_UNITS = "rates are per `s`/`sec`/`second`, `min`/`minute`, `h`/`hour`, `d`/`day` or `mo`/`month`";
const VALID_UNITS =
  "durations take `ms`, `s`, `m` (minutes), `h` or `d`, sizes `k`, `M` or `G`, written right after the number";

function unitProblem(file: string, c: UnitCase): SyntaxProblem {
  const { form, amount, unit } = c;
  const isRate = form === "rate";
  const spaced = form === "apart" && [...DURATION_UNITS, ...SIZE_UNITS].includes(unit); // `100 k`: a unit, but apart
  const labelText = isRate
    ? `\`/${unit}\` is not a rate unit`
    : spaced
      ? "a space between the number and its unit"
      : `\`${unit}\` is not a unit`;
  const written = isRate ? `${amount}/${unit}` : form === "attached" ? `${amount}${unit}` : `${amount} ${unit}`;
  const message = spaced
    ? SYNTAX_MESSAGES.SY1007.spaceBeforeUnit({ written })
    : SYNTAX_MESSAGES.SY1007.noValidUnit({ written });
  const help = spaced
    ? `write \`${amount}${unit}\`: the unit goes right after the number`
    : unitHelp(amount, unit, isRate);
  return { diagnostic: make("SY1007", { file, span: c.span, message: labelText }, { message, help }), blank: c.blank };
}

/** "did you mean `5s`?" (an alias or the closest unit) and the valid units. */
function unitHelp(amount: string, unit: string, isRate: boolean): string {
  if (isRate) {
    const suggestion = closest(unit, RATE_UNITS);
    return suggestion === null ? VALID_RATE_UNITS : `did you mean \`${amount}/${suggestion}\`? ${VALID_RATE_UNITS}`;
  }
  const near =
    DURATION_ALIASES[unit] ?? closest(unit, [...DURATION_UNITS, ...SIZE_UNITS, ...Object.keys(DURATION_ALIASES)]);
  const suggestion = near === null ? null : (DURATION_ALIASES[near] ?? near);
  return suggestion === null ? VALID_UNITS : `did you mean \`${amount}${suggestion}\`? ${VALID_UNITS}`;
}

/** `text` with strings and comments as spaces (same length), so a unit scan sees only code. */
function maskStringsAndComments(text: string): string {
  return text.replace(/"(?:[^"\\\n]|\\.)*"?|#[^\n]*/g, (m) => " ".repeat(m.length));
}
