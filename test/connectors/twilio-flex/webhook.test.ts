import { afterEach, describe, expect, it } from 'vitest';
import { BadRequestError, BadSignatureError, type WebhookRequest } from 'handover-kit/contract';
import { bodySha256, signTwilioRequest } from 'handover-kit/connectors/twilio-flex';
import { FAKE_TWILIO, fixture, postSigned } from '../../fakes/twilio-flex';
import { signedFixture, signedRequest, startRequest, startTestBed, type TwilioTestBed } from './harness';

const CH = 'CH00000000000000000000000000000001';

describe('twilio-flex webhook signatures (X-Twilio-Signature)', () => {
  let bed: TwilioTestBed | undefined;
  afterEach(async () => {
    await bed?.close();
    bed = undefined;
  });
  const verify = (req: WebhookRequest) => Promise.resolve().then(() => bed!.connector.webhook!.verify(req));

  it('accepts a request signed over the configured URL and the sorted form parameters', async () => {
    bed = await startTestBed();
    await expect(verify(signedFixture(bed.webhookUrl, 'onMessageAdded'))).resolves.toBeUndefined();
  });

  it('matches the documented example signature (URL + sorted params, HMAC-SHA1, base64)', () => {
    // twilio.com/docs/usage/webhooks/webhooks-security example values.
    const params: Array<[string, string]> = [
      ['CallSid', 'CA1234567890ABCDE'],
      ['Caller', '+12349013030'],
      ['Digits', '1234'],
      ['From', '+12349013030'],
      ['To', '+18005551212'],
    ];
    expect(signTwilioRequest('12345', 'https://mycompany.com/myapp.php?foo=1&bar=2', params)).toBe(
      '0/KCTR6DLpKmkAf8muzZqo1nDgQ=',
    );
  });

  it('rejects one changed byte, another key, a missing header', async () => {
    bed = await startTestBed();
    const good = signedFixture(bed.webhookUrl, 'onMessageAdded');
    const body = Buffer.from(good.rawBody);
    body[body.length - 1] = body[body.length - 1]! ^ 1;
    await expect(verify({ ...good, rawBody: body })).rejects.toBeInstanceOf(BadSignatureError);
    await expect(
      verify(signedRequest(bed.webhookUrl, fixture('onMessageAdded'), 'ffffffffffffffffffffffffffffffff')),
    ).rejects.toBeInstanceOf(BadSignatureError);
    await expect(
      verify({ ...good, headers: { 'content-type': 'application/x-www-form-urlencoded' } }),
    ).rejects.toBeInstanceOf(BadSignatureError);
    // Signed for another URL (a different provider's path).
    await expect(verify(signedRequest(`${bed.webhookUrl}-other`, fixture('onMessageAdded')))).rejects.toBeInstanceOf(
      BadSignatureError,
    );
  });

  it('behind a proxy: verifies against the configured public URL, not the host the gateway sees', async () => {
    bed = await startTestBed({ publicUrl: 'https://hooks.example.com/webhooks/twilio-test' });
    const req = signedFixture('https://hooks.example.com/webhooks/twilio-test', 'onParticipantAdded');
    expect(req.headers.host).toBe('gateway.internal:8080');
    await expect(verify(req)).resolves.toBeUndefined();
    // Twilio's validators also accept the URL with the default port spelled out.
    await expect(
      verify(signedFixture('https://hooks.example.com:443/webhooks/twilio-test', 'onParticipantAdded')),
    ).resolves.toBeUndefined();
  });

  it('without a configured URL: rebuilds it from X-Forwarded-Proto / X-Forwarded-Host', async () => {
    const { createTwilioFlexConnector } = await import('handover-kit/connectors/twilio-flex');
    const { testConnectorRuntime } = await import('handover-kit/testing');
    const bare = createTwilioFlexConnector(
      {
        accountSid: FAKE_TWILIO.accountSid,
        authToken: FAKE_TWILIO.authToken,
        workspaceSid: FAKE_TWILIO.workspaceSid,
        workflowSid: FAKE_TWILIO.workflowSid,
      },
      testConnectorRuntime(),
    );
    const req = signedRequest('https://public.example.com/webhooks/twilio-test', fixture('onMessageAdded'));
    const forwarded = {
      ...req,
      headers: { ...req.headers, 'x-forwarded-proto': 'https', 'x-forwarded-host': 'public.example.com' },
    };
    await expect(Promise.resolve().then(() => bare.webhook!.verify(forwarded))).resolves.toBeUndefined();
    await expect(Promise.resolve().then(() => bare.webhook!.verify(req))).rejects.toBeInstanceOf(BadSignatureError);
    await bare.dispose();
  });

  it('JSON bodies: bodySHA256 in the URL must match the body, and the URL carries the signature', async () => {
    bed = await startTestBed();
    const raw = JSON.stringify(fixture('onMessageAdded'));
    const url = `${bed.webhookUrl}?bodySHA256=${bodySha256(raw)}`;
    const req: WebhookRequest = {
      method: 'POST',
      url: `/webhooks/twilio-test?bodySHA256=${bodySha256(raw)}`,
      headers: {
        'content-type': 'application/json',
        'x-twilio-signature': signTwilioRequest(FAKE_TWILIO.authToken, url),
      },
      rawBody: Buffer.from(raw),
      receivedAt: Date.now(),
    };
    await expect(verify(req)).resolves.toBeUndefined();
    expect(await bed.connector.webhook!.parse(req)).toHaveLength(1);
    await expect(verify({ ...req, rawBody: Buffer.from(raw.replace('Alice', 'Mallory')) })).rejects.toBeInstanceOf(
      BadSignatureError,
    );
  });

  it('end to end: a tampered delivery is answered 401 and nothing is delivered', async () => {
    const delivered: unknown[] = [];
    bed = await startTestBed({ onEvents: (list) => delivered.push(...list) });
    const { conversationId } = await bed.connector.doStartHandover(startRequest('tamper'));
    const params = fixture('onMessageAdded', { ConversationSid: conversationId });
    const wrongKey = await postSigned('ffffffffffffffffffffffffffffffff', bed.webhookUrl, bed.webhookUrl, params);
    const otherUrl = await postSigned(
      FAKE_TWILIO.authToken,
      'https://elsewhere.example.com/hook',
      bed.webhookUrl,
      params,
    );
    expect([wrongKey, otherUrl]).toEqual([401, 401]);
    expect(bed.receiver.rejected.map((r) => r.code)).toEqual(['bad_signature', 'bad_signature']);
    expect(delivered).toEqual([]);
    expect(await postSigned(FAKE_TWILIO.authToken, bed.webhookUrl, bed.webhookUrl, params)).toBe(200);
    expect(delivered).toHaveLength(1);
  });
});

