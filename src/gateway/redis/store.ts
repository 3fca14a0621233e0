import type { RedisConnection as Redis } from './connect';
import { HANDOVER_STATUSES, isLiveStatus, type HandoverStatus } from '../../contract';
import type { HandoverRecord, ProviderRecord } from '../../model';
import {
  sessionKeyOfRecord,
  type HandoverStore,
  type OutboxSink,
  type WriteEffects,
  type WriteResult,
} from '../../store/types';
import { queueBase } from '../queue/redis';
import { TickBatch } from './batch';
import { LuaScript } from './lua';

/*
 * Key layout under the prefix P (default `hk:`):
 *   P providers                     hash id → provider JSON
 *   P ho:<id>                       hash { v: version, s: status, j: record JSON }
 *   P ho:session:<userId\0sessionId> the session's latest handover id
 *   P ho:ext:<providerId>:<conversationId> the handover id for a contact-center conversation
 *   P ho:live                       set of live handover ids
 *   P ho:count                      hash status → handovers that reached it and are still stored
 *                                   (live ones exactly; ended ones counted while they are kept)
 *   P seen:<key>                    dedupe marks, SET NX PX
 * Ended handovers (and their index entries) expire after `endedTtlMs`.
 */

const LIVE = HANDOVER_STATUSES.filter(isLiveStatus);
const LUA_IS_LIVE = `local function isLive(s) return ${LIVE.map((s) => `s == '${s}'`).join(' or ')} end`;

/**
 * Every key a script touches is passed in KEYS, but for the handover a session index points to (found
 * by the script): in a Cluster the prefix carries a hash tag (`{hk}:`), so it shares their slot.
 * KEYS: session index, `ho:<id>`, `ho:live`, `ho:count`, then the optional ones the ARGV flags name.
 */

/** Inserts unless the session's current handover is live; returns the live one's JSON otherwise. */
const INSERT = new LuaScript(`
${LUA_IS_LIVE}
local P, id, version, status, json = ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5]
local sessionKey, key, live, count, extKey = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5]
local existing = redis.call('GET', sessionKey)
if existing then
  local cur = redis.call('HMGET', P .. 'ho:' .. existing, 's', 'j')
  if cur[1] and isLive(cur[1]) then return cur[2] end
end
redis.call('HSET', key, 'v', version, 's', status, 'j', json)
redis.call('SET', sessionKey, id)
if extKey then redis.call('SET', extKey, id) end
if isLive(status) then redis.call('SADD', live, id) end
redis.call('HINCRBY', count, status, 1)
return false
`);

/**
 * Compare-and-set on the version; keeps the indexes, live set and counts in step. With a seen key it
 * refuses (2) when the key is set and sets it with the write; with outbox items it appends them to
 * the outbox queue (the layout of queue/redis.ts) in the same script: one atomic step.
 * Optional KEYS after the four fixed ones: ext index (ARGV[6] = '1'), seen key (ARGV[8] = '1'), then
 * with outbox items the queue's ready and depth keys and one list per item.
 */
const UPDATE = `
local function update(KEYS, ARGV)
local id, version, status, json = ARGV[1], tonumber(ARGV[2]), ARGV[3], ARGV[4]
local hasExt, ttl = ARGV[5] == '1', tonumber(ARGV[6])
local hasSeen, seenTtl, now = ARGV[7] == '1', ARGV[8], ARGV[9]
local sessionKey, key, live, count = KEYS[1], KEYS[2], KEYS[3], KEYS[4]
local k = 5
local extKey, seenKey
if hasExt then extKey = KEYS[k]; k = k + 1 end
if hasSeen then seenKey = KEYS[k]; k = k + 1 end
if seenKey and redis.call('EXISTS', seenKey) == 1 then return 2 end
local cur = redis.call('HMGET', key, 'v', 's')
if not cur[1] or tonumber(cur[1]) ~= version - 1 then return 0 end
redis.call('HSET', key, 'v', version, 's', status, 'j', json)
if extKey then redis.call('SET', extKey, id) end
if cur[2] ~= status then
  redis.call('HINCRBY', count, cur[2], -1)
  redis.call('HINCRBY', count, status, 1)
  if isLive(cur[2]) and not isLive(status) then
    redis.call('SREM', live, id)
    redis.call('PEXPIRE', key, ttl)
    if extKey then redis.call('PEXPIRE', extKey, ttl) end
    if redis.call('GET', sessionKey) == id then redis.call('PEXPIRE', sessionKey, ttl) end
  end
end
if seenKey then redis.call('SET', seenKey, '1', 'PX', seenTtl) end
local n = 0
for i = 10, #ARGV, 2 do
  redis.call('RPUSH', KEYS[k + 2 + n], ARGV[i + 1])
  redis.call('ZADD', KEYS[k], 'NX', now, ARGV[i])
  n = n + 1
end
if n > 0 then redis.call('INCRBY', KEYS[k + 1], n) end
return 1
end`;

