import { afterEach, describe, expect, it } from 'vitest';
import { BadSignatureError } from 'handover-kit';
import { createFakeClock, testConnectorRuntime } from 'handover-kit/testing';
import { createEightByEightConnector, parseDetachedJws, signedPayload } from 'handover-kit/connectors/8x8';
import { FAKE_DEFAULTS, generateSigningKey, signedHeaders, type SigningKey } from '../../fakes/8x8';
import { settingsFor, startTestBed, type EightByEightTestBed } from './harness';

let bed: EightByEightTestBed | undefined;
afterEach(async () => {
  await bed?.close();
  bed = undefined;
});

const message = (text: string) =>
  JSON.stringify({
    eventType: 'MESSAGE',
    conversationId: 'conv-sig',
    timestamp: Date.now(),
    data: { isEcho: false, sender: { id: 'agent-ana', type: 'agent' }, text },
  });

function request(body: string, headers: Record<string, string>) {
  return { method: 'POST', url: '/webhooks/8x8-test', headers, rawBody: Buffer.from(body), receivedAt: Date.now() };
}

function signed(
  body: string,
  key: SigningKey,
  overrides: Partial<{ eventId: string; retry: number; transmissionTime: number }> = {},
) {
  return request(
    body,
    signedHeaders(body, key, FAKE_DEFAULTS, { eventId: 'evt-1', retry: 0, transmissionTime: Date.now(), ...overrides }),
  );
}

async function rejects(fn: () => unknown, pattern?: RegExp) {
  const error = await Promise.resolve()
    .then(fn)
    .then(
      () => undefined,
      (e: unknown) => e,
    );
  expect(BadSignatureError.isInstance(error), String(error)).toBe(true);
  if (pattern) expect((error as Error).message).toMatch(pattern);
}

describe('8x8 webhook signatures over HTTP (the fake signs, the receiver answers like the gateway)', () => {
  it("accepts a webhook signed with 8x8's key and delivers its event", async () => {
    bed = await startTestBed();
    await bed.fake.deliverRaw(message('signed and sound'));
    expect(bed.fake.deliveries.at(-1)!.status).toBe(200);
    expect(bed.events).toMatchObject([{ type: 'agent-message', text: 'signed and sound' }]);
  });

  it('one byte changed after signing → 401 on every retry, nothing delivered', async () => {
    bed = await startTestBed();
    const body = message('pay 100');
    await bed.fake.deliverRaw(body, { tamper: (_h, b) => b.replace('pay 100', 'pay 900') });
    expect(bed.fake.deliveries.map((d) => d.status)).toEqual([401, 401, 401, 401]);
    expect(bed.events).toEqual([]);
    expect(bed.receiver.rejected.every((r) => r.code === 'bad_signature')).toBe(true);
  });

  it('a signed header changed (retry, tenant) → 401, nothing delivered', async () => {
    bed = await startTestBed();
    await bed.fake.deliverRaw(message('x'), { tamper: (h, b) => ((h['x-8x8-tenant-id'] = 'othertenant'), b) });
    await bed.fake.deliverRaw(message('y'), { tamper: (h, b) => ((h['x-8x8-retry'] = '7'), b) });
    expect(bed.fake.deliveries.every((d) => d.status === 401)).toBe(true);
    expect(bed.events).toEqual([]);
  });

  it("signed by another key under 8x8's key id → 401, nothing delivered", async () => {
    bed = await startTestBed();
    const impostor = { ...generateSigningKey(bed.fake.signingKey.kid) };
    await bed.fake.deliverRaw(message('forged'), { key: impostor });
    expect(bed.fake.deliveries.map((d) => d.status)).toEqual([401, 401, 401, 401]);
    expect(bed.events).toEqual([]);
  });

  it('signed by a key 8x8 does not publish → 401, and the unknown key id is fetched once', async () => {
    bed = await startTestBed();
    await bed.fake.deliverRaw(message('forged'), { key: generateSigningKey('not-an-8x8-key') });
    expect(bed.fake.deliveries.map((d) => d.status)).toEqual([401, 401, 401, 401]);
    expect(bed.events).toEqual([]);
    const fetches = bed.fake.requests.filter((r) => r.path === '/chat-gateway/v1/jwk/not-an-8x8-key/public');
    expect(fetches).toHaveLength(1);
  });

  it('caches keys, and fetches a rotated key once when its id first appears', async () => {
    bed = await startTestBed();
    await bed.fake.deliverRaw(message('one'));
    await bed.fake.deliverRaw(message('two'));
    expect(bed.connector.stats().keyFetches).toBe(1);
    bed.fake.rotateKey();
    await bed.fake.deliverRaw(message('three'));
    await bed.fake.deliverRaw(message('four'));
    expect(bed.connector.stats().keyFetches).toBe(2);
    expect(bed.events.map((e) => (e as { text?: string }).text)).toEqual(['one', 'two', 'three', 'four']);
  });

  it('refuses a webhook for another 8x8 customer even when 8x8 signed it', async () => {
    bed = await startTestBed({ settings: { customerId: 'someone-else' } });
    await bed.fake.deliverRaw(message('not yours'));
    expect(bed.fake.deliveries.every((d) => d.status === 401)).toBe(true);
    expect(bed.events).toEqual([]);
  });
});

