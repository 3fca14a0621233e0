import { afterEach, describe, expect, it } from 'vitest';
import { HandoverConfigError, RateLimitError, secretFields } from 'handover-kit/contract';
import { createTwilioFlexConnector, twilioFlexSettingsSchema } from 'handover-kit/connectors/twilio-flex';
import { MemoryConnectorState, testConnectorRuntime } from 'handover-kit/testing';
import { FAKE_TWILIO, FakeTwilio } from '../../fakes/twilio-flex';
import { settingsFor, startRequest, startTestBed, type TwilioTestBed } from './harness';

const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

describe('twilio-flex requests', () => {
  let bed: TwilioTestBed | undefined;
  afterEach(async () => {
    await bed?.close();
    bed = undefined;
  });

  it('starts: conversation, customer, transcript, scoped webhook, then the interaction with routing', async () => {
    bed = await startTestBed();
    const { connector, fake } = bed;
    const routing = { queue: 'sales', skills: ['billing'], languages: ['de'], priority: 'high' as const };
    const { conversationId } = await connector.doStartHandover(startRequest('s1', { routing, locale: 'de-DE' }));
    expect(fake.requests.map((r) => r.operation)).toEqual([
      'createConversation',
      'createParticipant',
      'createMessage',
      'createScopedWebhook',
      'createInteraction',
    ]);
    const [, participant, transcript, webhook, interaction] = fake.requests;
    expect(participant!.form.get('Identity')).toBe('handover-kit:user-s1');
    expect(transcript!.form.get('Author')).toBe('bot');
    expect(transcript!.form.get('Body')).toBe('User: I need a human\nBot: Connecting you to an agent');
    expect(transcript!.headers['x-twilio-webhook-enabled']).toBeUndefined();
    expect(webhook!.form.get('Configuration.Url')).toBe(bed.webhookUrl);
    expect(webhook!.form.getAll('Configuration.Filters')).toEqual([
      'onMessageAdded',
      'onParticipantAdded',
      'onParticipantRemoved',
      'onConversationStateUpdated',
    ]);
    expect(JSON.parse(interaction!.form.get('Channel')!)).toEqual({
      type: 'web',
      initiated_by: 'api',
      properties: { media_channel_sid: conversationId },
    });
    const props = JSON.parse(interaction!.form.get('Routing')!).properties;
    expect(props).toMatchObject({
      workspace_sid: FAKE_TWILIO.workspaceSid,
      workflow_sid: FAKE_TWILIO.workflowSid,
      task_channel_unique_name: 'chat',
      priority: 100,
    });
    expect(props.attributes).toMatchObject({
      plan: 'gold',
      conversationSid: conversationId,
      customerName: 'Jane Doe',
      channelType: 'web',
      handover: { queue: 'sales', skills: ['billing'], languages: ['de'], priority: 'high', locale: 'de-DE' },
    });
    for (const r of fake.requests)
      expect(r.headers.authorization).toBe(basic(FAKE_TWILIO.accountSid, FAKE_TWILIO.authToken));
  });

  it('relays user messages with X-Twilio-Webhook-Enabled and drops their echo', async () => {
    bed = await startTestBed();
    const { connector, fake } = bed;
    const { conversationId } = await connector.doStartHandover(startRequest('s2'));
    const sent = await connector.doSendMessage({
      conversationId,
      messageId: 'm1',
      user: { id: 'user-s2' },
      text: 'hello',
    });
    expect(sent.vendorMessageId).toMatch(/^IM[0-9a-f]{32}$/);
    const post = fake.requestsOf('createMessage').at(-1)!;
    expect(post.headers['x-twilio-webhook-enabled']).toBe('true');
    expect(post.form.get('Author')).toBe('handover-kit:user-s2');
    await fake.idle();
    expect(fake.deliveries.at(-1)).toMatchObject({
      status: 200,
      params: { Author: 'handover-kit:user-s2', Body: 'hello' },
    });
    expect(bed.events).toEqual([]); // the echo came back and was dropped
  });

  it('sends a repeated message id once: concurrent repeats share the send, a later one finds it in the state', async () => {
    bed = await startTestBed();
    const { connector, fake } = bed;
    const { conversationId } = await connector.doStartHandover(startRequest('s2d'));
    const message = { conversationId, messageId: 'm1', user: { id: 'user-s2d' }, text: 'once' };
    const [a, b] = await Promise.all([connector.doSendMessage(message), connector.doSendMessage(message)]);
    expect([a.duplicate, b.duplicate].sort()).toEqual([false, true]);
    expect(b.vendorMessageId).toBe(a.vendorMessageId);
    const later = await connector.doSendMessage(message);
    expect(later).toEqual({ vendorMessageId: a.vendorMessageId, duplicate: true });
    expect(fake.userTexts(conversationId)).toEqual(['once']);
  });

  it('a failing state read fails the send, and a repeat found in the state returns without waiting on it', async () => {
    const memory = new MemoryConnectorState().forProvider('flaky');
    let failRecords = false;
    const state = {
      ...memory,
      get: (key: string) =>
        failRecords && key.startsWith('conversation:') ? Promise.reject(new Error('state down')) : memory.get(key),
    };
    const fake = await FakeTwilio.start();
    const connector = createTwilioFlexConnector(
      settingsFor(fake, 'http://127.0.0.1:9/webhooks/flaky'),
      testConnectorRuntime({ providerId: 'flaky', state }),
    );
    try {
      const { conversationId } = await connector.doStartHandover(startRequest('s2f'));
      const message = { conversationId, messageId: 'm1', user: { id: 'user-s2f' }, text: 'once' };
      const first = await connector.doSendMessage(message);
      failRecords = true;
      // Already sent: answered from its marker; the record read fails meanwhile, unobserved (no unhandled rejection).
      const again = await connector.doSendMessage(message);
      expect(again).toEqual({ vendorMessageId: first.vendorMessageId, duplicate: true });
      await expect(connector.doSendMessage({ ...message, messageId: 'm2' })).rejects.toThrow('state down');
      expect(fake.userTexts(conversationId)).toEqual(['once']);
    } finally {
      await fake.idle();
      await connector.dispose();
      await fake.close();
    }
  });

  it('closes with the channel inactive and routing closed: the task does not hang in wrapping', async () => {
    bed = await startTestBed();
    const { connector, fake } = bed;
    const { conversationId } = await connector.doStartHandover(startRequest('s3'));
    await fake.join(conversationId);
    expect(await connector.doCloseHandover({ conversationId, reason: 'bot-closed', message: 'Goodbye' })).toEqual({
      alreadyClosed: false,
    });
    const update = fake.requestsOf('updateInteractionChannel')[0]!;
    expect(update.form.get('Status')).toBe('inactive');
    expect(JSON.parse(update.form.get('Routing')!)).toEqual({ status: 'closed' });
    expect(fake.taskOf(conversationId)!.status).toBe('completed');
    expect(fake.conversation(conversationId).state).toBe('closed');
    expect(fake.conversation(conversationId).messages.at(-1)).toMatchObject({ author: 'system', body: 'Goodbye' });
    expect(await connector.doCloseHandover({ conversationId, reason: 'bot-closed' })).toEqual({ alreadyClosed: true });
    expect(await connector.doGetStatus({ conversationId })).toEqual({ status: 'completed' });
  });

  it('closes before Flex created the channel: the conversation still closes, with a warning', async () => {
    bed = await startTestBed();
    bed.fake.deferInteractions = true;
    const { conversationId } = await bed.connector.doStartHandover(startRequest('s4'));
    const result = await bed.connector.doCloseHandover({ conversationId, reason: 'user-cancelled' });
    expect(result.warnings?.[0]?.message).toMatch(/No Flex interaction channel/);
    expect(bed.fake.conversation(conversationId).state).toBe('closed');
  });

  it('status: queue position by rank among pending tasks (priority, then age) and an estimated wait', async () => {
    bed = await startTestBed();
    const { connector, fake } = bed;
    let clock = Date.parse('2026-07-01T10:00:00Z');
    fake.now = () => clock;
    const a = await connector.doStartHandover(startRequest('q1'));
    clock += 1000;
    const b = await connector.doStartHandover(startRequest('q2'));
    clock += 1000;
    const urgent = await connector.doStartHandover(startRequest('q3', { routing: { priority: 'urgent' } }));
    clock += 30_000;
    fake.averageWaitSeconds = 90;
    expect(await connector.doGetStatus({ conversationId: urgent.conversationId })).toEqual({
      status: 'queue',
      queuePosition: 1,
      estimatedWaitMs: 60_000,
    });
    expect(await connector.doGetStatus({ conversationId: a.conversationId })).toEqual({
      status: 'queue',
      queuePosition: 2,
      estimatedWaitMs: 58_000,
    });
    expect((await connector.doGetStatus({ conversationId: b.conversationId })).queuePosition).toBe(3);
    await fake.join(a.conversationId);
    expect(await connector.doGetStatus({ conversationId: a.conversationId })).toEqual({
      status: 'active',
      agent: { id: 'alice@example.com' },
    });
    expect((await connector.doGetStatus({ conversationId: b.conversationId })).queuePosition).toBe(2);
    await fake.cancelTask(b.conversationId);
    expect(await connector.doGetStatus({ conversationId: b.conversationId })).toEqual({ status: 'cancelled' });
  });

  it('status when Flex refused the interaction (channel failed): error, with the reason', async () => {
    bed = await startTestBed();
    bed.fake.failInteractions = true;
    const { conversationId } = await bed.connector.doStartHandover(startRequest('s7'));
    const status = await bed.connector.doGetStatus({ conversationId });
    expect(status.status).toBe('error');
    expect(status.warnings?.[0]?.message).toMatch(/Channel validation error/);
  });

  it('status before Flex created the task: queue, without a position', async () => {
    bed = await startTestBed();
    bed.fake.deferInteractions = true;
    const { conversationId } = await bed.connector.doStartHandover(startRequest('s5'));
    expect(await bed.connector.doGetStatus({ conversationId })).toEqual({ status: 'queue' });
  });

  it('availability from the queue statistics; a 429 on a read is retried after Retry-After', async () => {
    bed = await startTestBed();
    const { connector, fake } = bed;
    fake.failNext('realTimeStatistics', { status: 429, retryAfterMs: 0 });
    expect(await connector.doCheckAvailability({ routing: {} })).toEqual({
      available: true,
      agentsAvailable: 2,
      queueLength: 0,
      estimatedWaitMs: 90_000,
    });
    expect(fake.requestsOf('realTimeStatistics').map((r) => r.status)).toEqual([429, 200]);
    fake.availableWorkers = 0;
    expect(await connector.doCheckAvailability({ routing: { queue: FAKE_TWILIO.otherQueueSid } })).toMatchObject({
      available: false,
      reason: 'no-agents',
    });
    expect(fake.requestsOf('realTimeStatistics').at(-1)!.path).toContain(FAKE_TWILIO.otherQueueSid);
  });

  it('a 429 on start is a RateLimitError with Retry-After; nothing half-built stays open', async () => {
    bed = await startTestBed();
    bed.fake.failNext('createInteraction', { status: 429, retryAfterMs: 7000 });
    const error = await bed.connector.doStartHandover(startRequest('s6')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RateLimitError);
    expect((error as RateLimitError).retryAfterMs).toBe(7000);
    expect((error as RateLimitError).details).toMatchObject({
      vendorCode: '20429',
      operation: 'start handover: interaction',
    });
    expect((error as RateLimitError).vendorRequestId).toMatch(/^RQ[0-9a-f]{32}$/);
    expect([...bed.fake.conversations.values()].map((c) => c.state)).toEqual(['closed']);
  });
});

