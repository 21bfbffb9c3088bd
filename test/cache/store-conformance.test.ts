// The in-memory cache store and the Redis cache store run the same conformance suite.
import { describe } from "bun:test";
import { RedisClient } from "bun";
import { MemoryCacheStore } from "../../src/cache/memory-store.ts";
import { RedisCacheStore } from "../../src/cache/redis-store.ts";
import { ManualClock } from "../../src/ports/manual-clock.ts";
import { systemClock } from "../../src/ports/system-clock.ts";
import { until } from "../shared-state/cluster.ts";
import { describeWithRedis, startRedis } from "../shared-state/redis-harness.ts";
import { cacheStoreConformance } from "./store-conformance.ts";

describe("cache store conformance: in memory", () => {
  cacheStoreConformance(async () => ({
    shortTtlMs: 1000,
    open: () => {
      const clock = new ManualClock(0);
      return { store: new MemoryCacheStore(clock), expire: () => clock.advance(1000) };
    },
    close: async () => {},
  }));
});

let stores = 0;

describeWithRedis("cache store conformance: redis", () => {
  cacheStoreConformance(async () => {
    const redis = await startRedis();
    const inspector = new RedisClient(redis.url);
    const opened: RedisCacheStore[] = [];
    return {
      shortTtlMs: 30,
      open: () => {
        const prefix = `sytest:${process.pid}:cache${++stores}`;
        // a lookup bound far above any loopback reply, so a busy test machine never turns a hit into a miss
        const store = new RedisCacheStore({ url: redis.url, prefix, clock: systemClock, lookupTimeoutMs: 5_000 });
        opened.push(store);
        const expire = async (partition: string, key: string): Promise<void> => {
          const raw = `${prefix}:c:${partition}:e:${key}`;
          await until(async () => Number(await inspector.send("EXISTS", [raw])) === 0, 5_000, `${raw} expired`);
        };
        return { store, expire };
      },
      close: async () => {
        for (const store of opened) store.close();
        inspector.close();
        await redis.stop();
      },
    };
  });
});
