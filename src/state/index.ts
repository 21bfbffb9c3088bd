// The state layer's public surface: what serve, simulate and the CLI import from src/state.
export { StateSetupError, attachSnapshots, type AttachOptions, type AttachedSnapshots } from "./attach.ts";
export { atomicWrite, cleanStaleTemps } from "./atomic-write.ts";
export { decodeSnapshot, encodeSnapshot, type DecodeResult } from "./codec.ts";
export { decayState } from "./decay.ts";
export {
  STATE_FORMATS,
  formatForPath,
  parseSnapshotInterval,
  parseStateFormat,
  type StateFormat,
} from "./format.ts";
export { freshState } from "./fresh-state.ts";
export { loadSnapshot, type LoadOptions, type LoadResult } from "./load-snapshot.ts";
export { pruneToGraph } from "./prune.ts";
export { STATE_USAGE, runStateCli, type StateCliIo } from "./cli.ts";
export { readSnapshotFile, type ReadResult } from "./read-snapshot.ts";
export { RuntimeStateSchema, type SnapshotDocument } from "./schema.ts";
export {
  createSnapshotter,
  SnapshotWriteError,
  type Snapshotter,
  type SnapshotterOptions,
  type WriteResult,
} from "./snapshotter.ts";
export { timingFromGraph, type DecayTiming } from "./timing.ts";
export { MemorySharedHub } from "./shared/memory-store.ts";
export { mergeWindows } from "./shared/merge-windows.ts";
export { RedisSharedStore, type RedisStoreOptions } from "./shared/redis-store.ts";
export { SharedStateSync, type SharedSyncOptions, type SharedView } from "./shared/sync.ts";
