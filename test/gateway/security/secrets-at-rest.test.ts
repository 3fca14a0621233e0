import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { secretFields } from 'handover-kit/contract';
import { SimulatedCenters } from 'handover-kit/connectors/simulated';
import { builtInConnectors } from '../../../src/gateway/connectors';
import { SecretCipher, parseEncryptionKeys } from '../../../src/gateway/secrets/cipher';
import { rotateRedisSecrets } from '../../../src/gateway/secrets/rotate';
import { redisUrl, simCenter, startTestGateway, uniquePrefix, waitUntil, type TestGateway } from '../helpers';

/** Every value in the whole Redis (not only our prefix: BullMQ and queues included), as one text. */
async function dumpRedis(redis: Redis): Promise<string> {
  const out: string[] = [];
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'COUNT', 1000);
    cursor = next;
    for (const key of keys) {
      const type = await redis.type(key);
      const value =
        type === 'string'
          ? await redis.get(key)
          : type === 'hash'
            ? await redis.hgetall(key)
            : type === 'list'
              ? await redis.lrange(key, 0, -1)
              : type === 'set'
                ? await redis.smembers(key)
                : type === 'zset'
                  ? await redis.zrange(key, 0, -1)
                  : type === 'stream'
                    ? await redis.xrange(key, '-', '+')
                    : null;
      out.push(key, JSON.stringify(value));
    }
  } while (cursor !== '0');
  return out.join('\n');
}

const marker = (name: string) => `${name}-${randomBytes(9).toString('hex')}`;

/** Valid settings for every built-in type, every secret field a unique marker. */
function settingsByType(): Record<string, Record<string, unknown>> {
  return {
    simulated: { center: 'main', delivery: 'webhook', webhookSecret: marker('sim-webhook') },
    '8x8': { apiKey: marker('8x8-key'), apiSecret: marker('8x8-secret'), channelId: 'ch1' },
    'salesforce-miaw': {
      baseUrl: 'https://acme.my.salesforce-scrt.com',
      organizationId: '00D000000000001',
      esDeveloperName: 'Messaging_Web',
      authMode: 'authenticated',
      identityToken: marker('miaw-identity'),
      tokenEncryptionKey: marker('miaw-token-encryption-key-0123456789'),
    },
    chatwoot: {
      baseUrl: 'https://chatwoot.example',
      accountId: 1,
      apiAccessToken: marker('cw-token'),
      inboxId: 2,
      webhookSecret: marker('cw-hook'),
    },
    cxone: {
      accessKeyId: 'AK1',
      accessKeySecret: marker('cx-aks'),
      clientId: 'c1',
      clientSecret: marker('cx-cs'),
      channelId: 'chat_1',
      channelClientId: 'cc1',
      channelClientSecret: marker('cx-ccs'),
    },
    genesys: {
      region: 'mypurecloud.com',
      clientId: 'g1',
      clientSecret: marker('gen-cs'),
      integrationId: '3f2a1b4c-5d6e-4f70-8a9b-0c1d2e3f4a5b',
      webhookSecret: marker('gen-hook'),
    },
    ringcentral: {
      baseApiUrl: 'https://engage.example',
      apiAccessToken: marker('rc-api'),
      realtimeEndpointUrl: 'https://rt.engage.example/realtime/sdk/abc123',
      realtimeAccessToken: marker('rc-rt'),
      verifyToken: marker('rc-verify'),
      webhookSecret: marker('rc-hook'),
      botCategoryId: 'a1b2c3d4e5f6a7b8c9d0e1f2',
      agentCategoryId: 'f2e1d0c9b8a7f6e5d4c3b2a1',
    },
    'twilio-flex': {
      accountSid: `AC${'a'.repeat(32)}`,
      authToken: marker('tw-auth-token'),
      workspaceSid: `WS${'b'.repeat(32)}`,
      workflowSid: `WW${'c'.repeat(32)}`,
    },
    zendesk: {
      baseUrl: 'https://api.smooch.io',
      appId: 'app1',
      keyId: 'key1',
      keySecret: marker('zd-key'),
      authMode: 'basic',
      botIntegration: 'bot',
      webhookSecret: marker('zd-hook'),
      supportBaseUrl: 'https://x.zendesk.com',
      supportEmail: 'a@b.example',
      supportApiToken: marker('zd-support'),
    },
  };
}

