// An indexed binary min-heap of timers for the virtual clock. Cancelled sleeps are removed in
// O(log n) instead of lingering, so a simulator arming an idle watchdog per stream stays small.

export interface Timer {
  at: number;
  seq: number; // tie-break: timers due at the same time fire in the order they were set
  index: number; // position in the heap, -1 once popped or removed
  fire: () => void;
}

function before(a: Timer, b: Timer): boolean {
  return a.at < b.at || (a.at === b.at && a.seq < b.seq);
}

export class TimerHeap {
  readonly #items: Timer[] = [];

  get size(): number {
    return this.#items.length;
  }

  peek(): Timer | undefined {
    return this.#items[0];
  }

  push(timer: Timer): void {
    timer.index = this.#items.length;
    this.#items.push(timer);
    this.#up(timer.index);
  }

  pop(): Timer | undefined {
    const items = this.#items;
    const top = items[0];
    if (top === undefined) return undefined;
    this.#removeAt(0);
    return top;
  }

  remove(timer: Timer): boolean {
    if (timer.index < 0 || this.#items[timer.index] !== timer) return false;
    this.#removeAt(timer.index);
    return true;
  }

  #removeAt(i: number): void {
    const items = this.#items;
    const gone = items[i]!;
    const last = items.pop()!;
    gone.index = -1;
    if (i === items.length) return;
    items[i] = last;
    last.index = i;
    this.#down(i);
    this.#up(last.index);
  }

  #up(i: number): void {
    const items = this.#items;
    const t = items[i]!;
    while (i > 0) {
      const p = (i - 1) >> 1;
      const parent = items[p]!;
      if (!before(t, parent)) break;
      items[i] = parent;
      parent.index = i;
      i = p;
    }
    items[i] = t;
    t.index = i;
  }

  #down(i: number): void {
    const items = this.#items;
    const n = items.length;
    const t = items[i]!;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      const c = r < n && before(items[r]!, items[l]!) ? r : l;
      const child = items[c]!;
      if (!before(child, t)) break;
      items[i] = child;
      child.index = i;
      i = c;
    }
    items[i] = t;
    t.index = i;
  }
}