/**
 * UPDATE for the writes made in the same tick (each its own compare-and-set, answered in order):
 * ARGV holds per write its key count, its argument count and its arguments; KEYS its keys, in turn.
 */
const UPDATES = new LuaScript(`
${LUA_IS_LIVE}
${UPDATE}
local out, k, a = {}, 1, 1
while a <= #ARGV do
  local nk, na = tonumber(ARGV[a]), tonumber(ARGV[a + 1])
  local keys, args = {}, {}
  for i = 1, nk do keys[i] = KEYS[k + i - 1] end
  for i = 1, na do args[i] = ARGV[a + 1 + i] end
  out[#out + 1] = update(keys, args)
  k = k + nk
  a = a + 2 + na
end
return out
`);

/** Follows an index key to the record JSON in one round trip. */
const BY_INDEX = new LuaScript(`
local id = redis.call('GET', KEYS[1])
if not id then return false end
return redis.call('HGET', ARGV[1] .. 'ho:' .. id, 'j')
`);

/** BY_INDEX for several index keys at once (lookups made in the same tick): one JSON or false each. */
const BY_INDEXES = new LuaScript(`
local out = {}
for i, key in ipairs(KEYS) do
  local id = redis.call('GET', key)
  out[i] = id and redis.call('HGET', ARGV[1] .. 'ho:' .. id, 'j') or false
end
return out
`);

export interface RedisStoreOptions {
  /** Key prefix (default `hk:`); instances that share state use the same one. */
  prefix?: string;
  /** How long ended handovers stay readable (default 7 days). */
  endedTtlMs?: number;
  /** Quit the connection on `close()` (default false: the gateway owns it). */
  ownsConnection?: boolean;
}

/** Shared state for several gateway instances: providers, handovers, indexes and dedupe keys. */
export class RedisStore implements HandoverStore {
  readonly kind = 'redis';
  readonly prefix: string;
  private readonly endedTtlMs: number;
  private outbox?: OutboxSink;

  constructor(
    readonly redis: Redis,
    private readonly options: RedisStoreOptions = {},
  ) {
    this.prefix = options.prefix ?? 'hk:';
    this.endedTtlMs = options.endedTtlMs ?? 7 * 86_400_000;
  }

  async ping(): Promise<boolean> {
    return (await this.redis.ping()) === 'PONG';
  }

  async getProvider(id: string): Promise<ProviderRecord | undefined> {
    const json = await this.redis.hget(`${this.prefix}providers`, id);
    return json ? (JSON.parse(json) as ProviderRecord) : undefined;
  }
  async listProviders(): Promise<ProviderRecord[]> {
    const all = await this.redis.hvals(`${this.prefix}providers`);
    return all.map((j) => JSON.parse(j) as ProviderRecord);
  }
  async putProvider(record: ProviderRecord): Promise<void> {
    await this.redis.hset(`${this.prefix}providers`, record.id, JSON.stringify(record));
  }
  async deleteProvider(id: string): Promise<boolean> {
    return (await this.redis.hdel(`${this.prefix}providers`, id)) === 1;
  }

  async getHandover(id: string): Promise<HandoverRecord | undefined> {
    return parse(await this.redis.hget(`${this.prefix}ho:${id}`, 'j'));
  }
  async findHandoverBySession(sessionKey: string): Promise<HandoverRecord | undefined> {
    return parse(
      await BY_INDEX.run<string | null>(this.redis, [`${this.prefix}ho:session:${sessionKey}`], [this.prefix]),
    );
  }
  /** Every webhook event starts with this lookup: the ones made in the same tick share one round trip. */
  async findHandoverByConversationId(providerId: string, conversationId: string): Promise<HandoverRecord | undefined> {
    return parse(await this.byConversation.add(this.extKey(providerId, conversationId)));
  }
  /** Handover writes made in the same tick share one script call (each stays its own atomic step). */
  private readonly writes = new TickBatch((batch: Array<{ keys: string[]; args: Array<string | number> }>) => {
    const keys: string[] = [];
    const args: Array<string | number> = [];
    for (const w of batch) {
      keys.push(...w.keys);
      args.push(w.keys.length, w.args.length, ...w.args);
    }
    return UPDATES.run<number[]>(this.redis, keys, args);
  });
  private readonly byConversation = new TickBatch((keys: string[]) =>
    BY_INDEXES.run<Array<string | null>>(this.redis, keys, [this.prefix]),
  );

