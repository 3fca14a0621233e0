import { describe, expect, it } from 'vitest';
import { loadGatewayConfig } from 'handover-kit/gateway';
import { Redactor } from '../../src/logger';
import { redactRedisUrl, safeRedisUrl } from '../../src/gateway/logging';
import { hashTaggedPrefix, parseRedisTarget } from '../../src/gateway/redis/url';

describe('Redis URLs: single, Sentinel, Cluster', () => {
  it('parses the sentinels, the master name, the database and the credentials', () => {
    expect(parseRedisTarget('redis://:pw@h:6379/2')).toEqual({ kind: 'single', url: 'redis://:pw@h:6379/2' });
    expect(parseRedisTarget('redis+sentinel://:p%40ss@10.0.0.5:26380,10.0.0.6/mymaster/3')).toEqual({
      kind: 'sentinel',
      nodes: [
        { host: '10.0.0.5', port: 26380 },
        { host: '10.0.0.6', port: 26379 },
      ],
      name: 'mymaster',
      db: 3,
      password: 'p@ss',
      tls: false,
    });
    expect(parseRedisTarget('rediss+cluster://app:secret@a:7000,b:7001')).toEqual({
      kind: 'cluster',
      nodes: [
        { host: 'a', port: 7000 },
        { host: 'b', port: 7001 },
      ],
      username: 'app',
      password: 'secret',
      tls: true,
    });
    expect(() => parseRedisTarget('redis+sentinel://a:1,b:2')).toThrow(/master name/);
    expect(() => parseRedisTarget('http://a')).toThrow(TypeError);
  });

  it('masks the password of every form in logs and errors', () => {
    const url = 'redis+sentinel://:s3cret-pass@10.0.0.5:26379,10.0.0.6:26379/mymaster';
    expect(safeRedisUrl(url)).toBe('redis+sentinel://:***@10.0.0.5:26379,10.0.0.6:26379/mymaster');
    const redactor = new Redactor();
    redactRedisUrl(url, redactor);
    expect(redactor.redactString(`connecting with s3cret-pass to ${url}`)).not.toContain('s3cret-pass');
    expect(safeRedisUrl('redis://127.0.0.1:6379')).toBe('redis://127.0.0.1:6379');
  });

  it('gives the prefix a hash tag on a Cluster, keeping one that has it', () => {
    expect(hashTaggedPrefix('hk:')).toBe('{hk}:');
    expect(hashTaggedPrefix('app')).toBe('{app}');
    expect(hashTaggedPrefix('{handover}:')).toBe('{handover}:');
  });

  it('config accepts the Sentinel and Cluster forms and names a malformed one', () => {
    const env = {
      HANDOVER_GATEWAY_ADMIN_KEYS: 'an-admin-key-0123456789',
      HANDOVER_GATEWAY_NODE_KEYS: 'a-nodes-key-0123456789',
      HANDOVER_ENCRYPTION_KEYS: `k1:${Buffer.alloc(32, 1).toString('base64')}`,
    };
    for (const url of ['redis+sentinel://a:1,b:2/m', 'redis+cluster://a:1,b:2']) {
      expect(loadGatewayConfig({ env: { ...env, HANDOVER_REDIS_URL: url } }).redisUrl).toBe(url);
    }
    expect(() => loadGatewayConfig({ env: { ...env, HANDOVER_REDIS_URL: 'redis+sentinel://a:1,b:2' } })).toThrow(
      /HANDOVER_REDIS_URL/,
    );
  });
});
