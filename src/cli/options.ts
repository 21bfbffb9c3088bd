// Command-line options through node:util's parseArgs, with its errors turned into UsageErrors that
// read like the rest of our messages (lowercase, the offending input in backticks).
import { parseArgs, type ParseArgsConfig } from "node:util";
import { closest } from "../util/edit-distance.ts";
import { UsageError } from "./usage.ts";

type Options = NonNullable<ParseArgsConfig["options"]>;

export function parseOptions<O extends Options>(argv: readonly string[], options: O) {
  try {
    return parseArgs({ args: [...argv], options, allowPositionals: true, strict: true });
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    const unknown = /Unknown option '([^']+)'/.exec(message);
    if (unknown) {
      const flags = Object.keys(options).map((o) => `--${o}`);
      const hint = closest(unknown[1], flags);
      throw new UsageError(`unknown option \`${unknown[1]}\`${hint ? `; did you mean \`${hint}\`?` : ""}`);
    }
    const missing = /Option '(?:-\w, )?(--[\w-]+)[^']*' argument missing/.exec(message);
    if (missing) throw new UsageError(`\`${missing[1]}\` needs a value`);
    throw new UsageError(message.replace(/^\w/, (c) => c.toLowerCase()).replace(/\.$/, ""));
  }
}

/** A string option restricted to `choices`. */
export function choice<T extends string>(
  flag: string,
  value: string | undefined,
  choices: readonly T[],
  fallback: T,
): T {
  if (value === undefined) return fallback;
  if ((choices as readonly string[]).includes(value)) return value as T;
  const hint = closest(value, choices);
  throw new UsageError(
    `unknown ${flag} \`${value}\` (expected ${choices.join(", ")})${hint ? `; did you mean \`${hint}\`?` : ""}`,
  );
}
