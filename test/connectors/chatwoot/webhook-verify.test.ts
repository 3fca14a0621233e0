import { describe, expect, it } from 'vitest';
import { BadSignatureError, type HandoverError } from 'handover-kit';
import { createFakeClock } from 'handover-kit/testing';
import {
  chatwootSettingsSchema,
  createChatwootWebhook,
  type ChatwootSettingsInput,
} from 'handover-kit/connectors/chatwoot';
import { chatwootWebhookHeaders } from '../../fakes/chatwoot';
import { fixture, webhookRequest } from '../../fakes/chatwoot/fixtures';

const SECRET = 'inbox-secret-Yk3nV8qP2w';
const NOW = Date.parse('2026-06-20T10:15:31Z');

function webhook(overrides: Partial<ChatwootSettingsInput> = {}) {
  const settings = chatwootSettingsSchema.parse({
    baseUrl: 'https://cw.acme.test',
    accountId: 1,
    apiAccessToken: 't',
    inboxId: 7,
    webhookSecret: SECRET,
    ...overrides,
  });
  return createChatwootWebhook(settings, createFakeClock(NOW));
}

function rejects(fn: () => unknown): BadSignatureError {
  try {
    fn();
  } catch (error) {
    expect(BadSignatureError.isInstance(error)).toBe(true);
    expect((error as Error).message).not.toContain(SECRET);
    expect(JSON.stringify((error as HandoverError).toJSON())).not.toContain(SECRET);
    return error as BadSignatureError;
  }
  throw new Error('expected a BadSignatureError');
}

describe('chatwoot webhook verification: X-Chatwoot-Signature', () => {
  const body = fixture('message-created-agent');

  it('accepts Chatwoot’s signature over "<timestamp>.<raw body>" (headers exactly as the trigger builds them)', () => {
    const headers = chatwootWebhookHeaders(body, 'dlv-1', SECRET, Math.floor(NOW / 1000));
    expect(headers['x-chatwoot-signature']).toMatch(/^sha256=[0-9a-f]{64}$/);
    webhook().verify({ method: 'POST', url: '/webhooks/cw', headers, rawBody: Buffer.from(body), receivedAt: NOW });
  });

  it('accepts an upper-case hex digest (proxies may rewrite nothing else)', () => {
    const req = webhookRequest(body, { secret: SECRET, receivedAt: NOW });
    (req.headers as Record<string, string>)['x-chatwoot-signature'] = String(
      req.headers['x-chatwoot-signature'],
    ).replace(/[0-9a-f]{64}$/, (h) => h.toUpperCase());
    webhook().verify(req);
  });

  it('rejects a wrong secret, a tampered body, a re-serialised body and a missing header', () => {
    rejects(() => webhook().verify(webhookRequest(body, { secret: 'another-secret-0000', receivedAt: NOW })));
    const tampered = webhookRequest(body, { secret: SECRET, receivedAt: NOW });
    rejects(() => webhook().verify({ ...tampered, rawBody: Buffer.from(body.replace('Jane', 'Joan')) }));
    rejects(() => webhook().verify({ ...tampered, rawBody: Buffer.from(JSON.stringify(JSON.parse(body))) }));
    const unsigned = webhookRequest(body, { receivedAt: NOW, delivery: 'dlv-2' });
    expect(rejects(() => webhook().verify(unsigned)).message).toMatch(/Missing X-Chatwoot-Signature/);
    const noTimestamp = webhookRequest(body, { secret: SECRET, receivedAt: NOW });
    delete (noTimestamp.headers as Record<string, unknown>)['x-chatwoot-timestamp'];
    rejects(() => webhook().verify(noTimestamp));
  });

  it('rejects stale and future timestamps outside the replay window, and malformed ones', () => {
    const nowSec = Math.floor(NOW / 1000);
    webhook().verify(webhookRequest(body, { secret: SECRET, timestamp: nowSec - 299, receivedAt: NOW }));
    expect(
      rejects(() =>
        webhook().verify(webhookRequest(body, { secret: SECRET, timestamp: nowSec - 301, receivedAt: NOW })),
      ).message,
    ).toMatch(/replay window/);
    rejects(() => webhook().verify(webhookRequest(body, { secret: SECRET, timestamp: nowSec + 301, receivedAt: NOW })));
    webhook({ replayWindowSeconds: 900 }).verify(
      webhookRequest(body, { secret: SECRET, timestamp: nowSec - 600, receivedAt: NOW }),
    );
    const malformed = webhookRequest(body, { secret: SECRET, receivedAt: NOW });
    (malformed.headers as Record<string, string>)['x-chatwoot-timestamp'] = '2026-06-20T10:15:31Z';
    rejects(() => webhook().verify(malformed));
  });

  it('a URL token does not replace the signature in signature mode', () => {
    rejects(() => webhook().verify(webhookRequest(body, { url: `/webhooks/cw?token=${SECRET}`, receivedAt: NOW })));
  });
});

describe('chatwoot webhook verification: url-token (unsigned builds, Cognigy Live Agent)', () => {
  const body = fixture('message-created-agent');

  it('accepts the secret token in the URL; rejects a missing or wrong token', () => {
    const hook = webhook({ verification: 'url-token' });
    hook.verify(webhookRequest(body, { url: `/webhooks/cw?token=${SECRET}` }));
    hook.verify(webhookRequest(body, { url: `/webhooks/cw?a=1&token=${encodeURIComponent(SECRET)}` }));
    expect(rejects(() => hook.verify(webhookRequest(body))).message).toMatch(/Missing \?token=/);
    rejects(() => hook.verify(webhookRequest(body, { url: '/webhooks/cw?token=' })));
    rejects(() => hook.verify(webhookRequest(body, { url: `/webhooks/cw?token=${SECRET.slice(0, -1)}x` })));
    rejects(() => hook.verify(webhookRequest(body, { url: `/webhooks/cw?token=${SECRET}extra` })));
  });

  it('is the live-agent flavour’s default; an explicit setting wins', () => {
    const req = webhookRequest(body, { url: `/webhooks/cw?token=${SECRET}` });
    webhook({ flavour: 'live-agent' }).verify(req);
    rejects(() => webhook({ flavour: 'live-agent', verification: 'signature' }).verify(req));
    rejects(() => webhook({ flavour: 'chatwoot' }).verify(req));
  });
});
