import type { RedisConnection as Redis } from '../redis/connect';
import { newId } from '../../util/ids';
import { TickBatch } from '../redis/batch';
import { LuaScript } from '../redis/lua';
import type { ClaimedPartition, QueueBackend, QueueEntry } from './types';

/*
 * Redis layout for a queue named N under the key prefix P. Every key a script touches is in KEYS
 * except a claim's partition keys (found by the script in the ready set): in a Cluster the prefix
 * carries a hash tag (`{hk}:`), so those share the declared keys' slot.
 *   P N:ready            sorted set: partition → when it is next eligible (ms). A claimed partition is
 *                        pushed to now + lease, so it is invisible to others while leased and comes back
 *                        by itself if its holder dies.
 *   P N:q:<partition>    list of items (JSON), oldest first
 *   P N:lease:<partition> the holder's id, with a TTL of one lease
 *   P N:attempts         hash partition → failed attempts at the head item
 *   P N:depth            items waiting in all partitions
 */

const CLAIM = new LuaScript(`
local base, now, max = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3])
local batch, lease, owner = tonumber(ARGV[4]), tonumber(ARGV[5]), ARGV[6]
local ready, attempts = KEYS[1], KEYS[2]
local candidates = redis.call('ZRANGEBYSCORE', ready, '-inf', now, 'LIMIT', 0, max * 2 + 8)
local out = {}
local n = 0
for _, p in ipairs(candidates) do
  if n >= max then break end
  local leaseKey = base .. 'lease:' .. p
  if redis.call('SET', leaseKey, owner, 'NX', 'PX', lease) then
    local items = redis.call('LRANGE', base .. 'q:' .. p, 0, batch - 1)
    if #items == 0 then
      redis.call('ZREM', ready, p)
      redis.call('DEL', leaseKey)
      redis.call('HDEL', attempts, p)
    else
      redis.call('ZADD', ready, now + lease, p)
      out[#out + 1] = { p, redis.call('HGET', attempts, p) or '0', items }
      n = n + 1
    end
  else
    redis.call('ZADD', ready, 'XX', now + lease, p)
  end
end
return out
`);

const ACK = new LuaScript(`
local leaseKey, q, depth, attempts = KEYS[1], KEYS[2], KEYS[3], KEYS[4]
local p, count, owner = ARGV[1], tonumber(ARGV[2]), ARGV[3]
if redis.call('GET', leaseKey) ~= owner then return 0 end
local before = redis.call('LLEN', q)
redis.call('LTRIM', q, count, -1)
redis.call('DECRBY', depth, before - redis.call('LLEN', q))
redis.call('HDEL', attempts, p)
return 1
`);

/**
 * Releases several leases in one round trip (releases made in the same tick are batched). KEYS: ready,
 * attempts, depth, then per partition its lease and list; ARGV: owner, now, then per partition its
 * name, `retryAt` ('' for none) and how many items to acknowledge first (as ACK does).
 */
const RELEASE = new LuaScript(`
local ready, attempts, depth = KEYS[1], KEYS[2], KEYS[3]
local owner, now = ARGV[1], tonumber(ARGV[2])
local out = {}
for i = 3, #ARGV, 3 do
  local k = 4 + (i - 3) / 3 * 2
  local leaseKey, q = KEYS[k], KEYS[k + 1]
  local p, retryAt, ack = ARGV[i], ARGV[i + 1], tonumber(ARGV[i + 2])
  if redis.call('GET', leaseKey) ~= owner then
    out[#out + 1] = 0
  else
    local left = redis.call('LLEN', q)
    local removed = math.min(ack, left)
    if removed > 0 then
      redis.call('LTRIM', q, ack, -1)
      redis.call('DECRBY', depth, removed)
      left = left - removed
    end
    redis.call('DEL', leaseKey)
    if left == 0 then
      redis.call('ZREM', ready, p)
      redis.call('HDEL', attempts, p)
    else
      -- acknowledged items take their failed attempts with them
      if ack > 0 then redis.call('HDEL', attempts, p) end
      if retryAt ~= '' then
        redis.call('HINCRBY', attempts, p, 1)
        redis.call('ZADD', ready, tonumber(retryAt), p)
      else
        redis.call('ZADD', ready, now, p)
      end
    end
    out[#out + 1] = 1
  end
end
return out
`);

/** KEYS: the ready set, then one lease key per partition in ARGV[4..]. */
const RENEW = new LuaScript(`
local owner, until_, lease = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3])
for i = 4, #ARGV do
  local p = ARGV[i]
  local leaseKey = KEYS[i - 2]
  if redis.call('GET', leaseKey) == owner then
    redis.call('PEXPIRE', leaseKey, lease)
    redis.call('ZADD', KEYS[1], 'XX', until_, p)
  end
end
return 1
`);

/**
 * All entries of one append, atomically, in one round trip. KEYS: ready, depth, then one list per
 * partition; ARGV: now, then per partition its name, its item count and the items.
 */
