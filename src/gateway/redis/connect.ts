import type { Redis, RedisOptions } from 'ioredis';
import type { Logger } from '../../contract';
import { loadPeer } from './optional';

/**
 * Opens an ioredis connection whose errors are logged (throttled) instead of crashing the process.
 * Commands fail after a couple of reconnect attempts, so a webhook is answered 503 (and retried by
 * the vendor) rather than hanging while Redis is away.
 */
export function connectRedis(url: string, logger: Logger, options: RedisOptions = {}): Redis {
  const { Redis: RedisClient } = loadPeer<typeof import('ioredis')>('ioredis');
  const redis = new RedisClient(url, { maxRetriesPerRequest: 2, connectTimeout: 5_000, enableAutoPipelining: true, ...options });
  let last = 0;
  redis.on('error', (error: Error) => {
    const now = Date.now();
    if (now - last < 5_000) return;
    last = now;
    logger.warn('redis connection error', { error: error.message });
  });
  return redis;
}
