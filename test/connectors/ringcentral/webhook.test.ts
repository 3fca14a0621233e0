import { afterEach, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { signSdk } from 'handover-kit/connectors/ringcentral';
import { FAKE_DEFAULTS, postWebhook, sdkSign } from '../../fakes/ringcentral';
import {
  VERIFY_TOKEN,
  WEBHOOK_SECRET,
  startRequest,
  startTestBed,
  waitUntil,
  type RingcentralTestBed,
} from './harness';

let bed: RingcentralTestBed | undefined;
afterEach(async () => {
  await bed?.close();
  bed = undefined;
});

async function started(settings = {}) {
  bed = await startTestBed({ settings });
  const { conversationId } = await bed.connector.doStartHandover(startRequest('wh-1'));
  return { bed, conversationId };
}

/** POSTs `raw` to the receiver with the given headers; the status it answered. */
async function post(url: string, raw: string, headers: Record<string, string>) {
  const res = await request(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: raw,
  });
  return { status: res.statusCode, text: await res.body.text(), headers: res.headers };
}

describe('ringcentral: Channel SDK signatures (X-SMCCSDK-SIGNATURE, HMAC-SHA512, both directions)', () => {
  it("matches the documentation's test vector (compact body)", () => {
    const secret = '3YJZzqMJ5Ec7i2JGvnt8TgvleD7dtpwpmag4S6MuRA2GQdfvV4STIsxDRJ4fEjO8';
    expect(signSdk(secret, '{"action":"implementation.info","time":"2012-10-01T17:18:40Z"}')).toBe(
      '826b61e7939505b2e773ef43a2aad53ec0385dd9d783fbd1c8fea00d0e2a3e2f' +
        'b0ae0a5b2eb342356b61c41b5f19baec4c1f7e7e37a5b486fe9b593942017ff9',
    );
  });

  it('accepts a signed agent reply, answers it signed, and relays it once across Engage retries', async () => {
    const { bed, conversationId } = await started();
    const attempts = await bed.fake.say(conversationId, 'Hello from Ana', {
      attachments: [{ url: 'https://cdn.example/a.pdf', type: 'document', filename: 'a.pdf' }],
    });
    expect(attempts).toHaveLength(1);
    expect(attempts[0]).toMatchObject({ status: 200, signatureValid: true });
    expect(bed.events).toMatchObject([
      {
        type: 'agent-message',
        conversationId,
        text: 'Hello from Ana',
        agent: { id: FAKE_DEFAULTS.agent.id, name: 'Ana Agent' },
        attachments: [{ url: 'https://cdn.example/a.pdf', type: 'file', name: 'a.pdf' }],
      },
    ]);
    // Engage repeats a content it got no good answer for: same content id, same event id.
    const last = bed.fake.thread(conversationId).contents.at(-1)!;
    const again = await bed.fake.sdk(
      'messages.create',
      {
        content_id: last.id,
        body: 'Hello from Ana',
        thread_id: conversationId,
        author_id: FAKE_DEFAULTS.agent.id,
        retry: true,
      },
      true,
    );
    expect(again[0]).toMatchObject({ status: 200, signatureValid: true, json: { id: `hk-agent-${last.id}` } });
    expect(bed.events).toHaveLength(2);
    expect(bed.events[1]!.eventId).toBe(bed.events[0]!.eventId);
  });

  it('a body with one byte changed → 401, nothing delivered', async () => {
    const { bed, conversationId } = await started();
    const raw = JSON.stringify({
      action: 'messages.create',
      params: { content_id: 'c1', body: 'Hello', thread_id: conversationId, author_id: 'a1' },
    });
    const tampered = raw.replace('Hello', 'Hellp');
    const res = await post(bed.receiver.url, tampered, {
      'x-smccsdk-signature': sdkSign(FAKE_DEFAULTS.sourceToken, raw),
    });
    expect(res.status).toBe(401);
    expect(bed.events).toEqual([]);
  });

  it('a body signed with another key → 401, nothing delivered; no signature → 401', async () => {
    const { bed, conversationId } = await started();
    const raw = JSON.stringify({
      action: 'messages.create',
      params: { content_id: 'c2', body: 'Hi', thread_id: conversationId, author_id: 'a1' },
    });
    expect((await post(bed.receiver.url, raw, { 'x-smccsdk-signature': sdkSign('another-key', raw) })).status).toBe(
      401,
    );
    expect((await post(bed.receiver.url, raw, {})).status).toBe(401);
    expect(bed.events).toEqual([]);
    expect(bed.receiver.answers.map((a) => a.code)).toEqual(['bad_signature', 'bad_signature']);
  });

  it('accepts the `signature` query parameter fallback', async () => {
    const { bed, conversationId } = await started();
    const raw = JSON.stringify({
      action: 'messages.create',
      params: { content_id: 'c3', body: 'Via query', thread_id: conversationId, author_id: 'a1' },
    });
    const res = await post(`${bed.receiver.url}?signature=${sdkSign(FAKE_DEFAULTS.sourceToken, raw)}`, raw, {});
    expect(res.status).toBe(200);
    expect(res.headers['x-smccsdk-signature']).toBe(sdkSign(FAKE_DEFAULTS.sourceToken, res.text));
    expect(bed.events).toMatchObject([{ type: 'agent-message', text: 'Via query' }]);
  });

  it('queue updates: position, and the wait in seconds as milliseconds, also in doGetStatus', async () => {
    const { bed, conversationId } = await started();
    await bed.fake.queueUpdate(conversationId, 3, 45);
    expect(bed.events).toMatchObject([{ type: 'queue-updated', conversationId, position: 3, estimatedWaitMs: 45_000 }]);
    expect(await bed.connector.doGetStatus({ conversationId })).toEqual({
      status: 'queue',
      queuePosition: 3,
      estimatedWaitMs: 45_000,
    });
  });

  it('a queue update Engage sends while the start is still recategorizing is not lost', async () => {
    bed = await startTestBed();
    bed.fake.queueOnCategorize = { position: 1, waitSeconds: 20 };
    const { conversationId } = await bed.connector.doStartHandover(startRequest('wh-race'));
    expect(bed.events).toMatchObject([{ type: 'queue-updated', conversationId, position: 1, estimatedWaitMs: 20_000 }]);
  });

  it('agent typing on and off', async () => {
    const { bed, conversationId } = await started();
    await bed.fake.typing(conversationId, true);
    await bed.fake.typing(conversationId, false);
    expect(bed.events.map((e) => e.type === 'agent-typing' && e.typing)).toEqual([true, false]);
  });

  it('content on a thread this provider did not start: a fatal resource error stops the retries', async () => {
    const { bed } = await started();
    const attempts = await bed.fake.sdk(
      'messages.create',
      { content_id: 'x1', body: 'Elsewhere', thread_id: 'not-ours', author_id: 'a1' },
      true,
    );
    expect(attempts).toHaveLength(1);
    expect(attempts[0]!.json).toEqual({ error: { fatal: true, message: 'Unknown thread or empty content' } });
    expect(bed.events).toEqual([]);
  });
});