const APPEND = new LuaScript(`
local ready, depth, now = KEYS[1], KEYS[2], ARGV[1]
local i, total = 2, 0
for k = 3, #KEYS do
  local p, count = ARGV[i], tonumber(ARGV[i + 1])
  for j = i + 2, i + 1 + count do redis.call('RPUSH', KEYS[k], ARGV[j]) end
  redis.call('ZADD', ready, 'NX', now, p)
  i = i + 2 + count
  total = total + count
end
redis.call('INCRBY', depth, total)
return total
`);

/** Where the keys of queue `name` start (the Redis store appends to the outbox with this too). */
export function queueBase(prefix: string, name: string): string {
  return `${prefix}${name}:`;
}

export interface RedisQueueOptions {
  /** Key prefix shared by the gateway, e.g. `hk:`. */
  prefix: string;
  /** Queue name, e.g. `events` or `outbox`. */
  name: string;
  /** How long a claim holds a partition without renewal (default 15 s). */
  leaseMs?: number;
  now?: () => number;
}

/** The shared, durable queue: several gateway instances append to it and drain it together. */
export class RedisQueueBackend<T> implements QueueBackend<T> {
  readonly kind = 'redis';
  readonly shared = true;
  /** This worker's lease owner id (one per process and queue). */
  readonly owner = newId('lease', 9);
  readonly leaseMs: number;
  private readonly base: string;
  private readonly now: () => number;
  private readonly releases = new TickBatch(this.releaseAll.bind(this));
  private readonly appends = new TickBatch(this.appendAll.bind(this), 'turn');

  constructor(
    private readonly redis: Redis,
    options: RedisQueueOptions,
  ) {
    this.base = queueBase(options.prefix, options.name);
    this.leaseMs = options.leaseMs ?? 15_000;
    this.now = options.now ?? Date.now;
  }

  async append(entries: readonly QueueEntry<T>[]): Promise<void> {
    if (entries.length === 0) return;
    const grouped = new Map<string, string[]>();
    for (const { partition, item } of entries) {
      const list = grouped.get(partition) ?? [];
      list.push(JSON.stringify(item));
      grouped.set(partition, list);
    }
    await this.appends.add(grouped);
  }

  /** The appends of one turn of the event loop (webhooks read from many sockets) in one script. */
  private async appendAll(batch: Array<Map<string, string[]>>): Promise<unknown[]> {
    const keys = [`${this.base}ready`, `${this.base}depth`];
    const args: Array<string | number> = [this.now()];
    for (const grouped of batch)
      for (const [partition, items] of grouped) {
        keys.push(this.list(partition));
        args.push(partition, items.length, ...items);
      }
    await APPEND.run(this.redis, keys, args);
    return batch;
  }

  async claim(max: number, batch: number): Promise<ClaimedPartition<T>[]> {
    const rows = await CLAIM.run<Array<[string, string, string[]]>>(
      this.redis,
      [`${this.base}ready`, `${this.base}attempts`],
      [this.base, this.now(), max, batch, this.leaseMs, this.owner],
    );
    return rows.map(([partition, attempts, items]) => ({
      partition,
      attempts: Number(attempts),
      items: items.map((i) => JSON.parse(i) as T),
    }));
  }

  async ack(partition: string, count: number): Promise<boolean> {
    const keys = [this.lease(partition), this.list(partition), `${this.base}depth`, `${this.base}attempts`];
    return (await ACK.run<number>(this.redis, keys, [partition, count, this.owner])) === 1;
  }

  async release(partition: string, retryAt?: number, ack = 0): Promise<void> {
    await this.releases.add({ partition, at: retryAt === undefined ? '' : Math.round(retryAt), ack });
  }

  /** Everything released in one tick, in one script: partitions often finish together. */
  private async releaseAll(batch: Array<{ partition: string; at: number | ''; ack: number }>): Promise<unknown[]> {
    const keys = [`${this.base}ready`, `${this.base}attempts`, `${this.base}depth`];
    const args: Array<string | number> = [this.owner, this.now()];
    for (const r of batch) {
      keys.push(this.lease(r.partition), this.list(r.partition));
      args.push(r.partition, r.at, r.ack);
    }
    return RELEASE.run<unknown[]>(this.redis, keys, args);
  }

  async renew(partitions: readonly string[]): Promise<void> {
    if (partitions.length === 0) return;
    const keys = [`${this.base}ready`, ...partitions.map((p) => this.lease(p))];
    await RENEW.run(this.redis, keys, [this.owner, this.now() + this.leaseMs, this.leaseMs, ...partitions]);
  }

  async depth(): Promise<number> {
    return Math.max(0, Number((await this.redis.get(`${this.base}depth`)) ?? 0));
  }

  async nextDueAt(): Promise<number | undefined> {
    const first = await this.redis.zrange(`${this.base}ready`, 0, 0, 'WITHSCORES');
    return first.length === 2 ? Number(first[1]) : undefined;
  }

  async close(): Promise<void> {}

  private list(partition: string): string {
    return `${this.base}q:${partition}`;
  }
  private lease(partition: string): string {
    return `${this.base}lease:${partition}`;
  }
}
