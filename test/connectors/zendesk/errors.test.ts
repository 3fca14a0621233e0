import { testConnectorRuntime } from 'handover-kit/testing';
import { afterEach, describe, expect, it } from 'vitest';
import {
  HandoverError,
  HandoverTimeoutError,
  RateLimitError,
  VendorApiError,
  VendorAuthError,
  VendorNotFoundError,
  silentLogger,
  systemClock,
} from 'handover-kit';
import { createZendeskConnector } from 'handover-kit/connectors/zendesk';
import { setup, secretsOf, startRequest, type Setup } from './helpers';

let s: Setup | undefined;
afterEach(async () => {
  await s?.close();
  s = undefined;
});

async function failure(call: Promise<unknown>): Promise<HandoverError> {
  const error = await call.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(HandoverError.isInstance(error), `expected a typed error, got ${String(error)}`).toBe(true);
  return error as HandoverError;
}

describe('zendesk retries', () => {
  it('retries idempotent reads on 5xx', async () => {
    s = await setup({ webhook: false });
    const { conversationId } = await s.connector.doStartHandover(startRequest('r'));
    s.fake.failNext('getConversation', { status: 503 });
    expect(await s.connector.doGetStatus({ conversationId })).toEqual({ status: 'queue' });
    expect(s.fake.requestsFor('getConversation').map((r) => r.status)).toEqual([503, 200]);
  });

  it('never repeats a message post (not idempotent)', async () => {
    s = await setup({ webhook: false });
    const { conversationId } = await s.connector.doStartHandover(startRequest('p', { transcript: [] }));
    s.fake.failNext('postMessage', { status: 503 });
    const error = await failure(
      s.connector.doSendMessage({ conversationId, messageId: 'm', user: { id: 'u' }, text: 'once' }),
    );
    expect(VendorApiError.isInstance(error) && error.status).toBe(503);
    expect(error.isRetryable).toBe(true);
    expect(s.fake.requestsFor('postMessage')).toHaveLength(1);
    // Not remembered as sent: the service may try again.
    expect(
      (await s.connector.doSendMessage({ conversationId, messageId: 'm', user: { id: 'u' }, text: 'once' })).duplicate,
    ).toBe(false);
  });

  it('repeats passControl only with an integration key (the only case Zendesk calls idempotent)', async () => {
    s = await setup({ webhook: false });
    s.fake.failNext('passControl', { status: 502 });
    await failure(s.connector.doStartHandover(startRequest('app-key')));
    expect(s.fake.requestsFor('passControl')).toHaveLength(1);
    await s.close();

    s = await setup({ webhook: false, fake: { keyId: 'int_5f11a650e4e987667c2051d1' } });
    s.fake.failNext('passControl', { status: 502 });
    const result = await s.connector.doStartHandover(startRequest('int-key'));
    expect(s.fake.requestsFor('passControl').map((r) => r.status)).toEqual([502, 200]);
    expect(s.fake.conversation(result.conversationId).tickets).toHaveLength(1);
  });

  it('honours Retry-After on a 429 before repeating a read', async () => {
    s = await setup({ webhook: false });
    const { conversationId } = await s.connector.doStartHandover(startRequest('429'));
    s.fake.failNext('getConversation', { status: 429, retryAfterSeconds: 1 });
    const t0 = Date.now();
    await s.connector.doGetStatus({ conversationId });
    expect(Date.now() - t0).toBeGreaterThanOrEqual(950);
    expect(s.fake.requestsFor('getConversation').map((r) => r.status)).toEqual([429, 200]);
  });

  it('gives up at once, with the wait in the error, when Retry-After is longer than the retry budget', async () => {
    s = await setup({ webhook: false });
    const { conversationId } = await s.connector.doStartHandover(startRequest('429-long'));
    s.fake.failNext('getConversation', { status: 429, retryAfterSeconds: 120 });
    const error = await failure(s.connector.doGetStatus({ conversationId }));
    expect(RateLimitError.isInstance(error) && error.retryAfterMs).toBe(120_000);
    expect(s.fake.requestsFor('getConversation')).toHaveLength(1);
  });
});

