// Minimal Prometheus text exposition (format 0.0.4): labelled counters, gauges and histograms.
// The gateway needs only these three, so a dependency would be more weight than the code.

type Labels = Record<string, string>;

/**
 * Every request records several series, so this runs on the hot path. Label sets repeat (routes,
 * models and statuses are few), so each distinct set is rendered (sorted, escaped) once and then
 * found by a plain concatenation of its names and values.
 */
function labelKey(labels: Labels): string {
  let raw = "";
  for (const k in labels) raw += `${k}\u0000${labels[k]}\u0001`;
  let key = renderedKeys.get(raw);
  if (key === undefined) {
    key = renderKey(labels);
    if (renderedKeys.size >= MAX_RENDERED_KEYS) renderedKeys.clear(); // a bound, not an eviction policy
    renderedKeys.set(raw, key);
  }
  return key;
}

const renderedKeys = new Map<string, string>();
const MAX_RENDERED_KEYS = 10_000;

function renderKey(labels: Labels): string {
  return Object.keys(labels)
    .sort()
    .map((k) => `${k}="${escapeLabel(labels[k])}"`)
    .join(",");
}

const NEEDS_ESCAPE = /[\\"\n]/;

export function escapeLabel(value: string): string {
  if (!NEEDS_ESCAPE.test(value)) return value;
  return value.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n");
}

function formatNumber(n: number): string {
  if (Number.isNaN(n)) return "NaN";
  if (n === Infinity) return "+Inf";
  if (n === -Infinity) return "-Inf";
  return String(n);
}

function series(name: string, key: string, value: number): string {
  return `${name}${key ? `{${key}}` : ""} ${formatNumber(value)}`;
}

interface Metric {
  render(): string[];
}

abstract class Base implements Metric {
  constructor(
    readonly name: string,
    readonly help: string,
    readonly type: string,
  ) {}
  protected header(): string[] {
    return [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} ${this.type}`];
  }
  abstract render(): string[];
}

export class Counter extends Base {
  private readonly values = new Map<string, number>();
  constructor(name: string, help: string) {
    super(name, help, "counter");
  }
  inc(labels: Labels = {}, by = 1): void {
    const key = labelKey(labels);
    this.values.set(key, (this.values.get(key) ?? 0) + by);
  }
  render(): string[] {
    return [...this.header(), ...[...this.values].map(([k, v]) => series(this.name, k, v))];
  }
}

/**
 * A gauge whose values are computed at scrape time, so it can never go stale; with type `counter`,
 * a total kept elsewhere (the process's CPU time) exposed the same way.
 */
export class ComputedGauge extends Base {
  constructor(
    name: string,
    help: string,
    private readonly collect: () => [Labels, number][],
    type: "gauge" | "counter" = "gauge",
  ) {
    super(name, help, type);
  }
  render(): string[] {
    return [...this.header(), ...this.collect().map(([l, v]) => series(this.name, labelKey(l), v))];
  }
}

export class Histogram extends Base {
  private readonly data = new Map<string, { counts: number[]; sum: number; count: number }>();
  constructor(
    name: string,
    help: string,
    private readonly buckets: number[],
  ) {
    super(name, help, "histogram");
  }
  observe(value: number, labels: Labels = {}): void {
    const key = labelKey(labels);
    let d = this.data.get(key);
    if (!d) this.data.set(key, (d = { counts: this.buckets.map(() => 0), sum: 0, count: 0 }));
    for (let i = 0; i < this.buckets.length; i++) if (value <= this.buckets[i]) d.counts[i]++;
    d.sum += value;
    d.count++;
  }
  render(): string[] {
    const lines = this.header();
    for (const [key, d] of this.data) {
      const sep = key ? "," : "";
      this.buckets.forEach((le, i) =>
        lines.push(`${this.name}_bucket{${key}${sep}le="${formatNumber(le)}"} ${d.counts[i]}`),
      );
      lines.push(`${this.name}_bucket{${key}${sep}le="+Inf"} ${d.count}`);
      lines.push(series(`${this.name}_sum`, key, d.sum));
      lines.push(series(`${this.name}_count`, key, d.count));
    }
    return lines;
  }
}

export class Registry {
  private readonly metrics: Metric[] = [];
  add<M extends Metric>(metric: M): M {
    this.metrics.push(metric);
    return metric;
  }
  render(): string {
    return this.metrics.flatMap((m) => m.render()).join("\n") + "\n";
  }
}
