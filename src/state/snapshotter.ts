// Periodic snapshots of live engine state. The state is encoded synchronously the moment a write
// starts (so it is one consistent instant while the engine keeps mutating), then written with
// async I/O off the request path. One write at a time: requests arriving during a write share a
// single follow-up write of the then-current state.
import type { Graph } from "../compile/graph.ts";
import type { RuntimeState } from "../runtime/api.ts";
import type { Clock } from "../runtime/ports.ts";
import { atomicWrite } from "./atomic-write.ts";
import { encodeSnapshot } from "./codec.ts";
import type { StateFormat } from "./format.ts";
import { describeIoError } from "./io-error.ts";
import { timingTable, type TimingTable } from "./timing.ts";

export interface SnapshotterOptions {
  path: string;
  format?: StateFormat; // msgpack unless told
  intervalMs: number;
  getState: () => RuntimeState;
  /** The policy being served (it changes on hot reload): its cool-downs and windows go into each snapshot. */
  getGraph?: () => Graph;
  clock: Clock;
  /** Periodic writes that fail are reported here (one lowercase line) and retried next interval. */
  onError?: (message: string) => void;
  /** Called after every successful write (periodic or not), e.g. for a metric or a debug log. */
  onWrite?: (result: WriteResult) => void;
}

export interface WriteResult {
  bytes: number;
  /** Clock time from capturing the state to the rename being durable. */
  ms: number;
}

export interface Snapshotter {
  /** Begins periodic writes, the first one `intervalMs` from now. Idempotent. */
  start(): void;
  /** Ends periodic writes and makes a final write; resolves once it is on disk. */
  stop(): Promise<WriteResult>;
  /** Writes now (or joins the write queued behind the one in progress). */
  writeNow(): Promise<WriteResult>;
}

export class SnapshotWriteError extends Error {
  override name = "SnapshotWriteError";
}

/** One table per graph: a graph is immutable and lives until the next reload. */
const tables = new WeakMap<Graph, TimingTable>();

function timingOf(graph: Graph | undefined): TimingTable | undefined {
  if (!graph) return undefined;
  let table = tables.get(graph);
  if (!table) tables.set(graph, (table = timingTable(graph)));
  return table;
}

export function createSnapshotter(options: SnapshotterOptions): Snapshotter {
  const { path, intervalMs, getState, clock } = options;
  const format = options.format ?? "msgpack";
  if (!(intervalMs > 0)) throw new RangeError(`snapshot interval must be positive, got \`${intervalMs}\``);
  let current: Promise<WriteResult> | null = null;
  let queued: Promise<WriteResult> | null = null;
  let loop: Promise<void> | null = null;
  let abort: AbortController | null = null;

  async function writeOnce(): Promise<WriteResult> {
    const started = clock.now();
    const bytes = encodeSnapshot(getState(), started, format, timingOf(options.getGraph?.()));
    try {
      await atomicWrite(path, bytes);
    } catch (err) {
      throw new SnapshotWriteError(`could not write state file \`${path}\`: ${describeIoError(err)}`);
    }
    const result = { bytes: bytes.length, ms: clock.now() - started };
    options.onWrite?.(result);
    return result;
  }

  function writeNow(): Promise<WriteResult> {
    if (current === null) {
      const run = writeOnce();
      current = run;
      const idle = (): void => {
        current = null;
      };
      run.then(idle, idle); // runs before a queued follow-up, which is chained on `run` later
      return run;
    }
    if (queued === null) {
      queued = current
        .catch(() => undefined)
        .then(() => {
          queued = null;
          return writeNow();
        });
    }
    return queued;
  }

  async function periodic(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      try {
        await clock.sleep(intervalMs, signal);
      } catch {
        return; // aborted by stop()
      }
      try {
        await writeNow();
      } catch (err) {
        options.onError?.(err instanceof SnapshotWriteError ? err.message : `snapshot failed: ${describeIoError(err)}`);
      }
    }
  }

  return {
    start() {
      if (loop) return;
      abort = new AbortController();
      loop = periodic(abort.signal);
    },
    async stop() {
      abort?.abort();
      await loop;
      loop = null;
      abort = null;
      return writeNow();
    },
    writeNow,
  };
}
