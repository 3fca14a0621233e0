import { afterEach, describe, expect, it } from 'vitest';
import { HandoverConfigError, type HandoverError, VendorAuthError } from 'handover-kit';
import { CLIENT_SECRET_ENV } from 'handover-kit/connectors/genesys';
import { FAKE_DEFAULTS } from '../../fakes/genesys';
import { startTestBed, type GenesysTestBed } from './harness';

let bed: GenesysTestBed;
afterEach(async () => {
  await bed?.close();
});

const user = { id: 'user-auth' };
const start = (key = 'auth-1') =>
  bed.connector.doStartHandover({ idempotencyKey: key, user, routing: {}, transcript: [], customAttributes: {} });
const send = (conversationId: string, n: number) =>
  bed.connector.doSendMessage({ conversationId, messageId: `m-${n}`, user, text: `message ${n}` });

describe('genesys OAuth client credentials', () => {
  it('asks login/oauth/token with Basic clientId:secret and the client_credentials form', async () => {
    bed = await startTestBed();
    await start();
    const [token] = bed.fake.requestsOf('token');
    expect(token).toMatchObject({ method: 'POST', path: '/oauth/token', rawBody: 'grant_type=client_credentials' });
    expect(token!.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(token!.headers.authorization).toBe(
      `Basic ${Buffer.from(`${FAKE_DEFAULTS.clientId}:${FAKE_DEFAULTS.clientSecret}`).toString('base64')}`,
    );
  });

  it('concurrent callers share one token request, and later calls reuse the token', async () => {
    bed = await startTestBed();
    const results = await Promise.all(Array.from({ length: 10 }, (_, i) => start(`k-${i}`)));
    await Promise.all(results.map((r, i) => send(r.conversationId, i)));
    expect(bed.fake.tokensIssued).toBe(1);
    expect(bed.connector.stats().tokenRequests).toBe(1);
  });

  it('refreshes shortly before expires_in runs out (margin: a tenth of the lifetime, at most 60 s)', async () => {
    bed = await startTestBed({ fake: { tokenLifetimeSec: 100 } });
    const { conversationId } = await start();
    await bed.clock.advance(89_000);
    await send(conversationId, 1);
    expect(bed.fake.tokensIssued).toBe(1);
    await bed.clock.advance(1_500);
    await send(conversationId, 2);
    expect(bed.fake.tokensIssued).toBe(2);
  });

  it('a 401 drops the token, fetches a new one and repeats the call once (even a POST)', async () => {
    bed = await startTestBed();
    const { conversationId } = await start();
    bed.fake.revokeTokens();
    await send(conversationId, 1);
    expect(bed.fake.tokensIssued).toBe(2);
    const inbound = bed.fake.requestsOf('inbound').slice(1);
    expect(inbound.map((r) => r.status)).toEqual([401, 200]);
    expect(bed.fake.userTexts(conversationId).slice(1)).toEqual(['message 1']);
  });

  it('a lasting 401 surfaces as VendorAuthError after exactly one repeat', async () => {
    bed = await startTestBed();
    const { conversationId } = await start();
    bed.fake.failNext('inbound', { status: 401 }, 5);
    const error = await send(conversationId, 1).catch((e: unknown) => e);
    expect(VendorAuthError.isInstance(error)).toBe(true);
    expect((error as VendorAuthError).isRetryable).toBe(false);
    expect(bed.fake.requestsOf('inbound')).toHaveLength(3);
  });

  it('a refused client secret is a VendorAuthError naming the likely cause, and no secret or token appears in it', async () => {
    bed = await startTestBed({ settings: { clientSecret: 'wrong-secret-value-xyz' } });
    const error = await start().catch((e: unknown) => e);
    expect(VendorAuthError.isInstance(error)).toBe(true);
    const e = error as VendorAuthError;
    expect(e.status).toBe(401);
    expect(e.message).toMatch(/authentication failed.*client id, the client secret and the region/);
    expect(e.vendorRequestId).toMatch(/^[0-9a-f-]{36}$/);
    const dump = JSON.stringify({ message: e.message, json: e.toJSON(), stack: e.stack });
    expect(dump).not.toContain('wrong-secret-value-xyz');
    expect(dump).not.toContain(Buffer.from(`${FAKE_DEFAULTS.clientId}:wrong-secret-value-xyz`).toString('base64'));
  });

  it('a 400 from the token endpoint (invalid_client) is a VendorAuthError too', async () => {
    bed = await startTestBed();
    bed.fake.failNext('token', { status: 400 });
    const error = await start().catch((e: unknown) => e);
    expect(VendorAuthError.isInstance(error)).toBe(true);
    expect((error as VendorAuthError).status).toBe(400);
    expect((error as VendorAuthError).details.vendorCode).toBe('invalid_client');
  });

  it('no token or secret leaks into API errors', async () => {
    bed = await startTestBed();
    const { conversationId } = await start();
    bed.fake.failNext('conversation', { status: 404 });
    const error = (await bed.connector.doGetStatus({ conversationId }).catch((e: unknown) => e)) as HandoverError;
    const token = String(bed.fake.requestsOf('conversation').at(-1)!.headers.authorization).slice(7);
    const dump = JSON.stringify({ message: error.message, json: error.toJSON() });
    expect(dump).not.toContain(token);
    expect(dump).not.toContain(FAKE_DEFAULTS.clientSecret);
  });

  it('the secret may come from HANDOVER_GENESYS_CLIENT_SECRET; missing everywhere, the error names the field', async () => {
    bed = await startTestBed({ settings: { clientSecret: undefined } });
    const missing = await start('no-secret').catch((e: unknown) => e);
    expect(HandoverConfigError.isInstance(missing)).toBe(true);
    expect((missing as HandoverConfigError).field).toBe('settings.clientSecret');
    expect(bed.fake.requests).toHaveLength(0);
    process.env[CLIENT_SECRET_ENV] = FAKE_DEFAULTS.clientSecret;
    try {
      await expect(start('env-secret')).resolves.toMatchObject({ status: 'queue' });
    } finally {
      delete process.env[CLIENT_SECRET_ENV];
    }
  });
});
