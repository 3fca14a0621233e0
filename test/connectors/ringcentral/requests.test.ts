import { afterEach, describe, expect, it } from 'vitest';
import { HandoverNotFoundError, RateLimitError, VendorApiError, VendorAuthError } from 'handover-kit/contract';
import { testConnectorRuntime } from 'handover-kit/testing';
import {
  THREAD_LOOKUP_ATTEMPTS,
  THREAD_LOOKUP_DELAY_MS,
  createRingcentralConnector,
  messageForeignId,
} from 'handover-kit/connectors/ringcentral';
import { FAKE_DEFAULTS } from '../../fakes/ringcentral';
import {
  AGENT_CATEGORY,
  BOT_CATEGORY,
  PROVIDER_ID,
  WEBHOOK_SECRET,
  settingsFor,
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

describe('ringcentral: requests', () => {
  it('start: signed threads.create on the real-time host; the REST host finds and recategorizes it', async () => {
    bed = await startTestBed();
    const result = await bed.connector.doStartHandover({
      ...startRequest('s1'),
      connectorOptions: { ringcentral: { additionalCategoryIds: 'c-extra-1, c-extra-2' } },
    });
    expect(result.status).toBe('queue');
    expect(result.warnings).toMatchObject([{ feature: 'customAttributes' }]); // order_id → order-id
    const [create] = bed.fake.actions;
    expect(create!.action).toBe('threads.create');
    expect(create!.params).toMatchObject({
      id: result.conversationId,
      format: 'text',
      body: 'Customer: I need an agent\nBot: Connecting you',
      author: { id: 'user-s1', screenname: 'Jane Doe' },
      context_data: { plan: 'gold', 'order-id': '42' },
    });
    // The trap: two hosts. Send API only on the real-time one, REST only on the API one.
    expect(
      bed.fake.requests
        .filter((r) => r.host === 'realtime')
        .every((r) => r.path === `/realtime/sdk/${FAKE_DEFAULTS.sourceId}`),
    ).toBe(true);
    expect(bed.fake.requests.filter((r) => r.host === 'rest').every((r) => r.path.startsWith('/1.0/'))).toBe(true);
    expect(bed.fake.requestsOf('threads')[0]!.query.get('q')).toBe(
      `foreign:"${result.conversationId}" source:"${FAKE_DEFAULTS.sourceId}"`,
    );
    expect(bed.fake.thread(result.conversationId).categoryIds).toEqual([AGENT_CATEGORY, 'c-extra-1', 'c-extra-2']);
    expect(
      bed.fake.requests
        .filter((r) => r.host === 'rest')
        .every((r) => r.headers.authorization === `Bearer ${FAKE_DEFAULTS.apiToken}`),
    ).toBe(true);
  });

  it('routing.queue picks the category; skills are reported unsupported', async () => {
    bed = await startTestBed();
    const result = await bed.connector.doStartHandover({
      ...startRequest('s2'),
      routing: { queue: 'vip-category', skills: ['billing'] },
    });
    expect(bed.fake.thread(result.conversationId).categoryIds).toEqual(['vip-category']);
    expect(result.warnings).toContainEqual(expect.objectContaining({ type: 'unsupported', feature: 'skills' }));
  });

  it('waits, bounded, for Engage to import the new thread', async () => {
    bed = await startTestBed({ fakeClock: true });
    bed.fake.model.importDelayLookups = 2;
    const pending = bed.connector.doStartHandover(startRequest('s3'));
    for (let n = 0; n < 2; n++) {
      await waitUntil(() => bed!.clock.pending() > 0, 'the lookup wait');
      await bed.clock.advance(THREAD_LOOKUP_DELAY_MS);
    }
    expect((await pending).status).toBe('queue');
    expect(bed.fake.requestsOf('threads')).toHaveLength(3);
  });

  it('gives up after THREAD_LOOKUP_ATTEMPTS lookups with a retryable error', async () => {
    bed = await startTestBed({ fakeClock: true });
    bed.fake.model.importDelayLookups = 1000;
    const pending = bed.connector.doStartHandover(startRequest('s4')).catch((e: unknown) => e);
    for (let n = 1; n < THREAD_LOOKUP_ATTEMPTS; n++) {
      await waitUntil(() => bed!.clock.pending() > 0, 'the lookup wait');
      await bed.clock.advance(THREAD_LOOKUP_DELAY_MS);
    }
    const error = await pending;
    expect(VendorApiError.isInstance(error) && error.isRetryable).toBe(true);
    expect(bed.fake.requestsOf('threads')).toHaveLength(THREAD_LOOKUP_ATTEMPTS);
  });

  it('relays text and attachments as signed messages.create with stable ids; a repeat is a duplicate', async () => {
    bed = await startTestBed();
    const { conversationId } = await bed.connector.doStartHandover(startRequest('s5'));
    const user = { id: 'user-s5' };
    const first = await bed.connector.doSendMessage({
      conversationId,
      messageId: 'm1',
      user,
      text: 'see file',
      attachments: [{ url: 'https://cdn.example/x.mp4', type: 'video', name: 'x.mp4' }],
    });
    expect(first).toEqual({ vendorMessageId: messageForeignId(conversationId, 'm1'), duplicate: false });
    const sent = bed.fake.actions.at(-1)!;
    expect(sent).toMatchObject({
      action: 'messages.create',
      params: {
        id: messageForeignId(conversationId, 'm1'),
        thread_id: conversationId,
        body: 'see file',
        attachments: [{ url: 'https://cdn.example/x.mp4', filename: 'x.mp4', type: 'video' }],
        author: { id: 'user-s5', screenname: 'Jane Doe' },
      },
    });
    const before = bed.fake.requests.length;
    expect(
      (await bed.connector.doSendMessage({ conversationId, messageId: 'm1', user, text: 'see file' })).duplicate,
    ).toBe(true);
    expect(bed.fake.requests.length).toBe(before); // no upstream request for a duplicate
  });

  it("a system notice goes bracketed with the user's contacts; an unfetchable file is a warning; empty is not sent", async () => {
    bed = await startTestBed();
    const { conversationId } = await bed.connector.doStartHandover(startRequest('s5b'));
    const user = { id: 'user-s5b', email: 'jane@example.com', phone: '+15550100' };
    const notice = await bed.connector.doSendMessage({
      conversationId,
      messageId: 'n1',
      kind: 'system',
      user,
      text: 'The user left the chat',
      attachments: [{ url: 'file:///etc/passwd', type: 'file' }],
    });
    expect(notice).toMatchObject({ duplicate: false, warnings: [{ type: 'other', feature: 'attachments' }] });
    const params = bed.fake.actions.at(-1)!.params;
    expect(params).toMatchObject({
      body: '[The user left the chat]',
      format: 'text',
      author: { id: 'user-s5b', screenname: 'Jane Doe', email: 'jane@example.com', mobile_phone: '+15550100' },
    });
    expect(params.attachments).toBeUndefined();
    const before = bed.fake.requests.length;
    const empty = await bed.connector.doSendMessage({ conversationId, messageId: 'n2', user, text: '' });
    expect(empty).toEqual({ duplicate: false, warnings: [{ type: 'other', message: 'Empty message not sent' }] });
    expect(bed.fake.requests.length).toBe(before);
  });

  it('after a restart (same shared state): still a duplicate, and webhooks still find the thread', async () => {
    bed = await startTestBed();
    const runtime = testConnectorRuntime({ providerId: PROVIDER_ID });
    const first = createRingcentralConnector(settingsFor(bed.fake), runtime);
    const { conversationId } = await first.doStartHandover(startRequest('r1'));
    await first.doSendMessage({ conversationId, messageId: 'm1', user: { id: 'user-r1' }, text: 'once' });
    await first.dispose();
    const second = createRingcentralConnector(settingsFor(bed.fake), runtime);
    expect(
      (await second.doSendMessage({ conversationId, messageId: 'm1', user: { id: 'user-r1' }, text: 'once' }))
        .duplicate,
    ).toBe(true);
    expect(bed.fake.userTexts(conversationId)).toEqual(['once']);
    const raw = bed.fake.envelope([bed.fake.event('intervention.closed', bed.fake.thread(conversationId))]);
    const request = {
      method: 'POST',
      url: '/webhooks/x',
      headers: { 'x-dimelo-secret': WEBHOOK_SECRET },
      rawBody: Buffer.from(raw),
      receivedAt: Date.now(),
    };
    expect(await second.webhook!.parse(request)).toMatchObject([{ type: 'handover-completed', conversationId }]);
    await second.dispose();
  });

  it('a wrong realtime access token is a VendorAuthError (the Send API answers 422 Invalid signature)', async () => {
    bed = await startTestBed({ settings: { realtimeAccessToken: 'not-the-source-token' } });
    await expect(bed.connector.doStartHandover(startRequest('s6'))).rejects.toSatisfy(
      (e: unknown) => VendorAuthError.isInstance(e) && /signature/.test(e.message),
    );
  });

  it('REST rate limit (500/min): retried, then a RateLimitError', async () => {
    bed = await startTestBed();
    bed.fake.rateLimitPerMinute = 0;
    await expect(bed.connector.doCheckAvailability({ routing: {} })).rejects.toSatisfy((e: unknown) =>
      RateLimitError.isInstance(e),
    );
    expect(bed.fake.requestsOf('status')).toHaveLength(3);
  });
});

describe('ringcentral: availability, status, close', () => {
  it('availability: agents available on the channel and not full, filtered by source and category', async () => {
    bed = await startTestBed();
    expect(await bed.connector.doCheckAvailability({ routing: {} })).toEqual({ available: true, agentsAvailable: 1 });
    const q = bed.fake.requestsOf('status')[0]!.query;
    expect([q.getAll('source_ids[]'), q.getAll('category_ids[]')]).toEqual([
      [FAKE_DEFAULTS.sourceId],
      [AGENT_CATEGORY],
    ]);
    bed.fake.agents[0]!.channels[0]!.busyness = 'full';
    expect(await bed.connector.doCheckAvailability({ routing: {} })).toEqual({
      available: false,
      reason: 'no-agents',
      agentsAvailable: 0,
    });
    bed.fake.agents[0]!.channels = [{ id: 'c', name: 'Email', status: 'available', busyness: 'ok' }];
    expect((await bed.connector.doCheckAvailability({ routing: {} })).available).toBe(false);
  });

  it('status follows the intervention: queue → active (agent) → completed (localized text not read)', async () => {
    bed = await startTestBed();
    const { conversationId } = await bed.connector.doStartHandover(startRequest('st1'));
    expect(await bed.connector.doGetStatus({ conversationId })).toEqual({ status: 'queue' });
    await bed.fake.join(conversationId);
    expect(await bed.connector.doGetStatus({ conversationId })).toEqual({
      status: 'active',
      agent: { id: FAKE_DEFAULTS.agent.id },
    });
    await bed.fake.resolve(conversationId);
    expect((await bed.connector.doGetStatus({ conversationId })).status).toBe('completed');
  });

  it('bot close: cancels an unanswered intervention, bot category again, idempotent; later sends refused', async () => {
    bed = await startTestBed();
    const { conversationId } = await bed.connector.doStartHandover(startRequest('c1'));
    await bed.fake.join(conversationId);
    expect(await bed.connector.doCloseHandover({ conversationId, reason: 'user-cancelled' })).toEqual({
      alreadyClosed: false,
    });
    expect(bed.fake.requestsOf('cancel-intervention')).toHaveLength(1);
    expect(bed.fake.thread(conversationId).categoryIds).toEqual([BOT_CATEGORY]);
    expect(await bed.connector.doCloseHandover({ conversationId, reason: 'user-cancelled' })).toEqual({
      alreadyClosed: true,
    });
    expect((await bed.connector.doGetStatus({ conversationId })).status).toBe('cancelled');
    await expect(
      bed.connector.doSendMessage({ conversationId, messageId: 'late', user: { id: 'u' }, text: 'hi' }),
    ).rejects.toSatisfy((e: unknown) => HandoverNotFoundError.isInstance(e));
  });

  it('close from the bot: closes an intervention the agent answered', async () => {
    bed = await startTestBed();
    const { conversationId } = await bed.connector.doStartHandover(startRequest('c2'));
    await bed.fake.say(conversationId, 'hello');
    expect(await bed.connector.doCloseHandover({ conversationId, reason: 'bot-closed' })).toEqual({
      alreadyClosed: false,
    });
    expect(bed.fake.requestsOf('close-intervention')).toHaveLength(1);
    expect(bed.fake.requestsOf('cancel-intervention')).toHaveLength(0);
  });

  it('bot close after the agent closed: nothing left to end, thread back to the bot, alreadyClosed', async () => {
    bed = await startTestBed();
    const { conversationId } = await bed.connector.doStartHandover(startRequest('c3'));
    await bed.fake.say(conversationId, 'hello');
    await bed.fake.resolve(conversationId);
    expect(await bed.connector.doCloseHandover({ conversationId, reason: 'bot-closed' })).toEqual({
      alreadyClosed: true,
    });
    expect(bed.fake.requestsOf('close-intervention')).toHaveLength(0);
    expect(bed.fake.thread(conversationId).categoryIds).toEqual([BOT_CATEGORY]);
    expect((await bed.connector.doGetStatus({ conversationId })).status).toBe('completed');
  });

  it('an unknown conversation is a HandoverNotFoundError, without a request', async () => {
    bed = await startTestBed();
    await expect(bed.connector.doGetStatus({ conversationId: 'hk-unknown' })).rejects.toSatisfy((e: unknown) =>
      HandoverNotFoundError.isInstance(e),
    );
    expect(bed.fake.requests).toHaveLength(0);
  });
});