describe('8x8 webhook signatures (direct)', () => {
  it('signs the documented payload: keys in order, numbers unquoted, CRC-32 in decimal', () => {
    const payload = signedPayload('123456789', {
      customerId: 'c1',
      tenantId: 't1',
      eventId: 'e1',
      retry: 2,
      transmissionTime: 1700000000000,
    });
    expect(payload).toBe('{"checksum":3421780262,"cid":"c1","eid":"e1","retry":2,"tid":"t1","tt":1700000000000}');
  });

  it('refuses stale transmission times, missing headers and malformed signatures', async () => {
    bed = await startTestBed();
    const webhook = bed.connector.webhook!;
    const key = bed.fake.signingKey;
    await webhook.verify(signed(message('ok'), key)); // the baseline passes
    await rejects(
      () => webhook.verify(signed(message('old'), key, { transmissionTime: Date.now() - 10 * 60_000 })),
      /replay window/,
    );
    const good = signed(message('x'), key);
    for (const name of Object.keys(good.headers).filter((h) => h.startsWith('x-8x8-'))) {
      const headers = { ...good.headers } as Record<string, string>;
      delete headers[name];
      await rejects(() => webhook.verify({ ...good, headers }));
    }
    const sig = good.headers['x-8x8-signature'];
    const [jose, , s] = sig.split('.');
    const header = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
    for (const bad of [
      `${jose}.${s}`,
      `${jose}.payload.${s}`,
      `${header({ alg: 'HS256', kid: key.kid, b64: false, crit: ['b64'] })}..${s}`,
      `${header({ alg: 'RS256', kid: key.kid })}..${s}`,
      `${header({ alg: 'RS256', kid: '../../etc', b64: false, crit: ['b64'] })}..${s}`,
      'garbage',
    ]) {
      await rejects(() => webhook.verify({ ...good, headers: { ...good.headers, 'x-8x8-signature': bad } }));
    }
    expect(() => parseDetachedJws(`${jose}..${s}`)).not.toThrow();
  });

  it('bounds key fetches for made-up key ids', async () => {
    bed = await startTestBed();
    const clock = createFakeClock(Date.now());
    const connector = createEightByEightConnector(settingsFor(bed.fake), testConnectorRuntime({ clock }));
    const body = message('flood');
    const forgedKey = generateSigningKey();
    for (let i = 0; i < 25; i++) {
      const forged = { ...forgedKey, kid: `made-up-${i}` };
      await rejects(() =>
        connector.webhook!.verify(
          request(
            body,
            signedHeaders(body, forged, FAKE_DEFAULTS, { eventId: `e${i}`, retry: 0, transmissionTime: clock.now() }),
          ),
        ),
      );
    }
    expect(connector.stats().keyFetches).toBe(10);
    await clock.advance(60_000); // a new minute: fetching resumes
    await rejects(() =>
      connector.webhook!.verify(
        request(
          body,
          signedHeaders(body, { ...forgedKey, kid: 'made-up-late' }, FAKE_DEFAULTS, {
            eventId: 'late',
            retry: 0,
            transmissionTime: clock.now(),
          }),
        ),
      ),
    );
    expect(connector.stats().keyFetches).toBe(11);
    await connector.dispose();
  });
});
