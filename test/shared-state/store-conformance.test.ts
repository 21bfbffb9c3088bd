// The in-memory store and the Redis store run the same conformance suite.
import { describe } from "bun:test";
import { RedisClient } from "bun";
import { ManualClock } from "../../src/ports/manual-clock.ts";
import { MemorySharedHub } from "../../src/state/shared/memory-store.ts";
import { RedisSharedStore } from "../../src/state/shared/redis-store.ts";
import { describeWithRedis, startRedis } from "./redis-harness.ts";
import { storeConformance } from "./store-conformance.ts";

describe("shared store conformance: in memory", () => {
  storeConformance(async () => {
    const clock = new ManualClock(Date.UTC(2026, 0, 1, 12, 0, 30));
    const hub = new MemorySharedHub(clock);
    return {
      connect: (prefix) => hub.connect(prefix),
      now: () => clock.now(),
      ttlOf: async (key) => {
        const e = hub.get(key);
        return e ? e.expiresAt - clock.now() : null;
      },
      close: async () => {},
    };
  });
});

describeWithRedis("shared store conformance: redis", () => {
  storeConformance(async () => {
    const redis = await startRedis();
    const inspector = new RedisClient(redis.url);
    return {
      connect: (prefix) => new RedisSharedStore({ url: redis.url, prefix }),
      now: () => Date.now(),
      ttlOf: async (key) => {
        const ms = Number(await inspector.send("PTTL", [key]));
        return ms < 0 ? null : ms;
      },
      close: async () => {
        inspector.close();
        await redis.stop();
      },
    };
  });
});
