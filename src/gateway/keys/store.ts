import type { RedisConnection as Redis } from '../redis/connect';

/** A named API key as stored: never the key itself, only its SHA-256 (the key has 192 random bits). */
export interface ApiKeyRecord {
  id: string;
  name: string;
  scope: 'nodes' | 'admin';
  /** Limited to these provider ids (absent: every provider). */
  providers?: string[];
  /** hex SHA-256 of the whole key. */
  digest: string;
  createdAt: number;
  /** Who created it (the creating key's name). */
  createdBy?: string;
  lastUsedAt?: number;
}

/** Where named keys live: with the providers (memory, or Redis shared by every instance). */
export interface ApiKeyStore {
  list(): Promise<ApiKeyRecord[]>;
  get(id: string): Promise<ApiKeyRecord | undefined>;
  put(record: ApiKeyRecord): Promise<void>;
  delete(id: string): Promise<boolean>;
  /** Records a use (only ever moves forward). */
  touch(id: string, at: number): Promise<void>;
}

export class MemoryApiKeyStore implements ApiKeyStore {
  private readonly records = new Map<string, ApiKeyRecord>();
  async list() {
    return [...this.records.values()].map((r) => ({ ...r }));
  }
  async get(id: string) {
    const r = this.records.get(id);
    return r && { ...r };
  }
  async put(record: ApiKeyRecord) {
    this.records.set(record.id, { ...record });
  }
  async delete(id: string) {
    return this.records.delete(id);
  }
  async touch(id: string, at: number) {
    const r = this.records.get(id);
    if (r && (r.lastUsedAt ?? 0) < at) r.lastUsedAt = at;
  }
}

/** `P apikeys`: hash id → record JSON; `P apikeys:used`: hash id → last use (ms), written apart (hot path). */
export class RedisApiKeyStore implements ApiKeyStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}
  private get key() {
    return `${this.prefix}apikeys`;
  }
  async list() {
    const [all, used] = await Promise.all([this.redis.hgetall(this.key), this.redis.hgetall(`${this.key}:used`)]);
    return Object.values(all).map((j) => withUse(JSON.parse(j) as ApiKeyRecord, used));
  }
  async get(id: string) {
    const [json, used] = await Promise.all([this.redis.hget(this.key, id), this.redis.hget(`${this.key}:used`, id)]);
    return json ? withUse(JSON.parse(json) as ApiKeyRecord, used ? { [id]: used } : {}) : undefined;
  }
  async put(record: ApiKeyRecord) {
    const { lastUsedAt: _ignored, ...rest } = record;
    await this.redis.hset(this.key, record.id, JSON.stringify(rest));
  }
  async delete(id: string) {
    const [removed] = await Promise.all([this.redis.hdel(this.key, id), this.redis.hdel(`${this.key}:used`, id)]);
    return removed === 1;
  }
  async touch(id: string, at: number) {
    await this.redis.hset(`${this.key}:used`, id, String(at));
  }
}

function withUse(record: ApiKeyRecord, used: Record<string, string>): ApiKeyRecord {
  const at = Number(used[record.id]);
  return Number.isFinite(at) && at > 0 ? { ...record, lastUsedAt: at } : record;
}