describe('twilio-flex webhook parsing (fixtures)', () => {
  let bed: TwilioTestBed | undefined;
  afterEach(async () => {
    await bed?.close();
    bed = undefined;
  });
  const parse = (req: WebhookRequest) => Promise.resolve(bed!.connector.webhook!.parse(req));

  it('maps agent activity and drops our own side', async () => {
    bed = await startTestBed();
    const url = bed.webhookUrl;
    expect(await parse(signedFixture(url, 'onMessageAdded'))).toEqual([
      {
        conversationId: CH,
        eventId: 'twilio:msg:IM00000000000000000000000000000001',
        occurredAt: Date.parse('2026-07-01T10:02:00.000Z'),
        type: 'agent-message',
        text: 'Hi, I am Alice. How can I help?',
        agent: { id: 'alice@example.com' },
      },
    ]);
    expect(await parse(signedFixture(url, 'onMessageAdded-customer-echo'))).toEqual([]);
    expect(await parse(signedFixture(url, 'onMessageAdded', { Author: 'bot' }))).toEqual([]);
    expect(await parse(signedFixture(url, 'onMessageAdded', { Author: 'system' }))).toEqual([]);
    const media = await parse(signedFixture(url, 'onMessageAdded-media'));
    expect(media).toMatchObject([{ type: 'provider-event', name: 'twilio-media-message' }]);
    expect(await parse(signedFixture(url, 'onParticipantAdded'))).toMatchObject([
      { type: 'agent-joined', agent: { id: 'alice@example.com', name: 'Alice Agent' } },
    ]);
    expect(await parse(signedFixture(url, 'onParticipantAdded', { Identity: 'handover-kit:user-42' }))).toEqual([]);
    expect(await parse(signedFixture(url, 'onParticipantRemoved'))).toMatchObject([
      { type: 'agent-left', requeued: false },
    ]);
    expect(await parse(signedFixture(url, 'onParticipantRemoved', { Identity: 'handover-kit:user-42' }))).toMatchObject(
      [{ type: 'handover-completed', by: 'agent' }],
    );
    expect(await parse(signedFixture(url, 'onConversationStateUpdated'))).toMatchObject([
      { type: 'handover-completed', by: 'agent', occurredAt: Date.parse('2026-07-01T10:10:00.000Z') },
    ]);
    expect(await parse(signedFixture(url, 'onConversationStateUpdated', { StateTo: 'inactive' }))).toMatchObject([
      { type: 'provider-event', name: 'twilio-conversation-inactive' },
    ]);
  });

  it('a close by the bot is not reported back; task.canceled counts only for our conversations', async () => {
    bed = await startTestBed();
    const { connector, fake } = bed;
    const { conversationId } = await connector.doStartHandover(startRequest('close-echo'));
    await connector.doCloseHandover({ conversationId, reason: 'bot-closed' });
    expect(
      await parse(signedFixture(bed.webhookUrl, 'onConversationStateUpdated', { ConversationSid: conversationId })),
    ).toEqual([]);

    expect(await parse(signedFixture(bed.webhookUrl, 'task.canceled'))).toEqual([]); // CH…0001 was never started here
    const second = await connector.doStartHandover(startRequest('cancel'));
    expect(await fake.cancelTask(second.conversationId, 'Task TTL Exceeded')).toBe(200);
    expect(bed.events).toMatchObject([
      { conversationId: second.conversationId, type: 'handover-cancelled', by: 'system', reason: 'Task TTL Exceeded' },
    ]);
  });

  it('a body without EventType or ConversationSid is a BadRequestError', async () => {
    bed = await startTestBed();
    await expect(parse(signedRequest(bed.webhookUrl, { Foo: 'bar' }))).rejects.toBeInstanceOf(BadRequestError);
    await expect(
      parse(signedFixture(bed.webhookUrl, 'onMessageAdded', { ConversationSid: undefined })),
    ).rejects.toBeInstanceOf(BadRequestError);
    const json = {
      ...signedRequest(bed.webhookUrl, {}),
      headers: { 'content-type': 'application/json' },
      rawBody: Buffer.from('{nope'),
    };
    await expect(parse(json)).rejects.toBeInstanceOf(BadRequestError);
  });
});
