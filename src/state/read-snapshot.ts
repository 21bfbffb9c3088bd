// Reads a snapshot file without changing anything on disk: used by `switchyard state` and as the
// first half of loading at start.
import { readFile, stat } from "node:fs/promises";
import { decodeSnapshot, type DecodeProblem } from "./codec.ts";
import type { StateFormat } from "./format.ts";
import { describeIoError } from "./io-error.ts";
import type { SnapshotDocument } from "./schema.ts";

/** Far above any real state (10,000 models is a few MB); guards against reading a wrong huge file. */
export const MAX_SNAPSHOT_BYTES = 512 * 1024 * 1024;

export type ReadResult =
  | { kind: "ok"; format: StateFormat; document: SnapshotDocument; bytes: number }
  | { kind: "absent" }
  /** `directory`: something else occupies the path; leave it alone. */
  | { kind: "unreadable"; message: string; directory: boolean }
  | { kind: "bad"; problem: DecodeProblem | "too_large"; message: string };

export async function readSnapshotFile(path: string): Promise<ReadResult> {
  let bytes: Uint8Array;
  try {
    const info = await stat(path);
    if (info.isDirectory()) return { kind: "unreadable", message: `\`${path}\` is a directory, not a state file`, directory: true };
    if (info.size > MAX_SNAPSHOT_BYTES) {
      return { kind: "bad", problem: "too_large", message: `it is ${info.size} bytes, more than the ${MAX_SNAPSHOT_BYTES} a state file may be` };
    }
    bytes = await readFile(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return { kind: "absent" };
    return { kind: "unreadable", message: `cannot read \`${path}\`: ${describeIoError(err)}`, directory: false };
  }
  const decoded = decodeSnapshot(bytes);
  if (!decoded.ok) return { kind: "bad", problem: decoded.problem, message: decoded.message };
  return { kind: "ok", format: decoded.format, document: decoded.document, bytes: bytes.length };
}
