import { readFileSync } from 'node:fs';
import { createHmac } from 'node:crypto';
import { describe, expect, it, afterEach } from 'vitest';
import { BadRequestError, BadSignatureError, HandoverError, silentLogger, type WebhookRequest } from 'handover-kit';
import { handoverEventSchema } from 'handover-kit/contract';
import { WEBHOOK_SECRET_ENV, createGenesysWebhook, signGenesysWebhook } from 'handover-kit/connectors/genesys';
import { WEBHOOK_SECRET, startTestBed, waitUntil, type GenesysTestBed } from './harness';

const fixture = (name: string) =>
  readFileSync(new URL(`../../fakes/genesys/fixtures/${name}.json`, import.meta.url), 'utf8');
const CONVERSATION = 'd06cb41e-f938-4dcf-b823-c8af1a39d7e5';

function request(
  body: string,
  headers: Record<string, string> = { 'x-hub-signature-256': signGenesysWebhook(WEBHOOK_SECRET, body) },
): WebhookRequest {
  return {
    method: 'POST',
    url: '/webhooks/genesys',
    headers,
    rawBody: Buffer.from(body),
    receivedAt: 1_700_000_000_000,
  };
}

function webhook(
  options: { secret?: string; users?: Record<string, string>; agent?: { id: string; name: string } } = {},
) {
  return createGenesysWebhook({
    secret: () => ('secret' in options ? options.secret : WEBHOOK_SECRET),
    conversationOfUser: (userId) => options.users?.[userId],
    currentAgent: () => options.agent,
    logger: silentLogger,
  });
}

async function rejects(fn: () => unknown, check: (e: HandoverError) => boolean) {
  let caught: unknown;
  try {
    await fn();
  } catch (error) {
    caught = error;
  }
  expect(HandoverError.isInstance(caught), `expected a typed error, got ${String(caught)}`).toBe(true);
  expect(check(caught as HandoverError)).toBe(true);
}

describe('genesys webhook: documented examples parse into events', () => {
  it('agent text → agent-message named after the conversation, id from the message id, time from channel.time', async () => {
    const events = await webhook({ agent: { id: 'u-1', name: 'Ana Agent' } }).parse(request(fixture('agent-text')));
    expect(events).toEqual([
      {
        type: 'agent-message',
        conversationId: CONVERSATION,
        eventId: 'genesys:c327c2078ca056db130c55ce648d9fa2',
        occurredAt: Date.parse('2026-03-02T10:17:41.503Z'),
        text: "Hi Ana, I'm looking at your invoice now.",
        agent: { id: 'u-1', name: 'Ana Agent' },
      },
    ]);
    for (const e of events) handoverEventSchema.parse(e);
  });

  it('typing event → agent-typing', async () => {
    const events = await webhook().parse(request(fixture('agent-typing')));
    expect(events).toEqual([
      {
        type: 'agent-typing',
        typing: true,
        conversationId: CONVERSATION,
        eventId: 'genesys:5c1e0a96d7a04e3f8b2a6f1d0c9e8b7a',
        occurredAt: Date.parse('2026-03-02T10:17:30.276Z'),
      },
    ]);
  });

  it('attachments map to our attachment types (and the nickName casing variant is harmless)', async () => {
    const [event] = await webhook().parse(request(fixture('agent-attachment')));
    expect(event).toMatchObject({
      type: 'agent-message',
      text: 'Here is the corrected invoice.',
      attachments: [
        { type: 'file', url: 'https://api.mypurecloud.de/api/v2/downloads/0c4d7b5e2a', name: 'invoice-2026-02.pdf' },
        { type: 'image', url: 'https://api.mypurecloud.de/api/v2/downloads/7a1b2c3d4e' },
      ],
    });
  });

  it('receipts (direction Inbound) are dropped', async () => {
    expect(await webhook().parse(request(fixture('receipt')))).toEqual([]);
  });

  it('a Genesys bot/flow text becomes a provider-event, not agent activity', async () => {
    const events = await webhook().parse(request(fixture('bot-text')));
    expect(events).toEqual([
      expect.objectContaining({
        type: 'provider-event',
        name: 'genesys-bot-message',
        text: 'All our agents are busy. You are in the queue.',
      }),
    ]);
  });

  it('without conversationId, channel.to.id finds the conversation we started for that user; unknown users are dropped', async () => {
    const body = fixture('agent-text-no-conversation');
    expect(await webhook({ users: { 'user-8842': CONVERSATION } }).parse(request(body))).toEqual([
      expect.objectContaining({
        type: 'agent-message',
        conversationId: CONVERSATION,
        text: 'Anything else I can help with?',
      }),
    ]);
    expect(await webhook().parse(request(body))).toEqual([]);
  });

  it('a redelivered message keeps its event id (the service dedupes it)', async () => {
    const wh = webhook();
    const [a] = await wh.parse(request(fixture('agent-text')));
    const [b] = await wh.parse(request(fixture('agent-text')));
    expect(a!.eventId).toBe(b!.eventId);
  });

  it('unknown types and empty texts produce nothing', async () => {
    const base = JSON.parse(fixture('agent-text'));
    expect(await webhook().parse(request(JSON.stringify({ ...base, type: 'Unknown' })))).toEqual([]);
    expect(await webhook().parse(request(JSON.stringify({ ...base, text: '' })))).toEqual([]);
  });

  it('a malformed body is a BadRequestError', async () => {
    await rejects(
      () => webhook().parse(request('{not json')),
      (e) => BadRequestError.isInstance(e),
    );
    await rejects(
      () => webhook().parse(request('[1,2]')),
      (e) => BadRequestError.isInstance(e),
    );
    await rejects(
      () => webhook().parse(request(JSON.stringify({ type: 'Text', text: 'no id' }))),
      (e) => BadRequestError.isInstance(e),
    );
  });
});

