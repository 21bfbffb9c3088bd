// The requests a simulation has started and not yet finished, as an intrusive list: adding and
// removing is two pointer writes, where a Map keyed by seq paid hashing and table churn for every
// one of hundreds of thousands of short-lived entries. Kept in start order for the end-of-run report.

export interface InFlightEntry<T> {
  readonly value: T;
  prev: InFlightEntry<T> | null;
  next: InFlightEntry<T> | null;
}

export class InFlight<T> {
  #head: InFlightEntry<T> | null = null;
  #tail: InFlightEntry<T> | null = null;
  #size = 0;

  get size(): number {
    return this.#size;
  }

  add(value: T): InFlightEntry<T> {
    const entry: InFlightEntry<T> = { value, prev: this.#tail, next: null };
    if (this.#tail === null) this.#head = entry;
    else this.#tail.next = entry;
    this.#tail = entry;
    this.#size++;
    return entry;
  }

  /** Removes an entry `add` returned; it must be removed only once. */
  remove(entry: InFlightEntry<T>): void {
    if (entry.prev === null) this.#head = entry.next;
    else entry.prev.next = entry.next;
    if (entry.next === null) this.#tail = entry.prev;
    else entry.next.prev = entry.prev;
    entry.prev = entry.next = null;
    this.#size--;
  }

  *values(): Generator<T> {
    for (let e = this.#head; e !== null; e = e.next) yield e.value;
  }
}
