// The one call `serve` makes for `--state`: load what the last run left (aged and trimmed to the
// policy), then keep writing snapshots until stopped. The engine does not exist yet when this
// runs, so `getState` is a thunk that is first called one interval later.
import { access, constants } from "node:fs/promises";
import { dirname } from "node:path";
import type { Graph } from "../compile/graph.ts";
import type { RuntimeState } from "../runtime/api.ts";
import type { Clock } from "../runtime/ports.ts";
import type { StateFormat } from "./format.ts";
import { StateSetupError, describeIoError } from "./io-error.ts";
import { loadSnapshot, type LoadResult } from "./load-snapshot.ts";
import { createSnapshotter, type WriteResult } from "./snapshotter.ts";

export { StateSetupError };

export interface AttachOptions {
  path: string;
  format?: StateFormat; // msgpack unless told; an existing file in another format is read and rewritten
  intervalMs: number;
  clock: Clock;
  graph?: Graph;
  /** Usually `() => engine.state()` of the engine currently serving (it changes on hot reload). */
  getState: () => RuntimeState;
  /** The graph currently served, recorded in each snapshot (see SnapshotterOptions.getGraph). */
  getGraph?: () => Graph;
  onError?: (message: string) => void;
  onWrite?: (result: WriteResult) => void;
}

export interface AttachedSnapshots {
  /** Pass to `createEngine({ state })`. */
  state: RuntimeState;
  /** Startup warnings (bad file moved aside, clock skew); log each line. */
  warnings: string[];
  load: LoadResult;
  /** For `POST /admin/snapshot`: resolves with the bytes written and how long it took. */
  writeNow(): Promise<WriteResult>;
  /** Stops periodic writes and writes a final snapshot (call on shutdown, after draining). */
  stop(): Promise<WriteResult>;
}

export async function attachSnapshots(options: AttachOptions): Promise<AttachedSnapshots> {
  const dir = dirname(options.path);
  try {
    await access(dir, constants.W_OK);
  } catch (err) {
    throw new StateSetupError(
      `cannot keep state in \`${options.path}\`: its directory \`${dir}\` is not usable: ${describeIoError(err)}`,
    );
  }
  const load = await loadSnapshot(options.path, { now: options.clock.now(), graph: options.graph });
  const snapshotter = createSnapshotter({
    path: options.path,
    format: options.format,
    intervalMs: options.intervalMs,
    getState: options.getState,
    getGraph: options.getGraph,
    clock: options.clock,
    onError: options.onError,
    onWrite: options.onWrite,
  });
  snapshotter.start();
  return { state: load.state, warnings: load.warnings, load, writeNow: snapshotter.writeNow, stop: snapshotter.stop };
}
