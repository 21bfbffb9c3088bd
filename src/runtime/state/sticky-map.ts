// Sticky-session assignments (key → model) in a bounded LRU, so a flood of distinct session keys
// cannot grow memory without limit. Map preserves insertion order, which makes LRU cheap.

export class StickyMap {
  readonly #map = new Map<string, string>();

  constructor(
    readonly capacity = 10_000,
    initial: Record<string, string> = {},
  ) {
    for (const [k, v] of Object.entries(initial)) this.set(k, v);
  }

  get(key: string): string | undefined {
    const v = this.#map.get(key);
    if (v !== undefined) {
      this.#map.delete(key);
      this.#map.set(key, v);
    }
    return v;
  }

  set(key: string, model: string): void {
    this.#map.delete(key);
    this.#map.set(key, model);
    if (this.#map.size > this.capacity) this.#map.delete(this.#map.keys().next().value!);
  }

  get size(): number {
    return this.#map.size;
  }

  toRecord(): Record<string, string> {
    return Object.fromEntries(this.#map);
  }
}
