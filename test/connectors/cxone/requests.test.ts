import { afterEach, describe, expect, it } from 'vitest';
import {
  HandoverConfigError,
  HandoverNotFoundError,
  UnsupportedCapabilityError,
  VendorApiError,
  parseOrThrow,
  secretFields,
} from 'handover-kit/contract';
import { addedMessageId, cxoneSettingsSchema, threadIdFor } from 'handover-kit/connectors/cxone';
import { FAKE_DEFAULTS, newMessageSchema } from '../../fakes/cxone';
import { PROVIDER_ID, SharedState, connectorOn, settingsFor, startTestBed, type CxoneTestBed } from './harness';

const startRequest = (key: string, extra: Record<string, unknown> = {}) => ({
  idempotencyKey: key,
  user: { id: 'user-42', name: 'Jane van Doe' },
  routing: {},
  transcript: [
    { role: 'user' as const, text: 'I need a human' },
    { role: 'bot' as const, text: 'Connecting you' },
  ],
  customAttributes: { plan: 'gold', orders: 3 },
  ...extra,
});

describe('cxone requests', () => {
  let bed: CxoneTestBed;
  afterEach(async () => {
    await bed?.close();
  });

  it('starts with one DFO message: thread external id, transcript, author, skill and custom fields', async () => {
    bed = await startTestBed();
    const result = await bed.connector.doStartHandover(startRequest('k1'));
    expect(result).toMatchObject({ conversationId: threadIdFor(PROVIDER_ID, 'k1'), status: 'queue' });
    expect(result.estimatedWaitMs).toBeGreaterThanOrEqual(60_000); // the skill's longest current wait
    const [post] = bed.fake.requestsOf('messages');
    expect(post!.path).toBe(`/dfo/3.0/channels/${FAKE_DEFAULTS.channelId}/messages`);
    const body = newMessageSchema.parse(post!.body);
    expect(body).toMatchObject({
      direction: 'inbound',
      thread: { idOnExternalPlatform: result.conversationId },
      messageContent: { type: 'TEXT', payload: { text: 'User: I need a human\nBot: Connecting you' } },
      authorEndUserIdentity: { idOnExternalPlatform: 'user-42', firstName: 'Jane van', lastName: 'Doe' },
      contact: {
        skillId: FAKE_DEFAULTS.skillId,
        customFields: [
          { ident: 'plan', value: 'gold' },
          { ident: 'orders', value: '3' },
        ],
      },
    });
  });

  it('starts once per idempotency key, across instances sharing the state', async () => {
    bed = await startTestBed();
    const shared = new SharedState(bed.clock);
    const a = connectorOn(bed.fake, bed.clock, shared.forInstance('a'));
    const b = connectorOn(bed.fake, bed.clock, shared.forInstance('b'));
    try {
      const [one, two] = await Promise.all([
        a.doStartHandover(startRequest('same')),
        a.doStartHandover(startRequest('same')),
      ]);
      const three = await b.doStartHandover(startRequest('same'));
      expect(new Set([one.conversationId, two.conversationId, three.conversationId]).size).toBe(1);
      expect(bed.fake.requestsOf('messages')).toHaveLength(1);
    } finally {
      await a.dispose();
      await b.dispose();
    }
  });

  it('relays user messages on the same thread, once per message id (also on another instance)', async () => {
    bed = await startTestBed();
    const shared = new SharedState(bed.clock);
    const a = connectorOn(bed.fake, bed.clock, shared.forInstance('a'));
    const b = connectorOn(bed.fake, bed.clock, shared.forInstance('b'));
    try {
      const id = (await a.doStartHandover(startRequest('k'))).conversationId;
      const sent = await a.doSendMessage({
        conversationId: id,
        messageId: 'm1',
        user: { id: 'user-42' },
        text: 'hello',
        attachments: [
          { url: 'https://files.example/x.pdf', type: 'file', name: 'x.pdf' },
          { url: 'data:abc', type: 'file' },
        ],
      });
      expect(sent.duplicate).toBe(false);
      expect(sent.vendorMessageId).toMatch(/^msg-/);
      expect(sent.warnings?.[0]?.feature).toBe('attachments');
      expect(
        (await b.doSendMessage({ conversationId: id, messageId: 'm1', user: { id: 'user-42' }, text: 'hello' }))
          .duplicate,
      ).toBe(true);
      const posts = bed.fake.requestsOf('messages').map((r) => newMessageSchema.parse(r.body));
      expect(posts).toHaveLength(2);
      expect(posts[1]).toMatchObject({
        thread: { idOnExternalPlatform: id },
        messageContent: { payload: { text: 'hello' } },
        attachments: [{ friendlyName: 'x.pdf', url: 'https://files.example/x.pdf' }],
      });
      expect(posts[1]!.idOnExternalPlatform).not.toBe(posts[0]!.idOnExternalPlatform);
    } finally {
      await a.dispose();
      await b.dispose();
    }
  });

  it('sends concurrent repeats of a message once, and different messages each', async () => {
    bed = await startTestBed();
    const id = (await bed.connector.doStartHandover(startRequest('k'))).conversationId;
    const send = (messageId: string) =>
      bed.connector.doSendMessage({ conversationId: id, messageId, user: { id: 'user-42' }, text: messageId });
    const results = await Promise.all([send('m1'), send('m1'), send('m2')]);
    // The concurrent repeat sent nothing again: it says so, as a later repeat does.
    expect(results.map((r) => r.duplicate)).toEqual([false, true, false]);
    expect(results[0]!.vendorMessageId).toBe(results[1]!.vendorMessageId);
    expect((await send('m1')).duplicate).toBe(true);
    const texts = bed.fake
      .requestsOf('messages')
      .map((r) => newMessageSchema.parse(r.body).messageContent.payload.text);
    expect(texts.slice(1).sort()).toEqual(['m1', 'm2']);
  });

  it('refuses to send into an unknown or ended thread', async () => {
    bed = await startTestBed();
    await expect(
      bed.connector.doSendMessage({ conversationId: 'nope', messageId: 'm', user: { id: 'u' }, text: 'x' }),
    ).rejects.toSatisfy((e) => HandoverNotFoundError.isInstance(e));
    const id = (await bed.connector.doStartHandover(startRequest('k'))).conversationId;
    bed.fake.resolve(id);
    await bed.connector.poller.runOnce();
    await expect(
      bed.connector.doSendMessage({ conversationId: id, messageId: 'm', user: { id: 'u' }, text: 'x' }),
    ).rejects.toSatisfy((e) => HandoverNotFoundError.isInstance(e));
  });

  it('routes to routing.queue as a skill id, and warns about what CXone cannot route on', async () => {
    bed = await startTestBed();
    const result = await bed.connector.doStartHandover(
      startRequest('k', { routing: { queue: '1234', skills: ['billing'] } }),
    );
    expect(newMessageSchema.parse(bed.fake.requestsOf('messages')[0]!.body).contact?.skillId).toBe(1234);
    expect(result.warnings?.map((w) => w.feature)).toContain('skills');
    const other = await bed.connector.doStartHandover(startRequest('k2', { routing: { queue: 'billing-queue' } }));
    expect(other.warnings?.map((w) => w.feature)).toContain('queueRouting');
  });

  it('reports availability and queue figures from the skill activity', async () => {
    bed = await startTestBed();
    bed.fake.skill = {
      queueCount: 3,
      agentsAvailable: 0,
      earliestQueueTime: new Date(bed.clock.now() - 90_000).toISOString(),
    };
    expect(await bed.connector.doCheckAvailability({ routing: {} })).toEqual({
      available: false,
      reason: 'no-agents',
      agentsAvailable: 0,
      queueLength: 3,
      estimatedWaitMs: 90_000,
    });
    expect(bed.fake.requestsOf('activity')[0]!.path).toBe(
      `/incontactapi/services/v32.0/skills/${FAKE_DEFAULTS.skillId}/activity`,
    );
  });

  it('without a skill id, says availability and wait are not supported', async () => {
    bed = await startTestBed({ settings: { skillId: undefined } });
    expect(bed.connector.capabilities.availability).toBe(false);
    expect(bed.connector.capabilities.estimatedWaitTime).toBe(false);
    await expect(bed.connector.doCheckAvailability({ routing: {} })).rejects.toSatisfy((e) =>
      UnsupportedCapabilityError.isInstance(e),
    );
  });

  it('maps the contact status for doGetStatus', async () => {
    bed = await startTestBed();
    const id = (await bed.connector.doStartHandover(startRequest('k'))).conversationId;
    expect((await bed.connector.doGetStatus({ conversationId: id })).status).toBe('queue');
    bed.fake.assign(id);
    expect(await bed.connector.doGetStatus({ conversationId: id })).toMatchObject({
      status: 'active',
      agent: { id: '1234567', name: 'Ana Agent' },
    });
    bed.fake.resolve(id);
    // The poller never saw an agent: ended before anyone took it.
    expect((await bed.connector.doGetStatus({ conversationId: id })).status).toBe('cancelled');
  });

  it('closes by setting the contact status to closed, once', async () => {
    bed = await startTestBed();
    const id = (await bed.connector.doStartHandover(startRequest('k'))).conversationId;
    expect(await bed.connector.doCloseHandover({ conversationId: id, reason: 'bot-closed' })).toEqual({
      alreadyClosed: false,
    });
    expect(bed.fake.requestsOf('status').map((r) => r.body)).toEqual([{ status: 'closed' }]);
    expect(await bed.connector.doCloseHandover({ conversationId: id, reason: 'bot-closed' })).toEqual({
      alreadyClosed: true,
    });
    expect(await bed.connector.poller.tracked()).toEqual([]);
    expect(bed.events).toEqual([]); // the service's own close is not reported back
  });
});

