import type { Cluster, Redis, RedisOptions } from 'ioredis';
import type { Logger } from '../../contract';
import { loadPeer } from './optional';
import { parseRedisTarget } from './url';

/** A plain / Sentinel-managed connection, or a Cluster client: the gateway uses either the same way. */
export type RedisConnection = Redis | Cluster;

/**
 * Opens an ioredis connection (or Cluster client) whose errors are logged (throttled) instead of
 * crashing the process. Commands fail after a couple of reconnect attempts, so a webhook is answered
 * 503 (and retried by the vendor) rather than hanging while Redis is away or failing over.
 */
export function connectRedis(url: string, logger: Logger, options: RedisOptions = {}): RedisConnection {
  const base: RedisOptions = { maxRetriesPerRequest: 2, connectTimeout: 5_000, enableAutoPipelining: true, ...options };
  // ioredis is an optional peer: loaded only when Redis is configured.
  const { Redis: RedisClient, Cluster: ClusterClient } = loadPeer<typeof import('ioredis')>('ioredis');
  const target = parseRedisTarget(url);
  let redis: RedisConnection;
  if (target.kind === 'single') {
    redis = new RedisClient(url, base);
  } else {
    const auth = {
      ...(target.username ? { username: target.username } : {}),
      ...(target.password ? { password: target.password } : {}),
      ...(target.tls ? { tls: {} } : {}),
    };
    if (target.kind === 'sentinel') {
      redis = new RedisClient({
        ...base,
        ...auth,
        sentinels: target.nodes,
        name: target.name!,
        ...(target.db ? { db: target.db } : {}),
      });
    } else {
      const { enableAutoPipelining, ...redisOptions } = base;
      redis = new ClusterClient(target.nodes, { enableAutoPipelining, redisOptions: { ...redisOptions, ...auth } });
    }
  }
  let last = 0;
  redis.on('error', (error: Error) => {
    const now = Date.now();
    if (now - last < 5_000) return;
    last = now;
    logger.warn('redis connection error', { error: error.message });
  });
  return redis;
}