describe('secrets at rest (Redis)', () => {
  const open: TestGateway[] = [];
  const clients: Redis[] = [];
  afterEach(async () => {
    await Promise.all(open.splice(0).map((g) => g.kill()));
    for (const c of clients.splice(0)) c.disconnect();
  });

  it('a dump of Redis holds no provider secret of any type and no URLToken', async () => {
    const centers = new SimulatedCenters();
    const connectors = builtInConnectors({ centers });
    const prefix = uniquePrefix();
    // Cognigy unreachable: outbox items (which carry the URLToken) stay queued in Redis for the dump.
    const gw = await startTestGateway({
      redisPrefix: prefix,
      centers,
      overrides: {
        connectors,
        cognigy: { apiBaseUrl: 'http://127.0.0.1:9', apiKey: 'cognigy-key-0123456789', timeoutMs: 200 },
      },
    });
    open.push(gw);
    const settings = settingsByType();
    expect(Object.keys(settings).sort()).toEqual(connectors.map((c) => c.type).sort());
    const secrets: string[] = [];
    for (const def of connectors) {
      const s = settings[def.type]!;
      for (const f of secretFields(def.settingsSchema)) if (typeof s[f] === 'string') secrets.push(s[f] as string);
      await gw.admin.create({ id: `p-${def.type}`, name: def.label, type: def.type, settings: s });
    }
    const tokens: string[] = [];
    for (let i = 0; i < 3; i++) {
      const urlToken = marker('url-token');
      tokens.push(urlToken);
      await gw.client.startHandover({
        providerId: 'sim',
        session: { userId: `u${i}`, sessionId: `s${i}`, urlToken },
        behaviour: { sendActiveEvent: true },
      });
    }
    const redis = new Redis(redisUrl());
    clients.push(redis);
    // Something is queued toward Cognigy (its URLToken must be sealed there too).
    const center = await simCenter(gw);
    const conv = center.accept('anna');
    center.say('anna', conv.id, 'hello from the agent');
    await waitUntil(async () => (await redis.keys(`${prefix}outbox:q:*`)).length > 0);
    const dump = await dumpRedis(redis);
    expect(dump).toContain(`${prefix}providers`);
    for (const secret of [...secrets, ...tokens]) expect(dump, secret).not.toContain(secret);
    expect(dump).toContain('enc:v1:test1:');
    // ...and the gateway itself still reads them in clear.
    const zd = await gw.gateway.registry.get('p-zendesk', { revealSecrets: true });
    expect(zd.settings.keySecret).toBe(settings.zendesk!.keySecret);
    const h = await gw.gateway.store.findHandoverBySession('u0\u0000s0');
    expect(h?.session.urlToken).toBe(tokens[0]);
  });

  it('rotation: old key still reads, new writes use the new key, rotate re-seals everything', async () => {
    const [k1, k2] = parseEncryptionKeys(
      `old:${randomBytes(32).toString('base64')},new:${randomBytes(32).toString('base64')}`,
    );
    const prefix = uniquePrefix();
    const secret = 'first-secret-value';
    const a = await startTestGateway({
      redisPrefix: prefix,
      simProvider: { webhookSecret: secret },
      overrides: { encryptionKeys: [k1!] },
    });
    open.push(a);
    await a.client.startHandover({
      providerId: 'sim',
      session: { userId: 'u', sessionId: 's', urlToken: 'token-one-abcdef' },
    });
    await a.kill();
    const redis = new Redis(redisUrl());
    clients.push(redis);
    expect(await redis.hget(`${prefix}providers`, 'sim')).toContain('enc:v1:old:');

    // Restart with the new key first: the old values still read; a new write uses the new key.
    const b = await startTestGateway({
      redisPrefix: prefix,
      simProvider: false,
      overrides: { encryptionKeys: [k2!, k1!] },
    });
    open.push(b);
    expect((await b.gateway.registry.get('sim', { revealSecrets: true })).settings.webhookSecret).toBe(secret);
    expect((await b.gateway.store.findHandoverBySession('u\u0000s'))?.session.urlToken).toBe('token-one-abcdef');
    await b.admin.create({
      id: 'sim2',
      name: 'Second',
      type: 'simulated',
      settings: { center: 'c2', webhookSecret: 'second-secret-value' },
    });
    expect(await redis.hget(`${prefix}providers`, 'sim2')).toContain('enc:v1:new:');

    const cipher = new SecretCipher([k2!, k1!]);
    const fieldsOf = (type: string) => secretFields(b.gateway.registry.definition(type).settingsSchema);
    const result = await rotateRedisSecrets(redis, prefix, cipher, fieldsOf);
    expect(result.resealed).toBeGreaterThanOrEqual(2);
    await b.kill();
    const dump = await dumpRedis(redis);
    expect(dump).not.toContain('enc:v1:old:');

    // Only the new key now: everything still opens.
    const c = await startTestGateway({ redisPrefix: prefix, simProvider: false, overrides: { encryptionKeys: [k2!] } });
    open.push(c);
    expect((await c.gateway.registry.get('sim', { revealSecrets: true })).settings.webhookSecret).toBe(secret);
    expect((await c.gateway.store.findHandoverBySession('u\u0000s'))?.session.urlToken).toBe('token-one-abcdef');
  });

  it('a Redis gateway without encryption keys refuses to start', async () => {
    await expect(startTestGateway({ redisPrefix: uniquePrefix(), overrides: { encryptionKeys: [] } })).rejects.toThrow(
      /encryption keys/,
    );
  });
});

describe('SecretCipher', () => {
  it('seals, opens, refuses a changed byte and an unknown key id', () => {
    const [k1, k2] = parseEncryptionKeys(
      `a:${randomBytes(32).toString('base64')}\nb:${randomBytes(32).toString('base64')}`,
    );
    const c = new SecretCipher([k1!]);
    const sealed = c.encrypt('hello');
    expect(sealed).toMatch(/^enc:v1:a:/);
    expect(c.decrypt(sealed)).toBe('hello');
    expect(c.decrypt('legacy plain')).toBe('legacy plain');
    // One ciphertext bit flipped (not a base64 character: the last one may only carry padding bits).
    const dot = sealed.lastIndexOf('.');
    const ct = Buffer.from(sealed.slice(dot + 1), 'base64url');
    ct[0]! ^= 1;
    expect(() => c.decrypt(sealed.slice(0, dot + 1) + ct.toString('base64url'))).toThrow(/does not open/);
    expect(() => new SecretCipher([k2!]).decrypt(sealed)).toThrow(/"a", which is not configured/);
    expect(new SecretCipher([k2!, k1!]).reseal(sealed)).toMatch(/^enc:v1:b:/);
    expect(() => parseEncryptionKeys('x:short')).toThrow();
  });
});
