// The three on-disk encodings of a state snapshot and how their headers look, kept in one place so
// the writer, the reader and `switchyard state` agree on what makes a file recognisably ours.
import { parseLiteral } from "../syntax/literal.ts";

export const STATE_FORMATS = ["msgpack", "json", "yaml"] as const;
export type StateFormat = (typeof STATE_FORMATS)[number];

/** Version of the snapshot layout (header and document); bump when a reader could misread it. */
export const SNAPSHOT_VERSION = 1;

/** Binary header: `SWYD`, format byte, version byte, body length (u32 BE), body crc32 (u32 BE). */
export const BINARY_MAGIC = "SWYD";
export const BINARY_HEADER_BYTES = 14;
export const BINARY_FORMAT_CODES: Readonly<Record<string, number>> = { msgpack: 0x6d }; // "m"

/** Text header, the first line of json and yaml snapshots (a comment in yaml, stripped for json). */
export const TEXT_MAGIC = "# switchyard-state";

export function isStateFormat(text: string): text is StateFormat {
  return (STATE_FORMATS as readonly string[]).includes(text);
}

/** The format for a `--state-format`/`--to` value, or null when it names none. */
export function parseStateFormat(text: string): StateFormat | null {
  const lower = text.trim().toLowerCase();
  if (lower === "yml") return "yaml";
  if (lower === "mpk" || lower === "msgpack" || lower === "messagepack") return "msgpack";
  return isStateFormat(lower) ? lower : null;
}

/** Guesses the format from a file name (`.json`, `.yaml`/`.yml`), msgpack otherwise. */
export function formatForPath(path: string): StateFormat {
  const lower = path.toLowerCase();
  if (lower.endsWith(".json")) return "json";
  if (lower.endsWith(".yaml") || lower.endsWith(".yml")) return "yaml";
  return "msgpack";
}

/** Parses `--snapshot-interval` values: `250ms`, `5s`, `1m`, `1h` or plain milliseconds; null if invalid or not positive. */
export function parseSnapshotInterval(text: string): number | null {
  // Written as a policy duration (`5s`, `250ms`, `1.5s`); a bare number means milliseconds.
  const v = parseLiteral(text.trim());
  const ms = v?.kind === "duration" ? Math.round(v.ms) : v?.kind === "number" ? v.value : NaN;
  return Number.isFinite(ms) && ms > 0 ? ms : null;
}
