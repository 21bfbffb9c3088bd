// Minimal Prometheus text exposition (format 0.0.4): labelled counters, gauges and histograms.
// The gateway needs only these three, so a dependency would be more weight than the code.

type Labels = Record<string, string>;

/**
 * The series of one metric, found by their labels. Every request records several series, so this
 * runs on the hot path; label sets repeat (routes, models and statuses are few, and their strings
 * come from the graph), so a series is found by walking a tree of maps keyed by each label's name
 * and value in turn: lookups of existing strings, no string built per request. The sorted, escaped
 * label text is rendered once per series, when it is first seen. (Each metric is recorded with one
 * literal label shape, so the names come in the same order every time.)
 */
class SeriesIndex<T> {
  readonly #root = new Map<string, unknown>();
  readonly #entries: { key: string; value: T }[] = [];
  constructor(private readonly create: () => T) {}

  find(labels: Labels): T {
    let node = this.#root;
    for (const k in labels) node = child(child(node, k), labels[k]);
    let entry = node.get(LEAF) as { key: string; value: T } | undefined;
    if (entry === undefined) {
      entry = { key: renderKey(labels), value: this.create() };
      node.set(LEAF, entry);
      this.#entries.push(entry);
    }
    return entry.value;
  }

  /** Each series' rendered label text and its value, in the order first seen. */
  entries(): readonly { key: string; value: T }[] {
    return this.#entries;
  }
}

/** A key no label name or value can be: where a node keeps the series its path leads to. */
const LEAF = "\u0000leaf";

function child(node: Map<string, unknown>, key: string): Map<string, unknown> {
  let next = node.get(key) as Map<string, unknown> | undefined;
  if (next === undefined) node.set(key, (next = new Map()));
  return next;
}

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
  private readonly series = new SeriesIndex(() => ({ total: 0 }));
  constructor(name: string, help: string) {
    super(name, help, "counter");
  }
  inc(labels: Labels = {}, by = 1): void {
    this.series.find(labels).total += by;
  }
  render(): string[] {
    return [...this.header(), ...this.series.entries().map((e) => series(this.name, e.key, e.value.total))];
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
    return [...this.header(), ...this.collect().map(([l, v]) => series(this.name, renderKey(l), v))];
  }
}

export class Histogram extends Base {
  private readonly data: SeriesIndex<{ counts: number[]; sum: number; count: number }>;
  constructor(
    name: string,
    help: string,
    private readonly buckets: number[],
  ) {
    super(name, help, "histogram");
    this.data = new SeriesIndex(() => ({ counts: buckets.map(() => 0), sum: 0, count: 0 }));
  }
  observe(value: number, labels: Labels = {}): void {
    const d = this.data.find(labels);
    for (let i = 0; i < this.buckets.length; i++) if (value <= this.buckets[i]) d.counts[i]++;
    d.sum += value;
    d.count++;
  }
  render(): string[] {
    const lines = this.header();
    for (const { key, value: d } of this.data.entries()) {
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