describe('genesys webhook: X-Hub-Signature-256', () => {
  const body = fixture('agent-text');

  it('accepts sha256=<base64 HMAC> over the raw body', () => {
    expect(signGenesysWebhook(WEBHOOK_SECRET, body)).toBe(
      `sha256=${createHmac('sha256', WEBHOOK_SECRET).update(body).digest('base64')}`,
    );
    expect(() => webhook().verify(request(body))).not.toThrow();
  });

  it('tolerates a hex digest', () => {
    const hexSig = `sha256=${createHmac('sha256', WEBHOOK_SECRET).update(body).digest('hex')}`;
    expect(() => webhook().verify(request(body, { 'x-hub-signature-256': hexSig }))).not.toThrow();
    expect(() =>
      webhook().verify(request(body, { 'x-hub-signature-256': hexSig.toUpperCase().replace('SHA256=', 'sha256=') })),
    ).not.toThrow();
  });

  it('rejects a wrong secret, a tampered body, a missing or malformed header', async () => {
    const isBadSig = (e: HandoverError) => BadSignatureError.isInstance(e);
    await rejects(
      () =>
        webhook().verify(
          request(body, { 'x-hub-signature-256': signGenesysWebhook('another-secret-0123456789', body) }),
        ),
      isBadSig,
    );
    await rejects(
      () => webhook().verify({ ...request(body), rawBody: Buffer.from(body.replace('invoice', 'refund')) }),
      isBadSig,
    );
    await rejects(() => webhook().verify({ ...request(body), rawBody: Buffer.from(`${body} `) }), isBadSig);
    await rejects(() => webhook().verify(request(body, {})), isBadSig);
    await rejects(() => webhook().verify(request(body, { 'x-hub-signature-256': 'sha1=abc' })), isBadSig);
    await rejects(() => webhook().verify(request(body, { 'x-hub-signature-256': 'sha256=' })), isBadSig);
  });

  it('rejects everything when no secret is configured, and reads the environment fallback', async () => {
    await rejects(
      () => webhook({ secret: undefined }).verify(request(body)),
      (e) => BadSignatureError.isInstance(e) && /No webhook secret/.test(e.message),
    );
    process.env[WEBHOOK_SECRET_ENV] = WEBHOOK_SECRET;
    try {
      const bed = await startTestBed({ settings: { webhookSecret: undefined } });
      expect(() => bed.connector.webhook!.verify(request(body))).not.toThrow();
      await bed.close();
    } finally {
      delete process.env[WEBHOOK_SECRET_ENV];
    }
  });
});

describe('genesys webhook: end to end from the fake integration', () => {
  let bed: GenesysTestBed | undefined;
  afterEach(async () => {
    await bed?.close();
    bed = undefined;
  });

  it('agent texts and typing reach the connector as events; redeliveries carry the same event id', async () => {
    bed = await startTestBed();
    const { conversationId } = await bed.connector.doStartHandover({
      idempotencyKey: 'wh-1',
      user: { id: 'user-wh', name: 'Wendy' },
      routing: {},
      transcript: [],
      customAttributes: {},
    });
    expect(await bed.fake.typing(conversationId)).toBe(200);
    const body = bed.fake.outbound(conversationId, { type: 'Text', text: 'Hello Wendy', originatingEntity: 'Human' });
    expect(await bed.fake.deliver(body)).toBe(200);
    expect(await bed.fake.deliver(body)).toBe(200);
    const mine = bed.events.filter((e) => e.conversationId === conversationId);
    expect(mine.map((e) => e.type)).toEqual(['agent-typing', 'agent-message', 'agent-message']);
    expect(mine[1]!.eventId).toBe(mine[2]!.eventId);
    expect(bed.receiver.rejected).toEqual([]);
  });

  it('a webhook signed with another secret is refused (401); a 4xx is final, so Genesys does not redeliver it', async () => {
    bed = await startTestBed();
    const { conversationId } = await bed.connector.doStartHandover({
      idempotencyKey: 'wh-2',
      user: { id: 'user-wh2' },
      routing: {},
      transcript: [],
      customAttributes: {},
    });
    bed.fake.webhook = { url: bed.receiver.url, secret: 'not-the-configured-secret-000' };
    expect(await bed.fake.say(conversationId, 'forged')).toBe(401);
    await waitUntil(() => bed!.receiver.rejected.length >= 1, 'rejection');
    expect(bed.receiver.rejected[0]!.code).toBe('bad_signature');
    expect(bed.fake.deliveries.filter((d) => d.body.includes('forged'))).toHaveLength(1);
    expect(bed.events.filter((e) => e.type === 'agent-message')).toEqual([]);
  });
});
