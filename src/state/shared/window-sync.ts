// Error-rate windows and latency EWMAs merged across instances, laid into the engine's own
// WindowState on each sync tick so its error-rate rule and `lowest_latency` read the cluster's view
// without waiting. Each instance publishes only its own counts: what a previous tick added from the
// others is remembered per bucket and taken out again before publishing, so nothing is counted
// twice. EWMAs are blended (set to the merge's weighted mean, then moved on by local samples), so
// after a few ticks every instance ranks models by the cluster's recent latencies.
import type { RuntimeState, WindowState } from "../../runtime/api.ts";
import type { Clock, SharedStore, SharedWindow } from "../../runtime/ports.ts";
import { mergeWindows } from "./merge-windows.ts";

type Counts = Map<number, { ok: number; fail: number }>;

export interface WindowSyncOptions {
  store: SharedStore;
  clock: Clock;
  instance: string;
  state: () => RuntimeState;
}

export class WindowSync {
  /** Per model: what the last tick added to each bucket from the other instances. */
  readonly #added = new Map<string, Counts>();

  constructor(private readonly o: WindowSyncOptions) {}

  /** Publishes this instance's windows and lays the cluster's merge over them; `windowMs`: a model's error-rate window. */
  async exchange(windowMs: (model: string) => number): Promise<void> {
    const windows = this.o.state().windows;
    await Promise.all(
      Object.keys(windows).map(async (model) => {
        const ms = windowMs(model);
        const own = this.#own(model, windows[model]!);
        if (own.buckets.length > 0 || own.latencyEwmaMs !== null) {
          const mine: SharedWindow = { instance: this.o.instance, at: this.o.clock.now(), ...own };
          await this.o.store.putWindow(model, mine, ms);
        }
        const others = await this.o.store.readWindows(model);
        const live = this.o.state().windows[model];
        if (live) this.#lay(model, live, others, ms); // synchronously: no engine record in between
      }),
    );
  }

  /** This instance's own window: the live one minus what earlier ticks added from the others. */
  #own(model: string, w: WindowState): WindowState {
    const added = this.#added.get(model);
    const buckets = w.buckets.map((b) => {
      const a = added?.get(b.start);
      return a ? { start: b.start, ok: Math.max(0, b.ok - a.ok), fail: Math.max(0, b.fail - a.fail) } : { ...b };
    });
    return { ...w, buckets };
  }

  #lay(model: string, w: WindowState, others: readonly SharedWindow[], windowMs: number): void {
    const own = this.#own(model, w);
    // a model this instance has not called yet takes the others' bucket size (one policy: the same)
    const local = own.bucketMs === 0 && others[0] ? { ...own, bucketMs: others[0].bucketMs } : own;
    const merged = mergeWindows(local, others, this.o.instance, this.o.clock.now(), windowMs);
    const added: Counts = new Map();
    for (const b of merged.buckets) {
      const mine = own.buckets.find((x) => x.start === b.start);
      const delta = { ok: b.ok - (mine?.ok ?? 0), fail: b.fail - (mine?.fail ?? 0) };
      if (delta.ok > 0 || delta.fail > 0) added.set(b.start, delta);
    }
    this.#added.set(model, added);
    Object.assign(w, merged);
  }
}
