import type { RedisConnection as Redis } from '../redis/connect';
import type { HandoverErrorJSON } from '../../contract';

/** The outcome of a provider's last "test connection", as the list and read routes show it (`lastCheck`). */
export interface ProviderCheckRecord {
  ok: boolean;
  check: 'connection' | 'availability' | 'connector';
  /** When the check ran (epoch ms). Older than the provider's `updatedAt`: the settings changed since. */
  at: number;
  durationMs: number;
  error?: Pick<HandoverErrorJSON, 'code' | 'message'>;
}

/** Where the last check of each provider is kept: in memory, or in Redis when instances share state. */
export interface ProviderChecks {
  get(ids: readonly string[]): Promise<Map<string, ProviderCheckRecord>>;
  set(id: string, record: ProviderCheckRecord): Promise<void>;
  remove(id: string): Promise<void>;
}

export class MemoryProviderChecks implements ProviderChecks {
  private readonly records = new Map<string, ProviderCheckRecord>();

  async get(ids: readonly string[]) {
    const out = new Map<string, ProviderCheckRecord>();
    for (const id of ids) {
      const record = this.records.get(id);
      if (record) out.set(id, record);
    }
    return out;
  }

  async set(id: string, record: ProviderCheckRecord) {
    this.records.set(id, record);
  }

  async remove(id: string) {
    this.records.delete(id);
  }
}

/** One Redis hash, field per provider id, JSON values. */
export class RedisProviderChecks implements ProviderChecks {
  constructor(
    private readonly redis: Redis,
    private readonly key: string,
  ) {}

  async get(ids: readonly string[]) {
    const out = new Map<string, ProviderCheckRecord>();
    if (ids.length === 0) return out;
    const values = await this.redis.hmget(this.key, ...ids);
    values.forEach((value, i) => {
      if (!value) return;
      try {
        out.set(ids[i]!, JSON.parse(value) as ProviderCheckRecord);
      } catch {
        // a damaged entry reads as "never checked"
      }
    });
    return out;
  }

  async set(id: string, record: ProviderCheckRecord) {
    await this.redis.hset(this.key, id, JSON.stringify(record));
  }

  async remove(id: string) {
    await this.redis.hdel(this.key, id);
  }
}
