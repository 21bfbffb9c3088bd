// The harness the Redis tests rely on: it starts a real redis-server on a free loopback port, knows
// when it is ready, and can kill and restart it on the same port (the outage tests need that).
import { afterAll, expect, test } from "bun:test";
import { describeWithRedis, ping, startOwnedRedis, type RedisServer } from "./redis-harness.ts";

describeWithRedis("redis test harness", () => {
  let redis: RedisServer | null = null;
  afterAll(async () => redis?.stop());

  test("starts, stops and restarts redis-server on one free port", async () => {
    redis = await startOwnedRedis();
    await ping(redis.port);
    await redis.stop();
    await expect(ping(redis.port, 500)).rejects.toThrow();
    await redis.restart();
    await ping(redis.port);
  });
});
