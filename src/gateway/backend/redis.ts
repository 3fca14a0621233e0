import type { RedisConnection as Redis } from '../redis/connect';
import { toHandoverError } from '../../contract';
import { RedisDeadLetters } from '../cognigy/outbox';
import { safeRedisUrl } from '../logging';
import { RedisQueueBackend } from '../queue/redis';
import { connectRedis } from '../redis/connect';
import { hashTaggedPrefix, isClusterUrl } from '../redis/url';
import { RedisConnectorState } from '../redis/connector-state';
import { RedisScheduler } from '../redis/scheduler';
import { RedisStore } from '../redis/store';
import { RedisProviderChecks } from '../routes/provider-checks';
import { RedisApiKeyStore } from '../keys/store';
import { BackendResources, type BackendOptions, type GatewayBackend } from './types';

/** Several instances on one Redis: store, timers (BullMQ), queues, dead letters and connector state. */
export async function redisBackend(url: string, keyPrefix: string, options: BackendOptions): Promise<GatewayBackend> {
  const { logger } = options;
  // In a Cluster every key (BullMQ's too: `{hk}:bull…`) shares one hash tag, so scripts stay in one slot.
  const prefix = isClusterUrl(url) ? hashTaggedPrefix(keyPrefix) : keyPrefix;
  const redis: Redis = connectRedis(url, logger);
  try {
    await redis.ping();
  } catch (error) {
    redis.disconnect();
    throw toHandoverError(error, `Redis at ${safeRedisUrl(url)} is unreachable`);
  }
  const own = options.store ? undefined : new RedisStore(redis, { prefix });
  const store = options.store ?? own!;
  const connect = () => connectRedis(url, logger, { maxRetriesPerRequest: null });
  const scheduler = options.scheduler ?? new RedisScheduler({ redis, connect, prefix, logger });
  const resources = new BackendResources({ store, scheduler, state: new RedisConnectorState(redis, prefix) });
  return {
    kind: 'redis',
    shared: true,
    ...resources.members(),
    providerChecks: new RedisProviderChecks(redis, `${prefix}provider-checks`),
    apiKeys: new RedisApiKeyStore(redis, prefix),
    queue<T>(name: string, o: { leaseMs?: number }) {
      return resources.queue(
        new RedisQueueBackend<T>(redis, { prefix, name, ...(o.leaseMs ? { leaseMs: o.leaseMs } : {}) }),
      );
    },
    deadLetters: (name) => new RedisDeadLetters(redis, `${prefix}${name}:dead`),
    attachOutbox: (sink) => own?.attachOutbox(sink),
    async ping() {
      return (await redis.ping()) === 'PONG';
    },
    abort() {
      scheduler.abort();
      redis.disconnect();
    },
    async close() {
      await resources.close();
      await redis.quit().catch(() => {});
    },
  };
}
