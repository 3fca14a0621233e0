import { afterEach, describe, expect, it } from 'vitest';
import {
  HandoverConfigError,
  HandoverError,
  HandoverTimeoutError,
  ProviderRegistry,
  RateLimitError,
  VendorApiError,
  VendorAuthError,
  VendorNotFoundError,
  type StartHandoverRequest,
} from 'handover-kit';
import { chatwootConnector, settingsFromConnection } from 'handover-kit/connectors/chatwoot';
import { WEBHOOK_SECRET, connectorFor, startChatwootTestbed, type ChatwootTestbed } from '../../fakes/chatwoot/harness';

let bed: ChatwootTestbed | undefined;
afterEach(async () => {
  await bed?.close();
  bed = undefined;
});

const start = (key: string): StartHandoverRequest => ({
  idempotencyKey: key,
  user: { id: `user-${key}` },
  routing: {},
  transcript: [],
  customAttributes: {},
});

async function caught(promise: Promise<unknown>): Promise<HandoverError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(HandoverError.isInstance(error)).toBe(true);
  return error as HandoverError;
}

describe('chatwoot retries: idempotent calls only', () => {
  it('a GET is retried after a 5xx; creating a conversation or a message is not', async () => {
    bed = await startChatwootTestbed();
    const { fake, connector } = bed;
    const { conversationId } = await connector.doStartHandover(start('r'));
    fake.failNext('getConversation', { status: 503 });
    expect((await connector.doGetStatus({ conversationId })).status).toBe('queue');
    expect(fake.requestsOf('getConversation').map((r) => r.status)).toEqual([503, 200]);

    fake.failNext('createMessage', { status: 503 });
    const e = await caught(connector.doSendMessage({ conversationId, messageId: 'x', user: { id: 'u' }, text: 'hi' }));
    expect(e).toMatchObject({ status: 503, isRetryable: true });
    expect(fake.requestsOf('createMessage').map((r) => r.status)).toEqual([503]);

    fake.failNext('createConversation', { status: 500 });
    await caught(connector.doStartHandover(start('r2')));
    expect(fake.requestsOf('createConversation').map((r) => r.status)).toEqual([200, 500]);
  });

  it('setting a status is idempotent and retried (closing survives one 502)', async () => {
    bed = await startChatwootTestbed();
    const { conversationId } = await bed.connector.doStartHandover(start('c'));
    bed.fake.failNext('toggleStatus', { status: 502 });
    expect(await bed.connector.doCloseHandover({ conversationId, reason: 'bot-closed' })).toEqual({
      alreadyClosed: false,
    });
    expect(bed.fake.requestsOf('toggleStatus').map((r) => r.status)).toEqual([502, 200]);
  });

  it('honours Retry-After on a 429 of an idempotent call', async () => {
    bed = await startChatwootTestbed();
    const { conversationId } = await bed.connector.doStartHandover(start('ra'));
    bed.fake.failNext('getConversation', { status: 429, retryAfterMs: 1000 });
    const t0 = performance.now();
    await bed.connector.doGetStatus({ conversationId });
    expect(performance.now() - t0).toBeGreaterThanOrEqual(950);
    expect(bed.fake.requestsOf('getConversation').map((r) => r.status)).toEqual([429, 200]);
  });

  it('Chatwoot’s own 429 (plain "Retry later", no Retry-After) is a RateLimitError without a delay hint', async () => {
    bed = await startChatwootTestbed();
    bed.fake.failNext('createConversation', { status: 429 });
    const e = await caught(bed.connector.doStartHandover(start('rl')));
    expect(RateLimitError.isInstance(e)).toBe(true);
    expect((e as RateLimitError).retryAfterMs).toBeUndefined();
    expect(e.message).toContain('Retry later');
  });
});

