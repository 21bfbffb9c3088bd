// Process metrics under the names Prometheus client libraries export (`process_*`, and prom-client's
// `nodejs_eventloop_lag_seconds`, which Bun's Node-compatible runtime also answers to), so stock
// dashboards and alerts work unchanged. Read at scrape time from the process, so they cost nothing
// per request; the event-loop lag comes from a sampler that serve starts (a timer's lateness).
import { readdirSync } from "node:fs";
import { ComputedGauge, type Registry } from "./prometheus.ts";

/** How late a timer fires, sampled every `intervalMs`: a busy event loop delays everything. */
export interface LagMonitor {
  /** The lateness of the last sample, in seconds (0 before the first). */
  lagSeconds(): number;
  stop(): void;
}

export function startLagMonitor(intervalMs = 500): LagMonitor {
  let lag = 0;
  let expected = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const arm = (): void => {
    expected = performance.now() + intervalMs;
    timer = setTimeout(tick, intervalMs);
    timer.unref?.(); // never keeps a finished process alive
  };
  const tick = (): void => {
    lag = Math.max(0, performance.now() - expected) / 1000;
    arm();
  };
  arm();
  return { lagSeconds: () => lag, stop: () => clearTimeout(timer) };
}

const startTimeSeconds = Math.round(performance.timeOrigin) / 1000;

/** Open file descriptors, where /proc lists them (Linux); null elsewhere, and the series is left out. */
function openFds(): number | null {
  try {
    return readdirSync("/proc/self/fd").length - 1; // minus the descriptor reading the directory
  } catch {
    return null;
  }
}

export function addProcessMetrics(registry: Registry, lag: (() => number) | null): void {
  const one = (value: number | null): [Record<string, string>, number][] => (value === null ? [] : [[{}, value]]);
  registry.add(
    new ComputedGauge(
      "process_cpu_user_seconds_total",
      "user CPU time spent in seconds",
      () => one(process.cpuUsage().user / 1e6),
      "counter",
    ),
  );
  registry.add(
    new ComputedGauge(
      "process_cpu_system_seconds_total",
      "system CPU time spent in seconds",
      () => one(process.cpuUsage().system / 1e6),
      "counter",
    ),
  );
  registry.add(
    new ComputedGauge(
      "process_cpu_seconds_total",
      "user and system CPU time spent in seconds",
      () => {
        const cpu = process.cpuUsage();
        return one((cpu.user + cpu.system) / 1e6);
      },
      "counter",
    ),
  );
  registry.add(
    new ComputedGauge("process_resident_memory_bytes", "resident memory size in bytes", () =>
      one(process.memoryUsage.rss()),
    ),
  );
  registry.add(new ComputedGauge("process_open_fds", "number of open file descriptors", () => one(openFds())));
  registry.add(
    new ComputedGauge("process_start_time_seconds", "start time of the process since the unix epoch in seconds", () =>
      one(startTimeSeconds),
    ),
  );
  if (lag)
    registry.add(
      new ComputedGauge(
        "nodejs_eventloop_lag_seconds",
        "lag of the event loop in seconds (how late a timer fired, last sample)",
        () => one(lag()),
      ),
    );
}
