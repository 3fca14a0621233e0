import type { Redis } from 'ioredis';
import type { RedisConnection } from '../redis/connect';
import type { DeliveryItem } from '../../delivery';
import { LuaScript } from '../redis/lua';
import type { SecretCipher } from './cipher';

/** Compare-and-set on one value: a value changed meanwhile by a gateway is left alone (it was just written). */
const CAS = new LuaScript(`
local kind, key, where, old, new = ARGV[1], KEYS[1], ARGV[2], ARGV[3], ARGV[4]
if kind == 'hash' then
  if redis.call('HGET', key, where) ~= old then return 0 end
  redis.call('HSET', key, where, new)
elseif kind == 'string' then
  if redis.call('GET', key) ~= old then return 0 end
  redis.call('SET', key, new, 'KEEPTTL')
else
  if redis.call('LINDEX', key, tonumber(where)) ~= old then return 0 end
  redis.call('LSET', key, tonumber(where), new)
end
return 1
`);

export interface RotationResult {
  /** Keys looked at under the prefix. */
  keys: number;
  /** Values rewritten with the current key. */
  resealed: number;
  /** Values that changed while being rewritten (run again: they are readable either way). */
  skipped: number;
}

/**
 * `handover-kit keys rotate`: every value under the prefix sealed with an older key is re-sealed with
 * the current one, and secrets written before encryption was on (provider secret fields, handover
 * URLTokens) are sealed. Safe while gateways run: each rewrite is a compare-and-set.
 */
export async function rotateRedisSecrets(
  redis: RedisConnection,
  prefix: string,
  cipher: SecretCipher,
  secretFieldsOf: (type: string) => readonly string[],
): Promise<RotationResult> {
  const result: RotationResult = { keys: 0, resealed: 0, skipped: 0 };
  const transform = (key: string, field: string | undefined, value: string): string => {
    if (key === `${prefix}providers`) {
      const record = JSON.parse(value) as { type: string; settings: Record<string, unknown> };
      for (const f of secretFieldsOf(record.type)) {
        const v = record.settings[f];
        if (typeof v === 'string' && v !== '') record.settings[f] = cipher.reseal(v);
      }
      return JSON.stringify(record);
    }
    if (field === 'j' && key.startsWith(`${prefix}ho:`)) {
      const record = JSON.parse(value) as { session?: { urlToken?: string } };
      if (record.session?.urlToken) record.session.urlToken = cipher.reseal(record.session.urlToken);
      return JSON.stringify(record);
    }
    return cipher.resealWithin(value);
  };
  const write = async (kind: string, key: string, where: string, old: string, fresh: string) => {
    if (fresh === old) return;
    if ((await CAS.run<number>(redis, [key], [kind, where, old, fresh])) === 1) result.resealed++;
    else result.skipped++;
  };
  // A Cluster is scanned node by node (the gateway's keys share one hash tag, so one master has them).
  const scanners: Redis[] =
    'nodes' in redis && typeof redis.nodes === 'function' ? redis.nodes('master') : [redis as Redis];
  for (const scanner of scanners) await rotateOn(scanner);
  return result;

  async function rotateOn(scanner: Redis) {
    let cursor = '0';
    do {
      const [next, keys] = await scanner.scan(cursor, 'MATCH', `${escapeGlob(prefix)}*`, 'COUNT', 500);
      cursor = next;
      for (const key of keys) {
        result.keys++;
        const type = await redis.type(key);
        if (type === 'hash') {
          let c = '0';
          do {
            const [n, flat] = await redis.hscan(key, c, 'COUNT', 500);
            c = n;
            for (let i = 0; i < flat.length; i += 2)
              await write(
                'hash',
                key,
                flat[i]!,
                flat[i + 1]!,
                safe(() => transform(key, flat[i]!, flat[i + 1]!), flat[i + 1]!),
              );
          } while (c !== '0');
        } else if (type === 'string') {
          const value = await redis.get(key);
          if (value !== null)
            await write(
              'string',
              key,
              '',
              value,
              safe(() => transform(key, undefined, value), value),
            );
        } else if (type === 'list') {
          const items = await redis.lrange(key, 0, -1);
          for (let i = 0; i < items.length; i++)
            await write(
              'list',
              key,
              String(i),
              items[i]!,
              safe(() => transform(key, undefined, items[i]!), items[i]!),
            );
        }
      }
    } while (cursor !== '0');
  }
}

/** A value that is not ours to parse (another tool's key under the prefix) is left as it is. */
function safe(f: () => string, fallback: string): string {
  try {
    return f();
  } catch {
    return fallback;
  }
}

function escapeGlob(text: string): string {
  return text.replace(/[*?[\]\\]/g, '\\$&');
}

/** The outbox keeps each item's URLToken sealed while it waits in the queue. */
export function sealDeliveryItem(cipher: SecretCipher | undefined, item: DeliveryItem): DeliveryItem {
  const session = cipher ? cipher.sealToken(item.session) : item.session;
  return session === item.session ? item : { ...item, session };
}

export function openDeliveryItem(cipher: SecretCipher | undefined, item: DeliveryItem): DeliveryItem {
  const session = cipher ? cipher.openToken(item.session) : item.session;
  return session === item.session ? item : { ...item, session };
}