describe('cxone settings', () => {
  const base = settingsFor({ url: 'http://127.0.0.1:1' } as never);

  it('marks the secrets and applies the documented defaults', () => {
    expect(secretFields(cxoneSettingsSchema).sort()).toEqual([
      'accessKeySecret',
      'channelClientSecret',
      'clientSecret',
    ]);
    const s = parseOrThrow(cxoneSettingsSchema, { ...base, pollIntervalMs: undefined }, 'cxone', 'settings');
    expect(s).toMatchObject({
      environment: 'commercial',
      tokenPath: '1.0/token',
      replyPath: '1.0/posts/{thread}/messages',
      dfoHostStyle: 'current',
      pollIntervalMs: 5000,
      pollRequestsPerHour: 60_000,
      sendTranscript: true,
    });
  });

  it('rejects unusable values with the field named', () => {
    const bad = (patch: Record<string, unknown>) => {
      try {
        parseOrThrow(cxoneSettingsSchema, { ...base, ...patch }, 'cxone', 'settings');
      } catch (error) {
        return HandoverConfigError.isInstance(error) ? error.field : 'other';
      }
      return undefined;
    };
    expect(bad({ channelClientSecret: 'short' })).toBe('settings.channelClientSecret');
    expect(bad({ replyPath: '../../admin' })).toBe('settings.replyPath');
    expect(bad({ authBaseUrl: 'http://example.com' })).toBe('settings.authBaseUrl');
    expect(bad({ pollRequestsPerHour: 500_000 })).toBe('settings.pollRequestsPerHour');
    expect(bad({ unknownField: 1 })).toBeDefined();
  });
});

describe('cxone user message answers', () => {
  it("reads a user message's answer for its id; an answer of another shape is a typed error", () => {
    expect(addedMessageId({ message: { id: 'm-1' }, consumerContact: {} }, 'send message')).toBe('m-1');
    expect(addedMessageId({ message: { id: 42 } }, 'send message')).toBe('42');
    expect(addedMessageId({}, 'send message')).toBeUndefined();
    expect(() => addedMessageId({ message: 'm-1' }, 'send message')).toThrow(VendorApiError);
  });
});
