// Crash-safe file replacement: readers (and a restarted gateway) see either the old snapshot or
// the new one, never a mix. Write a uniquely named temp file beside the target, fsync it, rename
// it over the target, then fsync the directory so the rename itself survives a power cut.
import { open, readdir, rename, unlink } from "node:fs/promises";
import { basename, dirname, join } from "node:path";

let sequence = 0;

/** `<name>.tmp-<pid>-<n>`: same directory (rename is atomic only within one filesystem). */
export function tempPathFor(target: string): string {
  sequence += 1;
  return `${target}.tmp-${process.pid}-${sequence}`;
}

/** Replaces `target` with `data` atomically; on failure the target is untouched and the temp file removed. */
export async function atomicWrite(target: string, data: Uint8Array): Promise<void> {
  const temp = tempPathFor(target);
  try {
    const handle = await open(temp, "w", 0o600);
    try {
      let offset = 0;
      while (offset < data.length) {
        const { bytesWritten } = await handle.write(data, offset, data.length - offset);
        offset += bytesWritten;
      }
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, target);
  } catch (err) {
    await unlink(temp).catch(() => undefined);
    throw err;
  }
  await syncDirectory(dirname(target));
}

/** fsync on a directory persists its entries; some platforms refuse it, which costs durability only. */
async function syncDirectory(dir: string): Promise<void> {
  let handle;
  try {
    handle = await open(dir, "r");
    await handle.sync();
  } catch {
    // EISDIR/EPERM/EINVAL on platforms without directory fsync: the rename already happened.
  } finally {
    await handle?.close().catch(() => undefined);
  }
}

/**
 * Removes `<name>.tmp-*` files left by a writer that died mid-write. A temp file whose pid is a
 * live process other than this one is kept (another gateway may be writing it right now).
 * Returns the names removed.
 */
export async function cleanStaleTemps(target: string): Promise<string[]> {
  const dir = dirname(target);
  const prefix = `${basename(target)}.tmp-`;
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    if (!name.startsWith(prefix)) continue;
    const pid = Number(/^(\d+)-/.exec(name.slice(prefix.length))?.[1]);
    if (pid !== process.pid && isLiveProcess(pid)) continue;
    try {
      await unlink(join(dir, name));
      removed.push(name);
    } catch {
      // already gone (another cleaner) or not ours to remove; either way nothing to do
    }
  }
  return removed;
}

function isLiveProcess(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}