  async insertHandover(record: HandoverRecord): Promise<HandoverRecord | undefined> {
    const keys = this.recordKeys(record);
    if (record.conversationId) keys.push(this.extKey(record.providerId, record.conversationId));
    const args = [this.prefix, record.id, record.version, record.status, JSON.stringify(record)];
    const existing = await INSERT.run<string | null>(this.redis, keys, args);
    return parse(existing);
  }

  /** Joins the outbox queue (same connection and prefix) to handover writes. */
  attachOutbox(sink: OutboxSink): void {
    this.outbox = sink;
  }
  get outboxAttached(): boolean {
    return this.outbox !== undefined;
  }

  async updateHandover(record: HandoverRecord): Promise<boolean> {
    return (await this.writeHandover(record, {})) === 'written';
  }

  async writeHandover(record: HandoverRecord, effects: WriteEffects): Promise<WriteResult> {
    const items = this.outbox ? (effects.outbox ?? []) : [];
    const keys = this.recordKeys(record);
    const seen = effects.seen;
    if (record.conversationId) keys.push(this.extKey(record.providerId, record.conversationId));
    if (seen) keys.push(this.seenKey(seen.key));
    const appended: string[] = [];
    if (items.length > 0) {
      const base = queueBase(this.prefix, this.outbox!.queue);
      keys.push(`${base}ready`, `${base}depth`);
      for (const item of items) {
        const entry = this.outbox!.entry(item);
        appended.push(entry.partition, JSON.stringify(entry.item));
        keys.push(`${base}q:${entry.partition}`);
      }
    }
    const result = await this.writes.add({
      keys,
      args: [
        ...[record.id, record.version, record.status, JSON.stringify(record)],
        ...[record.conversationId ? '1' : '', this.endedTtlMs],
        ...[seen ? '1' : '', seen ? Math.max(1, Math.round(seen.ttlMs)) : 0, Date.now(), ...appended],
      ],
    });
    if (result === 1 && appended.length > 0) this.outbox!.appended();
    return result === 1 ? 'written' : result === 2 ? 'seen' : 'conflict';
  }

  async isSeen(key: string): Promise<boolean> {
    return (await this.redis.exists(this.seenKey(key))) === 1;
  }

  async *listLiveHandovers(): AsyncIterable<HandoverRecord> {
    let cursor = '0';
    do {
      const [next, ids] = await this.redis.sscan(`${this.prefix}ho:live`, cursor, 'COUNT', 500);
      cursor = next;
      if (ids.length === 0) continue;
      const pipeline = this.redis.pipeline();
      for (const id of ids) pipeline.hget(`${this.prefix}ho:${id}`, 'j');
      const rows = (await pipeline.exec()) ?? [];
      for (const [error, json] of rows) {
        const record = error ? undefined : parse(json as string | null);
        if (record && isLiveStatus(record.status)) yield record;
      }
    } while (cursor !== '0');
  }

  async countByStatus(): Promise<Record<HandoverStatus, number>> {
    const raw = await this.redis.hgetall(`${this.prefix}ho:count`);
    return Object.fromEntries(HANDOVER_STATUSES.map((s) => [s, Math.max(0, Number(raw[s] ?? 0))])) as Record<
      HandoverStatus,
      number
    >;
  }

  async markSeen(key: string, ttlMs: number): Promise<boolean> {
    return (await this.redis.set(this.seenKey(key), '1', 'PX', Math.max(1, Math.round(ttlMs)), 'NX')) === 'OK';
  }
  async forgetSeen(key: string): Promise<void> {
    await this.redis.del(this.seenKey(key));
  }

  private seenKey(key: string): string {
    return `${this.prefix}seen:${key}`;
  }

  async close(): Promise<void> {
    if (this.options.ownsConnection) await this.redis.quit().catch(() => {});
  }

  /** The four keys every handover write touches (see the scripts). */
  private recordKeys(record: HandoverRecord): string[] {
    const p = this.prefix;
    return [`${p}ho:session:${sessionKeyOfRecord(record)}`, `${p}ho:${record.id}`, `${p}ho:live`, `${p}ho:count`];
  }

  private extKey(providerId: string, conversationId: string): string {
    return `${this.prefix}ho:ext:${providerId}:${conversationId}`;
  }
}

function parse(json: string | null | undefined): HandoverRecord | undefined {
  return json ? (JSON.parse(json) as HandoverRecord) : undefined;
}
