// The Redis side of the shared response cache: key names and the two Lua scripts that keep a
// partition's bounds. Per partition (one caching rule) Redis holds
//   <prefix>:c:<partition>:e:<key>  the entry (its JSON text), SET with PX ttl: Redis expires it
//   <prefix>:c:<partition>:lru      a sorted set of the partition's keys, scored by last use
//   <prefix>:c:<partition>:sz       a hash: key → bytes charged for it
//   <prefix>:c:<partition>:m        a hash: `bytes` (the partition's total) and `seq` (the use counter)
// Last use is a per-partition counter, not a time: ties are impossible and no clock is compared
// across instances. Each script runs atomically, so the bounds hold whatever the instances do at
// once. An entry Redis expired leaves its key in `lru` until a lookup or an eviction reaches it
// (then counted as expired, as in the memory store): until then it still counts toward the
// bounds, which errs on the side of evicting early, never of holding more. The bookkeeping keys
// expire with the partition's longest-lived entry (each write extends them, never shortens them). Keys are built inside
// the scripts, so this needs a single Redis, not Redis Cluster (as the shared state does).

export interface CacheKeys {
  entry(partition: string, key: string): string;
  /** The prefix an entry key adds the cache key to; the scripts build evicted entries' names from it. */
  entryPrefix(partition: string): string;
  lru(partition: string): string;
  sizes(partition: string): string;
  meta(partition: string): string;
}

export function cacheKeys(prefix: string): CacheKeys {
  return {
    entry: (partition, key) => `${prefix}:c:${partition}:e:${key}`,
    entryPrefix: (partition) => `${prefix}:c:${partition}:e:`,
    lru: (partition) => `${prefix}:c:${partition}:lru`,
    sizes: (partition) => `${prefix}:c:${partition}:sz`,
    meta: (partition) => `${prefix}:c:${partition}:m`,
  };
}

/** A script and its SHA-1: calls send EVALSHA (40 bytes, not the whole text) and EVAL only when Redis lacks it. */
export interface LuaScript {
  text: string;
  sha: string;
}

function luaScript(text: string): LuaScript {
  return { text, sha: new Bun.CryptoHasher("sha1").update(text).digest("hex") };
}

/** Drops a key from the bookkeeping and returns the partition's new byte total (shared by both scripts). */
const FORGET = `
local function forget(member)
  redis.call('ZREM', KEYS[2], member)
  local b = tonumber(redis.call('HGET', KEYS[3], member) or '0')
  redis.call('HDEL', KEYS[3], member)
  return redis.call('HINCRBY', KEYS[4], 'bytes', -b)
end`;

/**
 * KEYS: entry, lru, sizes, meta; ARGV: the cache key. Replies `{entries, bytes, value}` on a hit
 * (and makes the key the most recent), `{entries, bytes}` when there is none; one that had expired
 * has its bookkeeping dropped first and adds a third item, `1`. The partition's size comes back
 * every time, so each instance's stats follow what all of them stored.
 */
export const GET_SCRIPT = luaScript(`${FORGET}
local value = redis.call('GET', KEYS[1])
if value then
  redis.call('ZADD', KEYS[2], 'XX', redis.call('HINCRBY', KEYS[4], 'seq', 1), ARGV[1])
  return {redis.call('ZCARD', KEYS[2]), tonumber(redis.call('HGET', KEYS[4], 'bytes') or '0'), value}
end
if not redis.call('ZSCORE', KEYS[2], ARGV[1]) then
  return {redis.call('ZCARD', KEYS[2]), tonumber(redis.call('HGET', KEYS[4], 'bytes') or '0')}
end
local bytes = forget(ARGV[1])
return {redis.call('ZCARD', KEYS[2]), bytes, 1}`);

/**
 * KEYS: entry, lru, sizes, meta; ARGV: key, value, ttl ms, max entries, max bytes, the entry's
 * bytes, the entry prefix. Stores the entry, then drops the least recent keys while the partition
 * is over a bound. Replies `{evicted, expired, entries, bytes}`.
 */
export const SET_SCRIPT = luaScript(`${FORGET}
local ttl, maxEntries, maxBytes = ARGV[3], tonumber(ARGV[4]), tonumber(ARGV[5])
if redis.call('HEXISTS', KEYS[3], ARGV[1]) == 1 then forget(ARGV[1]) end
redis.call('SET', KEYS[1], ARGV[2], 'PX', ttl)
redis.call('ZADD', KEYS[2], redis.call('HINCRBY', KEYS[4], 'seq', 1), ARGV[1])
redis.call('HSET', KEYS[3], ARGV[1], ARGV[6])
local bytes = redis.call('HINCRBY', KEYS[4], 'bytes', ARGV[6])
local evicted, expired = 0, 0
while redis.call('ZCARD', KEYS[2]) > maxEntries or bytes > maxBytes do
  local oldest = redis.call('ZRANGE', KEYS[2], 0, 0)[1]
  bytes = forget(oldest)
  if redis.call('DEL', ARGV[7] .. oldest) == 1 then evicted = evicted + 1 else expired = expired + 1 end
end
for i = 2, 4 do
  if redis.call('PTTL', KEYS[i]) < tonumber(ttl) then redis.call('PEXPIRE', KEYS[i], ttl) end
end
return {evicted, expired, redis.call('ZCARD', KEYS[2]), bytes}`);