describe('twilio-flex state and settings', () => {
  it('a second instance (shared state) sends as the customer, closes and maps webhooks after a restart', async () => {
    const fake = await FakeTwilio.start();
    const state = new MemoryConnectorState();
    const make = () =>
      createTwilioFlexConnector(
        settingsFor(fake, 'https://hooks.example.com/webhooks/tw', {
          apiKeySid: FAKE_TWILIO.apiKeySid,
          apiKeySecret: FAKE_TWILIO.apiKeySecret,
        }),
        testConnectorRuntime({ state: state.forProvider('tw') }),
      );
    const first = make();
    const { conversationId } = await first.doStartHandover(startRequest('r1'));
    await first.dispose();
    const second = make();
    // Same key, same conversation.
    expect((await second.doStartHandover(startRequest('r1'))).conversationId).toBe(conversationId);
    await second.doSendMessage({
      conversationId,
      messageId: 'm1',
      user: { id: 'someone-else' },
      text: 'after restart',
    });
    expect(fake.userTexts(conversationId)).toEqual(['after restart']);
    await second.doCloseHandover({ conversationId, reason: 'bot-closed' });
    expect(fake.requestsOf('updateInteractionChannel')).toHaveLength(1);
    expect(
      fake.requests.every((r) => r.headers.authorization === basic(FAKE_TWILIO.apiKeySid, FAKE_TWILIO.apiKeySecret)),
    ).toBe(true);
    await second.dispose();
    await fake.close();
  });

  it('validates settings and marks the secrets', () => {
    expect(secretFields(twilioFlexSettingsSchema).sort()).toEqual(['apiKeySecret', 'authToken']);
    const base = {
      accountSid: FAKE_TWILIO.accountSid,
      authToken: FAKE_TWILIO.authToken,
      workspaceSid: FAKE_TWILIO.workspaceSid,
      workflowSid: FAKE_TWILIO.workflowSid,
    };
    expect(twilioFlexSettingsSchema.safeParse(base).success).toBe(true);
    expect(twilioFlexSettingsSchema.safeParse({ ...base, accountSid: 'AC123' }).success).toBe(false);
    expect(twilioFlexSettingsSchema.safeParse({ ...base, apiKeySid: FAKE_TWILIO.apiKeySid }).success).toBe(false);
    expect(twilioFlexSettingsSchema.safeParse({ ...base, webhookUrl: 'http://example.com/hook' }).success).toBe(false);
    expect(() => createTwilioFlexConnector({ ...base, workspaceSid: 'nope' }, testConnectorRuntime())).toThrow(
      HandoverConfigError,
    );
  });
});