describe('chatwoot error mapping', () => {
  it('maps Chatwoot’s error bodies with status and the X-Request-Id', async () => {
    bed = await startChatwootTestbed();
    const { fake, connector } = bed;
    const { conversationId } = await connector.doStartHandover(start('m'));

    fake.failNext('getConversation', { status: 404 });
    const notFound = await caught(connector.doGetStatus({ conversationId }));
    expect(VendorNotFoundError.isInstance(notFound)).toBe(true);
    expect(notFound.message).toContain('Resource could not be found');
    expect(notFound.details).toMatchObject({
      vendor: 'chatwoot',
      status: 404,
      operation: 'get conversation',
      vendorRequestId: fake.requestsOf('getConversation').at(-1)!.requestId,
    });

    // A real 404: a conversation that does not exist.
    expect(VendorNotFoundError.isInstance(await caught(connector.doGetStatus({ conversationId: '99999' })))).toBe(true);

    // A validation error ({message, attributes}) keeps the attributes at fault as the vendor code.
    const other = connectorFor(fake);
    await other.doStartHandover({ ...start('m2'), user: { id: 'dup', email: 'dup@example.test' } });
    const invalid = await caught(other.api.createContact({ identifier: 'dup', email: 'DUP@example.test' }));
    expect(invalid).toMatchObject({ status: 422, isRetryable: false, details: { vendorCode: 'identifier,email' } });
    expect(invalid.message).toContain('Identifier has already been taken, Email has already been taken');
    await other.dispose();
  });

  it('a wrong token is VendorAuthError (not retried) and no error carries a secret', async () => {
    bed = await startChatwootTestbed();
    const wrong = connectorFor(bed.fake, { apiAccessToken: 'not-the-token-SECRET123' });
    const errors: HandoverError[] = [];
    errors.push(await caught(wrong.doStartHandover(start('w'))));
    errors.push(await caught(wrong.doCheckAvailability({ routing: {} })));
    errors.push(await caught(wrong.doGetStatus({ conversationId: '101' })));
    await wrong.dispose();
    for (const e of errors) {
      expect(VendorAuthError.isInstance(e)).toBe(true);
      expect(e.isRetryable).toBe(false);
      expect(e.message).toContain('Invalid Access Token');
      const dump = `${e.message} ${JSON.stringify(e.toJSON())} ${String(e.stack)}`;
      for (const secret of ['not-the-token-SECRET123', bed.fake.token, WEBHOOK_SECRET])
        expect(dump).not.toContain(secret);
    }
    expect(bed.fake.requestsOf('inboxMembers')).toHaveLength(1);
  });

  it('a slow Chatwoot hits the per-call timeout', async () => {
    bed = await startChatwootTestbed({ settings: { timeoutMs: 1000 } });
    const { conversationId } = await bed.connector.doStartHandover(start('slow'));
    bed.fake.failNext('createMessage', { delayMs: 1500 });
    const e = await caught(
      bed.connector.doSendMessage({ conversationId, messageId: 's', user: { id: 'u' }, text: 'slow' }),
    );
    expect(HandoverTimeoutError.isInstance(e)).toBe(true);
  });

  it('an unexpected response body is a VendorApiError, not a crash', async () => {
    bed = await startChatwootTestbed();
    (bed.fake.behaviour as unknown as { getConversation: () => unknown }).getConversation = () => ({
      unexpected: true,
    });
    const e = await caught(bed.connector.doGetStatus({ conversationId: '1' }));
    expect(VendorApiError.isInstance(e)).toBe(true);
    expect(e.message).toMatch(/unexpected body/);
  });
});

describe('chatwoot settings validation', () => {
  const valid = {
    baseUrl: 'https://app.chatwoot.com',
    accountId: 1,
    apiAccessToken: 'tok-Zq9Secret',
    inboxId: 7,
    webhookSecret: WEBHOOK_SECRET,
  };

  it('names the field at fault (gateway provider API)', async () => {
    const registry = new ProviderRegistry({ connectors: [chatwootConnector()] });
    const cases: Array<[Record<string, unknown>, string, RegExp]> = [
      [{ ...valid, baseUrl: 'ftp://x' }, 'settings.baseUrl', /http\(s\) URL/],
      [{ ...valid, accountId: undefined }, 'settings.accountId', /required/],
      [{ ...valid, inboxId: 'seven' }, 'settings.inboxId', /number/],
      [{ ...valid, webhookSecret: 'short' }, 'settings.webhookSecret', /16 characters/],
      [{ ...valid, verification: 'none' }, 'settings.verification', /./],
      [{ ...valid, replayWindowSeconds: 5 }, 'settings.replayWindowSeconds', /At least 30/],
      [{ ...valid, inboxID: 7 }, 'settings', /inboxID/],
    ];
    for (const [settings, field, message] of cases) {
      const e = await registry.create({ name: 'cw', type: 'chatwoot', settings }).catch((x: unknown) => x);
      expect(HandoverConfigError.isInstance(e)).toBe(true);
      expect((e as HandoverConfigError).field).toBe(field);
      expect((e as HandoverConfigError).message).toMatch(message);
      expect((e as HandoverConfigError).message).not.toContain('tok-Zq9Secret');
    }
    const created = await registry.create({
      name: 'cw',
      type: 'chatwoot',
      settings: { ...valid, baseUrl: 'https://app.chatwoot.com/api/v1/' },
    });
    expect(created.settings).toMatchObject({
      baseUrl: 'https://app.chatwoot.com',
      apiAccessToken: '********',
      webhookSecret: '********',
    });
    await registry.close();
  });

  it('takes a Cognigy Connection’s string values, and names connection fields', () => {
    const settings = settingsFromConnection({
      baseUrl: 'https://liveagent-app.cognigy.ai/api/v1',
      accountId: '12',
      apiAccessToken: 'tok',
      inboxId: '3',
      teamId: '',
      webhookSecret: WEBHOOK_SECRET,
      flavour: 'live-agent',
      labels: 'a, b',
      transcriptNote: 'false',
    });
    expect(settings).toMatchObject({
      baseUrl: 'https://liveagent-app.cognigy.ai',
      accountId: 12,
      inboxId: 3,
      teamId: undefined,
      flavour: 'live-agent',
      labels: ['a', 'b'],
      transcriptNote: false,
    });
    const e = (() => {
      try {
        settingsFromConnection({ ...settings, accountId: 'x', apiAccessToken: '' } as never);
      } catch (error) {
        return error as HandoverConfigError;
      }
    })();
    expect(e?.issues.map((i) => i.path)).toEqual(['connection.accountId', 'connection.apiAccessToken']);
  });
});
