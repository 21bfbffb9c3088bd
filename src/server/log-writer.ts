// Request log lines leave the process in batches: a write per request costs a syscall and a trip
// through the stream machinery on the request's own turn, so lines are queued and written together
// a few milliseconds later (or at once when the batch grows large). Logging stays on; it just stops
// being on the critical path. `flush` writes whatever is queued (shutdown calls it).
import type { LogSink } from "./request-log.ts";

export interface BatchedLog {
  sink: LogSink;
  /** Writes every queued line now (through `via` when given, e.g. a synchronous write at exit). */
  flush(via?: (text: string) => void): void;
}

export interface BatchOptions {
  /** Longest a line waits before it is written. */
  delayMs?: number;
  /** Queued characters that trigger an immediate write. */
  maxChars?: number;
}

export function batchedLog(write: (text: string) => void, opts: BatchOptions = {}): BatchedLog {
  const delayMs = opts.delayMs ?? 20;
  const maxChars = opts.maxChars ?? 64 * 1024;
  let queued = "";
  let timer: ReturnType<typeof setTimeout> | null = null;

  const flush = (via: (text: string) => void = write): void => {
    if (timer !== null) {
      clearTimeout(timer);
      timer = null;
    }
    if (queued === "") return;
    const text = queued;
    queued = "";
    via(text);
  };

  const sink: LogSink = (line) => {
    queued += line + "\n";
    if (queued.length >= maxChars) flush();
    else if (timer === null) {
      timer = setTimeout(() => flush(), delayMs);
      // A queued line must not keep an otherwise finished process alive; exit paths call flush.
      timer.unref?.();
    }
  };
  return { sink, flush };
}
