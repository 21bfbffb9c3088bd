// Chunks that are already all in memory (a stream request answered with one JSON body), served
// through the same iterator contract as a live stream.

export function listIterator<T>(items: T[]): AsyncIterator<T> & AsyncIterable<T> {
  let i = 0;
  const iterator = {
    async next(): Promise<IteratorResult<T>> {
      return i < items.length ? { value: items[i++], done: false } : { value: undefined, done: true };
    },
    async return(): Promise<IteratorResult<T>> {
      i = items.length;
      return { value: undefined, done: true };
    },
    [Symbol.asyncIterator]() {
      return iterator;
    },
  };
  return iterator;
}
