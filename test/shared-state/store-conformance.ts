// One conformance suite for every SharedStore (as Hono runs one router suite for every router):
// the in-memory store and the Redis store must behave the same for everything the gateway relies
// on. A backend supplies connections to one shared backing, the current time of its clock, and a
// way to read a key's remaining lifetime (so expiry is checked without waiting for it).
import { afterAll, beforeAll, expect, test } from "bun:test";
import type { SharedBreaker, SharedCounter, SharedStore } from "../../src/runtime/ports.ts";

export interface StoreBackend {
  /** A new connection (one per gateway instance) under `prefix`. */
  connect(prefix: string): SharedStore;
  now(): number;
  /** Remaining lifetime in ms of a raw (prefixed) key, or null when it does not exist. */
  ttlOf(rawKey: string): Promise<number | null>;
  close(): Promise<void>;
}

let runs = 0;
const uniquePrefix = (): string => `sytest:${process.pid}:${++runs}`;

export function storeConformance(open: () => Promise<StoreBackend>): void {
  let backend: StoreBackend;
  const opened: SharedStore[] = [];
  const connect = (prefix: string): SharedStore => {
    const store = backend.connect(prefix);
    opened.push(store);
    return store;
  };
  beforeAll(async () => void (backend = await open()));
  afterAll(async () => {
    await Promise.all(opened.map((s) => s.close()));
    await backend.close();
  });

  const minute = (limit: number, key = "model:m:requests:minute"): SharedCounter => {
    const start = Math.floor(backend.now() / 60_000) * 60_000;
    return { key, windowStart: start, windowEnd: start + 60_000, limit };
  };

  test("take never grants past the limit, whatever the concurrency across instances", async () => {
    const prefix = uniquePrefix();
    const [a, b] = [connect(prefix), connect(prefix)];
    const counter = minute(60);
    const results = await Promise.all(Array.from({ length: 100 }, (_, i) => (i % 2 ? a : b).take(counter, 1)));
    expect(results.reduce((n, r) => n + r.granted, 0)).toBe(60);
    expect(await a.usage(counter)).toBe(60);
  });

  test("a lease takes several units at once and the last one gets only what is left", async () => {
    const store = connect(uniquePrefix());
    const counter = minute(25);
    const granted = [];
    for (let i = 0; i < 4; i++) granted.push((await store.take(counter, 10)).granted);
    expect(granted).toEqual([10, 10, 5, 0]);
  });

  test("leases of several units from three instances at once share the limit exactly, none past it", async () => {
    const prefix = uniquePrefix();
    const stores = [connect(prefix), connect(prefix), connect(prefix)];
    const counter = minute(100);
    const results = await Promise.all(Array.from({ length: 30 }, (_, i) => stores[i % 3]!.take(counter, 7)));
    const granted = results.map((r) => r.granted);
    expect(granted.reduce((n, g) => n + g, 0)).toBe(100);
    expect(granted.filter((g) => g > 0 && g < 7)).toHaveLength(1); // only the lease that met the limit is short
    expect(Math.max(...results.map((r) => r.used))).toBe(100);
  });

  test("add counts usage known afterwards past the limit, fractions included", async () => {
    const store = connect(uniquePrefix());
    const counter = minute(0.5, "model:m:usd:minute");
    for (let i = 0; i < 3; i++) await store.add(counter, 0.25);
    expect(await store.usage(counter)).toBeCloseTo(0.75, 9);
    expect((await store.take(counter, 1)).granted).toBe(0);
  });

  test("each window is its own counter and expires when the window ends (plus the grace)", async () => {
    const prefix = uniquePrefix();
    const store = connect(prefix);
    const now = minute(10);
    const next = { ...now, windowStart: now.windowEnd, windowEnd: now.windowEnd + 60_000 };
    await store.take(now, 10);
    expect((await store.take(next, 3)).granted).toBe(3);
    const ttl = await backend.ttlOf(`${prefix}:q:${now.key}:${now.windowStart}`);
    expect(ttl).not.toBeNull();
    expect(ttl!).toBeLessThanOrEqual(now.windowEnd + 60_000 - backend.now() + 5);
    const ended = { ...now, windowStart: now.windowStart - 600_000, windowEnd: now.windowStart - 540_000 };
    await store.take(ended, 2);
    expect(await store.usage(ended)).toBe(0);
  });

  test("a published breaker reaches every subscribed instance and late readers", async () => {
    const prefix = uniquePrefix();
    const [a, b, c] = [connect(prefix), connect(prefix), connect(prefix)];
    const seen = Promise.withResolvers<[string, SharedBreaker]>();
    await b.onBreaker((key, breaker) => seen.resolve([key, breaker]));
    const open: SharedBreaker = { phase: "open", openedAt: backend.now(), by: "gw-a", at: backend.now() };
    await a.publishBreaker("model-x", open, 60_000);
    expect(await seen.promise).toEqual(["model-x", open]);
    expect(await c.readBreakers(["model-x", "model-y"])).toEqual({ "model-x": open });
  });

  test("one probe per lease cluster-wide, and the lease expires", async () => {
    const prefix = uniquePrefix();
    const stores = [connect(prefix), connect(prefix), connect(prefix)];
    const won = await Promise.all(
      stores.flatMap((s, i) => [s.claimProbe("model-x", `gw-${i}`, 5_000), s.claimProbe("model-x", `gw-${i}`, 5_000)]),
    );
    expect(won.filter(Boolean)).toHaveLength(1);
    const ttl = await backend.ttlOf(`${prefix}:p:model-x`);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl!).toBeLessThanOrEqual(5_000);
  });

  test("each instance's window is kept apart and replaced by its next publish", async () => {
    const prefix = uniquePrefix();
    const [a, b] = [connect(prefix), connect(prefix)];
    const base = { bucketMs: 6000, latencyEwmaMs: 100, ttftEwmaMs: null, tokensPerSecEwma: null, at: backend.now() };
    await a.putWindow("m", { ...base, instance: "a", buckets: [{ start: 0, ok: 1, fail: 0 }] }, 60_000);
    await b.putWindow("m", { ...base, instance: "b", buckets: [{ start: 0, ok: 0, fail: 2 }] }, 60_000);
    await a.putWindow("m", { ...base, instance: "a", buckets: [{ start: 0, ok: 5, fail: 0 }] }, 60_000);
    const windows = (await b.readWindows("m")).sort((x, y) => x.instance.localeCompare(y.instance));
    expect(windows.map((w) => [w.instance, w.buckets[0]!.ok, w.buckets[0]!.fail])).toEqual([
      ["a", 5, 0],
      ["b", 0, 2],
    ]);
    expect(await a.readWindows("other")).toEqual([]);
  });

  test("the first model claimed for a session wins on every instance", async () => {
    const prefix = uniquePrefix();
    const stores = [connect(prefix), connect(prefix), connect(prefix)];
    const holders = await Promise.all(stores.map((s, i) => s.claimSticky("session-1", `model-${i}`, 60_000)));
    expect(new Set(holders).size).toBe(1);
    expect(await stores[2]!.readSticky("session-1")).toBe(holders[0]!);
    expect(await stores[0]!.readSticky("session-2")).toBeNull();
  });

  test("a pin moves the session for every instance and expires with its lifetime", async () => {
    const prefix = uniquePrefix();
    const [a, b] = [connect(prefix), connect(prefix)];
    expect(await a.claimSticky("session-1", "first", 60_000)).toBe("first");
    await b.pinSticky("session-1", "second", 30_000);
    expect(await a.readSticky("session-1")).toBe("second");
    expect(await a.claimSticky("session-1", "third", 60_000)).toBe("second");
    await a.pinSticky("session-2", "m", 30_000);
    const ttl = await backend.ttlOf(`${prefix}:s:session-2`);
    expect(ttl).toBeGreaterThan(25_000);
    expect(ttl).toBeLessThanOrEqual(30_000);
  });

  test("prefixes keep gateways apart", async () => {
    const [prod, staging] = [connect(uniquePrefix()), connect(uniquePrefix())];
    const counter = minute(5);
    await prod.take(counter, 5);
    expect((await staging.take(counter, 5)).granted).toBe(5);
    await prod.publishBreaker("m", { phase: "open", openedAt: 1, by: "p", at: 1 }, 60_000);
    expect(await staging.readBreakers(["m"])).toEqual({});
    await prod.claimSticky("s", "m1", 60_000);
    expect(await staging.readSticky("s")).toBeNull();
  });
}