describe('ringcentral: Webhook API (X-Dimelo-Secret) and the hub.challenge handshake', () => {
  it('answers the subscription check with the challenge only when the token and secret match', async () => {
    const { bed } = await started();
    expect(await bed.fake.subscribe('chal-123')).toEqual({ status: 200, ok: true });
    bed.fake.webhook = { url: bed.receiver.url, secret: WEBHOOK_SECRET, verifyToken: 'wrong' };
    expect((await bed.fake.subscribe()).status).toBe(401);
    bed.fake.webhook = { url: bed.receiver.url, secret: 'other-secret', verifyToken: VERIFY_TOKEN };
    expect((await bed.fake.subscribe()).status).toBe(401);
  });

  it('joined and completed; a wrong or missing secret → 401 and nothing delivered', async () => {
    const { bed, conversationId } = await started();
    const thread = bed.fake.thread(conversationId);
    const raw = bed.fake.envelope([bed.fake.event('intervention.assigned', thread, { user_id: 'agent-7' })]);
    expect(await postWebhook(bed.receiver.url, 'not-the-secret', raw)).toBe(401);
    expect(await postWebhook(bed.receiver.url, undefined, raw)).toBe(401);
    expect(bed.events).toEqual([]);
    expect(await postWebhook(bed.receiver.url, WEBHOOK_SECRET, raw)).toBe(200);
    await bed.fake.resolve(conversationId);
    expect(bed.events.map((e) => e.type)).toEqual(['agent-joined', 'handover-completed']);
  });

  it('refuses every webhook when no secret is configured', async () => {
    const { bed, conversationId } = await started({ webhookSecret: undefined });
    const raw = bed.fake.envelope([bed.fake.event('intervention.closed', bed.fake.thread(conversationId))]);
    expect(await postWebhook(bed.receiver.url, undefined, raw)).toBe(401);
    expect(bed.events).toEqual([]);
  });

  it('out of order and repeated: stable event ids, the times Engage issued them, no sequence', async () => {
    const { bed, conversationId } = await started();
    const thread = bed.fake.thread(conversationId);
    const t0 = Date.parse('2026-01-01T10:00:00Z');
    const assigned = bed.fake.event('intervention.assigned', thread, { user_id: 'agent-7' }, new Date(t0));
    const closed = bed.fake.event('intervention.closed', thread, { user_id: 'agent-7' }, new Date(t0 + 60_000));
    const late = bed.fake.envelope([closed]);
    await bed.fake.deliver([], late);
    await bed.fake.deliver([assigned]);
    await bed.fake.deliver([], late); // redelivered
    await waitUntil(() => bed!.events.length === 3, 'three events');
    expect(bed.events.map((e) => [e.type, e.eventId, e.occurredAt])).toEqual([
      ['handover-completed', `ringcentral:event:${closed.id}`, t0 + 60_000],
      ['agent-joined', `ringcentral:event:${assigned.id}`, t0],
      ['handover-completed', `ringcentral:event:${closed.id}`, t0 + 60_000],
    ]);
    expect(bed.events.every((e) => e.sequence === undefined)).toBe(true);
  });

  it('a malformed body is a 400', async () => {
    const { bed } = await started();
    expect(await postWebhook(bed.receiver.url, WEBHOOK_SECRET, '{not json')).toBe(400);
    expect(bed.receiver.answers.at(-1)?.code).toBe('bad_request');
  });
});
