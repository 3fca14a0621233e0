import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { parseOrThrow, type Logger } from '../../contract';
import type { ApiKeyRecord, ApiKeyStore } from './store';

/** A named key as the API lists it: never the key, never its hash. */
export type ApiKeyView = Omit<ApiKeyRecord, 'digest'>;

export const createKeySchema = z
  .object({
    name: z
      .string()
      .trim()
      .min(1)
      .max(80)
      .regex(/^[\w .@:-]+$/, 'Letters, digits, spaces and _ . @ : - only'),
    scope: z.enum(['nodes', 'admin']),
    providers: z.array(z.string().min(1).max(128)).min(1).max(100).optional(),
  })
  .strict();

const KEY_FORMAT = /^hk_([a-f0-9]{12})_([A-Za-z0-9_-]{32})$/;

export interface NamedKeysOptions {
  now?: () => number;
  /** How long a key read from the store is trusted (default 2 s): a revocation elsewhere takes effect within it. */
  cacheMs?: number;
  /** Last-used times are written at most this often per key (default 60 s). */
  touchEveryMs?: number;
  logger: Logger;
}

/**
 * Named API keys: created with a scope (`nodes` or `admin`, optionally limited to some providers),
 * shown once, stored as a SHA-256 (a key carries 192 random bits, so a slow hash adds nothing), listed
 * with their last use, revoked at once. Every instance reads them from the shared store, so keys
 * rotate without a restart: create the new one, move the client, revoke the old one.
 */
export class NamedApiKeys {
  private readonly cache = new Map<string, { until: number; record: ApiKeyRecord | undefined }>();
  private readonly touched = new Map<string, number>();
  private readonly now: () => number;
  private readonly cacheMs: number;
  private readonly touchEveryMs: number;

  constructor(
    private readonly store: ApiKeyStore,
    private readonly options: NamedKeysOptions,
  ) {
    this.now = options.now ?? Date.now;
    this.cacheMs = options.cacheMs ?? 2_000;
    this.touchEveryMs = options.touchEveryMs ?? 60_000;
  }

  static looksNamed(key: string): boolean {
    return KEY_FORMAT.test(key);
  }

  async create(input: unknown, by: string): Promise<{ key: string; apiKey: ApiKeyView }> {
    const parsed = parseOrThrow(createKeySchema, input, 'API key');
    const id = randomBytes(6).toString('hex');
    const key = `hk_${id}_${randomBytes(24).toString('base64url')}`;
    const record: ApiKeyRecord = {
      id,
      name: parsed.name,
      scope: parsed.scope,
      ...(parsed.providers ? { providers: [...new Set(parsed.providers)] } : {}),
      digest: digest(key),
      createdAt: this.now(),
      createdBy: by,
    };
    await this.store.put(record);
    this.cache.delete(id);
    this.audit('api key created', by, record);
    return { key, apiKey: view(record) };
  }

  async list(): Promise<ApiKeyView[]> {
    return (await this.store.list()).sort((a, b) => a.createdAt - b.createdAt).map(view);
  }

  async revoke(id: string, by: string): Promise<ApiKeyView | undefined> {
    const record = await this.store.get(id);
    if (!record || !(await this.store.delete(id))) return undefined;
    this.cache.set(id, { until: this.now() + this.cacheMs, record: undefined });
    this.audit('api key revoked', by, record);
    return view(record);
  }

  /** The record of a presented key, or undefined. Comparison in constant time. */
  async verify(key: string): Promise<ApiKeyRecord | undefined> {
    const m = KEY_FORMAT.exec(key);
    if (!m) return undefined;
    const id = m[1]!;
    const t = this.now();
    let hit = this.cache.get(id);
    if (!hit || hit.until <= t) {
      hit = { until: t + this.cacheMs, record: await this.store.get(id) };
      this.cache.set(id, hit);
      if (this.cache.size > 10_000) this.cache.delete(this.cache.keys().next().value!);
    }
    const record = hit.record;
    if (!record || !timingSafeEqual(Buffer.from(record.digest, 'hex'), Buffer.from(digest(key), 'hex')))
      return undefined;
    if (t - (this.touched.get(id) ?? 0) >= this.touchEveryMs) {
      this.touched.set(id, t);
      if (this.touched.size > 10_000) this.touched.delete(this.touched.keys().next().value!);
      void this.store
        .touch(id, t)
        .catch((error) =>
          this.options.logger.warn('recording an API key use failed', { keyId: id, error: (error as Error)?.message }),
        );
    }
    return record;
  }

  private audit(action: string, by: string, record: ApiKeyRecord) {
    this.options.logger.info('audit', {
      action,
      by,
      keyId: record.id,
      keyName: record.name,
      scope: record.scope,
      ...(record.providers ? { providers: record.providers } : {}),
    });
  }
}

function digest(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

function view(record: ApiKeyRecord): ApiKeyView {
  const { digest: _hidden, ...rest } = record;
  return rest;
}
