import { randomUUID } from 'node:crypto';
import type { RedisConnection as Redis } from './connect';
import type { ConnectorStateV1 } from '../../contract';
import { LuaScript } from './lua';

/** Takes the lease when free, renews it when ours; 1 when held afterwards. */
const ACQUIRE = new LuaScript(`
local holder = redis.call('GET', KEYS[1])
if holder and holder ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return 1
`);

const RELEASE = new LuaScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('DEL', KEYS[1]) end
return 1
`);

/**
 * `ConnectorStateV1` in Redis, shared by every gateway instance: `P cs:<providerId>:<key>`, leases
 * under `P cs:<providerId>:lease:<name>` holding this instance's id.
 */
export class RedisConnectorState {
  private readonly owner = randomUUID();

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  forProvider(providerId: string): ConnectorStateV1 {
    const key = (k: string) => `${this.prefix}cs:${providerId}:${k}`;
    return {
      get: async (k) => (await this.redis.get(key(k))) ?? undefined,
      set: async (k, value, options) => {
        if (options?.ttlMs !== undefined)
          await this.redis.set(key(k), value, 'PX', Math.max(1, Math.ceil(options.ttlMs)));
        else await this.redis.set(key(k), value);
      },
      delete: async (k) => void (await this.redis.del(key(k))),
      acquireLease: async (name, ttlMs) =>
        (await ACQUIRE.run<number>(this.redis, [key(`lease:${name}`)], [this.owner, Math.max(1, Math.ceil(ttlMs))])) ===
        1,
      releaseLease: async (name) => void (await RELEASE.run(this.redis, [key(`lease:${name}`)], [this.owner])),
    };
  }
}
