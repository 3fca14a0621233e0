import { afterEach, describe, expect, it } from 'vitest';
import { createFakeClock } from 'handover-kit/testing';
import { VendorAuthError } from 'handover-kit';
import { JwtSigner, basicAuthorization, scopeForKey } from 'handover-kit/connectors/zendesk';
import { setup, startRequest, type Setup } from './helpers';

let s: Setup | undefined;
afterEach(async () => {
  await s?.close();
  s = undefined;
});

const decode = (part: string) => JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as Record<string, unknown>;
const bearer = (x: Setup) => x.fake.requests.map((r) => String(r.headers.authorization));

describe('zendesk auth', () => {
  it('Basic: key id and secret on every call', async () => {
    s = await setup({ webhook: false });
    await s.connector.doStartHandover(startRequest('b'));
    expect(new Set(bearer(s))).toEqual(new Set([basicAuthorization(s.fake.keyId, s.fake.keySecret)]));
    expect(basicAuthorization('app_1', 's3cr3t')).toBe(`Basic ${Buffer.from('app_1:s3cr3t').toString('base64')}`);
    expect(s.connector.tokensSigned).toBe(0);
  });

  it('JWT: HS256 with kid and the app scope, signed once and reused across calls', async () => {
    s = await setup({ webhook: false, settings: { authMode: 'jwt' } });
    const { conversationId } = await s.connector.doStartHandover(startRequest('j'));
    for (let i = 0; i < 20; i++)
      await s.connector.doSendMessage({ conversationId, messageId: `m${i}`, user: { id: 'u' }, text: `t${i}` });
    const headers = bearer(s);
    expect(headers.length).toBe(25);
    expect(new Set(headers).size).toBe(1);
    expect(s.fake.jwtsSeen.size).toBe(1);
    expect(s.connector.tokensSigned).toBe(1);
    const [head, payload] = headers[0]!.replace('Bearer ', '').split('.');
    expect(decode(head!)).toEqual({ alg: 'HS256', typ: 'JWT', kid: s.fake.keyId });
    const claims = decode(payload!);
    expect(claims.scope).toBe('app');
    expect((claims.exp as number) - (claims.iat as number)).toBe(3600);
  });

  it('JWT: signs a new token shortly before expiry, not before', async () => {
    const clock = createFakeClock(Date.now());
    s = await setup({ webhook: false, settings: { authMode: 'jwt' }, clock });
    const { conversationId } = await s.connector.doStartHandover(startRequest('exp'));
    await clock.advance(54 * 60_000);
    await s.connector.doGetStatus({ conversationId });
    expect(s.connector.tokensSigned).toBe(1);
    await clock.advance(2 * 60_000); // 56 min: inside the 5-minute refresh margin
    await s.connector.doGetStatus({ conversationId });
    expect(s.connector.tokensSigned).toBe(2);
    expect(s.fake.jwtsSeen.size).toBe(2);
  });

  it('JWT: a 401 drops the token and repeats the call once with a fresh one', async () => {
    const clock = createFakeClock(Date.now());
    s = await setup({ webhook: false, settings: { authMode: 'jwt' }, clock });
    const { conversationId } = await s.connector.doStartHandover(startRequest('401'));
    await clock.advance(1000); // a fresh token differs by its iat
    s.fake.failNext('postMessage', { status: 401 });
    const sent = await s.connector.doSendMessage({
      conversationId,
      messageId: 'x',
      user: { id: 'u' },
      text: 'after 401',
    });
    expect(sent.duplicate).toBe(false);
    expect(s.fake.requestsFor('postMessage').map((r) => r.status)).toEqual([201, 201, 401, 201]);
    expect(s.connector.tokensSigned).toBe(2);
    s.fake.failNext('postMessage', { status: 401 }, 2);
    await expect(
      s.connector.doSendMessage({ conversationId, messageId: 'y', user: { id: 'u' }, text: 'refused' }),
    ).rejects.toSatisfy((e) => VendorAuthError.isInstance(e));
  });

  it('Basic: a 401 is not repeated', async () => {
    s = await setup({ webhook: false });
    s.fake.failNext('createUser', { status: 401 });
    await expect(s.connector.doStartHandover(startRequest('no'))).rejects.toSatisfy((e) =>
      VendorAuthError.isInstance(e),
    );
    expect(s.fake.requests).toHaveLength(1);
  });

  it('the scope claim follows the key type', () => {
    expect(scopeForKey('app_123')).toBe('app');
    expect(scopeForKey('int_123')).toBe('integration');
    expect(scopeForKey('act_123')).toBe('account');
    expect(scopeForKey('svc_123')).toBe('account');
    const signer = new JwtSigner({
      keyId: 'int_9',
      secret: 'x',
      clock: { now: () => 0, setTimeout: () => 0, clearTimeout: () => {} },
    });
    expect(decode(signer.token().split('.')[1]!).scope).toBe('integration');
  });
});