describe('zendesk error mapping', () => {
  it('maps SunCo error bodies: status, code, title and the Zendesk request id', async () => {
    s = await setup({ webhook: false });
    const error = await failure(s.connector.doGetStatus({ conversationId: 'c93bb9c14dde8ffb94564eae' }));
    expect(VendorNotFoundError.isInstance(error)).toBe(true);
    const failed = s.fake.requestsFor('getConversation')[0]!;
    expect(error.details).toMatchObject({
      vendor: 'zendesk',
      status: 404,
      vendorCode: 'conversation_not_found',
      operation: 'get status',
      vendorRequestId: failed.requestId,
    });
    expect(error.message).toContain('Conversation not found');
  });

  it("a base URL without the /sc prefix reaches no SunCo route: 404 not_found in SunCo's error shape", async () => {
    s = await setup({ webhook: false });
    const wrong = createZendeskConnector(
      { ...s.settings, baseUrl: s.fake.url },
      testConnectorRuntime({ clock: systemClock, logger: silentLogger, providerId: 'zd' }),
    );
    try {
      const error = await failure(wrong.doStartHandover(startRequest('no-prefix')));
      expect(VendorNotFoundError.isInstance(error)).toBe(true);
      expect(error.details.vendorCode).toBe('not_found');
      expect(s.fake.requests[0]!.path).toBe(`/v2/apps/${s.fake.appId}/users`);
    } finally {
      await wrong.dispose?.();
    }
  });

  it('maps a 400 with the validation titles (bad input is not retryable)', async () => {
    s = await setup({ webhook: false });
    const { conversationId } = await s.connector.doStartHandover(startRequest('400', { transcript: [] }));
    const error = await failure(
      s.connector.doSendMessage({
        conversationId,
        messageId: 'bad',
        user: { id: 'u' },
        text: '',
        attachments: [{ url: 'not a url', type: 'file' }],
      }),
    );
    expect(VendorApiError.isInstance(error) && error.status).toBe(400);
    expect(error.details.vendorCode).toBe('bad_request');
    expect(error.message).toMatch(/content\.mediaUrl/);
    expect(error.isRetryable).toBe(false);
  });

  it('maps the Support API error body', async () => {
    s = await setup({ webhook: false, settings: { supportApiToken: 'a-wrong-token-000' } });
    const error = await failure(s.connector.doCheckAvailability({ routing: {} }));
    expect(VendorAuthError.isInstance(error)).toBe(true);
    expect(error.message).toContain("Couldn't authenticate you");
  });

  it('a slow answer becomes HandoverTimeoutError (per-call deadline)', async () => {
    s = await setup({ webhook: false, settings: { requestTimeoutMs: 500 } });
    const { conversationId } = await s.connector.doStartHandover(startRequest('slow', { transcript: [] }));
    s.fake.failNext('postMessage', { delayMs: 900 });
    const error = await failure(
      s.connector.doSendMessage({ conversationId, messageId: 'slow', user: { id: 'u' }, text: 'hi' }),
    );
    expect(HandoverTimeoutError.isInstance(error)).toBe(true);
  });

  it('puts no secret in any error, whatever failed', async () => {
    s = await setup({ webhook: false, settings: { requestTimeoutMs: 500 } });
    const { conversationId } = await s.connector.doStartHandover(startRequest('secrets', { transcript: [] }));
    const errors: HandoverError[] = [];
    for (const status of [400, 401, 403, 404, 409, 423, 429, 500, 503]) {
      s.fake.failNext('postMessage', { status, retryAfterSeconds: 1 });
      errors.push(
        await failure(
          s.connector.doSendMessage({ conversationId, messageId: `s${status}`, user: { id: 'u' }, text: 'x' }),
        ),
      );
    }
    s.fake.failNext('postMessage', { delayMs: 900 });
    errors.push(
      await failure(s.connector.doSendMessage({ conversationId, messageId: 'timeout', user: { id: 'u' }, text: 'x' })),
    );
    errors.push(
      await failure(
        s.connector.doStartHandover(
          startRequest('bad-opts', {
            connectorOptions: { zendesk: { conversationId: s.settings.keySecret, nope: 1 } },
          }),
        ),
      ),
    );
    const text = errors.map((e) => `${e.message}\n${JSON.stringify(e.toJSON())}\n${e.stack}`).join('\n');
    for (const secret of secretsOf(s)) expect(text).not.toContain(secret);
  });
});
