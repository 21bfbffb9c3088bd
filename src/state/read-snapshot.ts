// Reads a snapshot file without changing anything on disk: used by `switchyard state` and as the
// first half of loading at start. Only a regular file (after following symlinks) is read: a FIFO
// would block the open or the read forever and a device like /dev/zero never ends, so the file is
// opened non-blocking, checked on its descriptor (no race with a swap between stat and open), and
// read up to a bound counted in bytes actually read, never trusting the size stat reports.
import { constants, open, type FileHandle } from "node:fs/promises";
import type { Stats } from "node:fs";
import { decodeSnapshot, type DecodeProblem } from "./codec.ts";
import type { StateFormat } from "./format.ts";
import { describeIoError } from "./io-error.ts";
import type { SnapshotDocument } from "./schema.ts";

/** Far above any real state (10,000 models is a few MB); guards against reading a wrong huge file. */
export const MAX_SNAPSHOT_BYTES = 512 * 1024 * 1024;

export type ReadResult =
  | { kind: "ok"; format: StateFormat; document: SnapshotDocument; bytes: number }
  | { kind: "absent" }
  /** `notRegular`: a directory, FIFO, socket or device occupies the path; leave it alone and refuse it. */
  | { kind: "unreadable"; message: string; notRegular: boolean }
  | { kind: "bad"; problem: DecodeProblem | "too_large"; message: string };

/** What occupies a path that is not a regular file, for the error message. */
function kindOf(info: Stats): string {
  if (info.isDirectory()) return "a directory";
  if (info.isFIFO()) return "a FIFO (named pipe)";
  if (info.isCharacterDevice()) return "a character device";
  if (info.isBlockDevice()) return "a block device";
  if (info.isSocket()) return "a socket";
  return "not a file";
}

export async function readSnapshotFile(path: string, maxBytes = MAX_SNAPSHOT_BYTES): Promise<ReadResult> {
  let handle: FileHandle;
  try {
    // O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer.
    handle = await open(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return { kind: "absent" };
    return { kind: "unreadable", message: `cannot read \`${path}\`: ${describeIoError(err)}`, notRegular: false };
  }
  let bytes: Uint8Array;
  try {
    const info = await handle.stat();
    if (!info.isFile()) {
      return {
        kind: "unreadable",
        message: `\`${path}\` is ${kindOf(info)}, not a regular file; a state file must be one`,
        notRegular: true,
      };
    }
    const read = await readBounded(handle, maxBytes);
    if (read === null)
      return {
        kind: "bad",
        problem: "too_large",
        message: `it is more than the ${maxBytes} bytes a state file may be`,
      };
    bytes = read;
  } catch (err) {
    return { kind: "unreadable", message: `cannot read \`${path}\`: ${describeIoError(err)}`, notRegular: false };
  } finally {
    await handle.close();
  }
  const decoded = decodeSnapshot(bytes);
  if (!decoded.ok) return { kind: "bad", problem: decoded.problem, message: decoded.message };
  return { kind: "ok", format: decoded.format, document: decoded.document, bytes: bytes.length };
}

/** The whole file, or null once more than `maxBytes` were read (a file can grow after stat). */
async function readBounded(handle: FileHandle, maxBytes: number): Promise<Uint8Array | null> {
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const chunk = new Uint8Array(Math.min(1024 * 1024, maxBytes + 1 - total));
    const { bytesRead } = await handle.read(chunk, 0, chunk.length, null);
    if (bytesRead === 0) break;
    chunks.push(chunk.subarray(0, bytesRead));
    total += bytesRead;
    if (total > maxBytes) return null;
  }
  return Buffer.concat(chunks, total);
}
