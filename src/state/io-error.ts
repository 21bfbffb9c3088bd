// File-system errors as one short lowercase line (code and path), never a stack trace.

export function describeIoError(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  const reasons: Record<string, string> = {
    ENOENT: "no such file or directory",
    EACCES: "permission denied",
    EPERM: "operation not permitted",
    EISDIR: "it is a directory",
    ENOTDIR: "a parent is not a directory",
    ENOSPC: "no space left on the device",
    EROFS: "read-only file system",
    EDQUOT: "disk quota exceeded",
  };
  if (e && typeof e.code === "string") return reasons[e.code] ? `${reasons[e.code]} (${e.code})` : e.code.toLowerCase();
  const text = err instanceof Error ? err.message : String(err);
  return text.split("\n")[0].toLowerCase();
}

/** `--state` cannot work at all (its directory is unusable, or the path is not a regular file): serve exits 2 with this message. */
export class StateSetupError extends Error {
  override name = "StateSetupError";
}
