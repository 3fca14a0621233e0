import { afterEach, describe, expect, it } from 'vitest';
import {
  HandoverConfigError,
  HandoverError,
  UnsupportedCapabilityError,
  type StartHandoverRequest,
} from 'handover-kit';
import { DEFAULT_START_TEXT } from 'handover-kit/connectors/genesys';
import { FAKE_DEFAULTS } from '../../fakes/genesys';
import { startTestBed, type GenesysTestBed } from './harness';

let bed: GenesysTestBed;
afterEach(async () => {
  await bed?.close();
});

const INBOUND_PATH = `/api/v2/conversations/messages/${FAKE_DEFAULTS.integrationId}/inbound/open/message`;

function startRequest(overrides: Partial<StartHandoverRequest> = {}): StartHandoverRequest {
  return {
    idempotencyKey: 'ho_1:genesys',
    user: { id: 'user-8842', name: 'Ana Ruiz', email: 'ana@example.com' },
    routing: {},
    transcript: [
      { role: 'user', text: 'My invoice is wrong' },
      { role: 'bot', text: 'Let me connect you to a person.' },
      { role: 'user', text: 'Yes please, a human' },
    ],
    customAttributes: { plan: 'gold', orders: 3, vip: true },
    locale: 'es-ES',
    ...overrides,
  };
}

describe('genesys requests: start handover', () => {
  it('posts the first inbound open message with prefetchConversationId, routing data as custom attributes', async () => {
    bed = await startTestBed();
    const result = await bed.connector.doStartHandover(startRequest());
    const [req] = bed.fake.requestsOf('inbound');
    expect(req).toMatchObject({ method: 'POST', path: INBOUND_PATH, query: { prefetchConversationId: 'true' } });
    expect(req!.headers.authorization).toMatch(/^Bearer [0-9a-f]{64}$/);
    expect(req!.headers['content-type']).toBe('application/json');
    const body = req!.body as { channel: Record<string, unknown>; text: string };
    expect(body.text).toBe('Yes please, a human');
    expect(body.channel.messageId).toMatch(/^hk-start-[0-9a-f]{32}$/);
    expect(Date.parse(body.channel.time as string)).toBe(bed.clock.now());
    expect(body.channel.from).toEqual({ id: 'user-8842', idType: 'Opaque', nickname: 'Ana Ruiz' });
    expect(body.channel.metadata).toEqual({
      customAttributes: {
        plan: 'gold',
        orders: '3',
        vip: '1',
        'handover.locale': 'es-ES',
        'handover.user.email': 'ana@example.com',
        'handover.transcript':
          'User: My invoice is wrong\nBot: Let me connect you to a person.\nUser: Yes please, a human',
      },
    });
    // The participant data Genesys keeps is what the flow reads with Get Participant Data.
    const conversation = bed.fake.conversation(result.conversationId)!;
    expect(conversation.participants.find((p) => p.purpose === 'customer')!.attributes.plan).toBe('gold');
    expect(result).toEqual({ conversationId: conversation.id, status: 'queue', estimatedWaitMs: 42_000 });
    expect(bed.fake.requestsOf('ewt')[0]!.query).toEqual({ conversationId: conversation.id });
  });

  it('is idempotent per key (one upstream message) and uses the same channel.messageId for the same key', async () => {
    bed = await startTestBed();
    const [a, b] = await Promise.all([
      bed.connector.doStartHandover(startRequest()),
      bed.connector.doStartHandover(startRequest()),
    ]);
    expect(a.conversationId).toBe(b.conversationId);
    expect(bed.fake.requestsOf('inbound')).toHaveLength(1);
  });

  it('falls back to the message details when Genesys returns no conversationId', async () => {
    bed = await startTestBed();
    bed.fake.prefetchConversationId = false;
    const result = await bed.connector.doStartHandover(startRequest({ transcript: [] }));
    const [details] = bed.fake.requestsOf('details');
    expect(details!.path).toMatch(/^\/api\/v2\/conversations\/messages\/[0-9a-f]{32}\/details$/);
    expect(bed.fake.conversation(result.conversationId)).toBeDefined();
    expect((bed.fake.requestsOf('inbound')[0]!.body as { text: string }).text).toBe(DEFAULT_START_TEXT);
  });

  it('warns that skills, priority and queue routing happen in the Architect flow, and passes them as attributes', async () => {
    bed = await startTestBed();
    const result = await bed.connector.doStartHandover(
      startRequest({ routing: { skills: ['billing', 'spanish'], priority: 'high', queue: 'vip' } }),
    );
    expect(result.warnings?.map((w) => [w.type, w.feature])).toEqual([
      ['unsupported', 'queueRouting'],
      ['unsupported', 'skills'],
      ['unsupported', 'priority'],
    ]);
    const attributes = (
      bed.fake.requestsOf('inbound')[0]!.body as { channel: { metadata: { customAttributes: Record<string, string> } } }
    ).channel.metadata.customAttributes;
    expect(attributes).toMatchObject({
      'handover.routing.skills': 'billing,spanish',
      'handover.routing.priority': 'high',
      'handover.routing.queue': 'vip',
    });
  });

  it('reads connectorOptions.genesys (nested attributes, first text, no transcript) and rejects unknown options by field', async () => {
    bed = await startTestBed();
    await bed.connector.doStartHandover(
      startRequest({
        connectorOptions: {
          genesys: {
            text: 'Billing question',
            includeTranscript: false,
            customAttributes: { order: { id: 'A-1', lines: [{ sku: 'X' }] } },
          },
        },
      }),
    );
    const body = bed.fake.requestsOf('inbound')[0]!.body as {
      text: string;
      channel: { metadata: { customAttributes: Record<string, string> } };
    };
    expect(body.text).toBe('Billing question');
    expect(body.channel.metadata.customAttributes).toMatchObject({ 'order.id': 'A-1', 'order.lines.0.sku': 'X' });
    expect(body.channel.metadata.customAttributes['handover.transcript']).toBeUndefined();
    const error = await bed.connector
      .doStartHandover(startRequest({ idempotencyKey: 'k2', connectorOptions: { genesys: { queue: 'x' } } }))
      .catch((e: unknown) => e);
    expect(HandoverConfigError.isInstance(error)).toBe(true);
    expect((error as HandoverConfigError).field).toBe('connectorOptions.genesys');
  });

  it('an estimated wait time failure is a warning, not a failed start', async () => {
    bed = await startTestBed();
    bed.fake.failNext('ewt', { status: 500 });
    const result = await bed.connector.doStartHandover(startRequest());
    expect(result.estimatedWaitMs).toBeUndefined();
    expect(result.warnings).toEqual([expect.objectContaining({ feature: 'estimatedWaitTime' })]);
    expect(bed.fake.requestsOf('ewt')).toHaveLength(1); // best effort: not retried, the start is not held up
  });
});

describe('genesys requests: messages, status, close', () => {
  it('relays each user message with one request, from the same sender, with a stable channel.messageId', async () => {
    bed = await startTestBed();
    const { conversationId } = await bed.connector.doStartHandover(startRequest());
    const before = bed.fake.requests.length;
    const user = { id: 'user-8842', name: 'Ana Ruiz' };
    const first = await bed.connector.doSendMessage({ conversationId, messageId: 'm-1', user, text: 'hello' });
    expect(bed.fake.requests.length - before).toBe(1);
    expect(first).toEqual({ duplicate: false, vendorMessageId: expect.stringMatching(/^[0-9a-f]{32}$/) });
    const again = await bed.connector.doSendMessage({ conversationId, messageId: 'm-1', user, text: 'hello' });
    expect(again.duplicate).toBe(true);
    expect(bed.fake.requests.length - before).toBe(1);
    const body = bed.fake.requestsOf('inbound').at(-1)!.body as {
      channel: { messageId: string; from: unknown };
      text: string;
    };
    expect(body.channel.from).toEqual({ id: 'user-8842', idType: 'Opaque', nickname: 'Ana Ruiz' });
    expect(body.channel.messageId).toMatch(/^hk-msg-[0-9a-f]{32}$/);
    expect(body.channel.messageId).not.toBe(
      (bed.fake.requestsOf('inbound')[0]!.body as { channel: { messageId: string } }).channel.messageId,
    );

    // A failed send can be repeated, and the repeat names the same message.
    bed.fake.failNext('inbound', { status: 503 });
    await expect(
      bed.connector.doSendMessage({ conversationId, messageId: 'm-2', user, text: 'second' }),
    ).rejects.toMatchObject({ status: 503 });
    await bed.connector.doSendMessage({ conversationId, messageId: 'm-2', user, text: 'second' });
    const [failed, repeated] = bed.fake
      .requestsOf('inbound')
      .slice(-2)
      .map((r) => JSON.parse(r.rawBody).channel.messageId);
    expect(repeated).toBe(failed);
    expect(bed.fake.userTexts(conversationId).slice(1)).toEqual(['hello', 'second']);
  });

  it('sends attachments as open-message content with a mime type', async () => {
    bed = await startTestBed();
    const { conversationId } = await bed.connector.doStartHandover(startRequest());
    const result = await bed.connector.doSendMessage({
      conversationId,
      messageId: 'm-att',
      user: { id: 'user-8842' },
      text: '',
      attachments: [
        { type: 'image', url: 'https://cdn.example.com/photos/broken.png' },
        { type: 'file', url: 'https://cdn.example.com/blob/123', name: 'scan' },
      ],
    });
    const body = bed.fake.requestsOf('inbound').at(-1)!.body as { text?: string; content: unknown };
    expect(body.text).toBeUndefined();
    expect(body.content).toEqual([
      {
        attachment: {
          mediaType: 'Image',
          url: 'https://cdn.example.com/photos/broken.png',
          mime: 'image/png',
          filename: 'broken.png',
        },
      },
      {
        attachment: {
          mediaType: 'File',
          url: 'https://cdn.example.com/blob/123',
          mime: 'application/octet-stream',
          filename: 'scan',
        },
      },
    ]);
    expect(result.warnings).toEqual([expect.objectContaining({ feature: 'attachments' })]);
  });

  it('reports status from the participants: queue (with wait), active (with the agent), completed', async () => {
    bed = await startTestBed();
    const { conversationId } = await bed.connector.doStartHandover(startRequest());
    expect(await bed.connector.doGetStatus({ conversationId })).toEqual({ status: 'queue', estimatedWaitMs: 42_000 });
    expect(bed.fake.requestsOf('conversation').at(-1)!.path).toBe(`/api/v2/conversations/messages/${conversationId}`);
    bed.fake.join(conversationId, { id: 'agent-7', name: 'Bo Agent' });
    expect(await bed.connector.doGetStatus({ conversationId })).toEqual({
      status: 'active',
      agent: { id: 'agent-7', name: 'Bo Agent' },
    });
    bed.fake.resolve(conversationId);
    expect(await bed.connector.doGetStatus({ conversationId })).toEqual({ status: 'completed' });
  });

  it('closes by PATCHing the customer participant to disconnected; a second close only reads', async () => {
    bed = await startTestBed();
    const { conversationId } = await bed.connector.doStartHandover(startRequest());
    const customer = bed.fake.conversation(conversationId)!.participants.find((p) => p.purpose === 'customer')!;
    expect(
      await bed.connector.doCloseHandover({
        conversationId,
        reason: 'user-cancelled',
        message: 'The customer left the chat.',
      }),
    ).toEqual({ alreadyClosed: false });
    const [patch] = bed.fake.requestsOf('participant');
    expect(patch).toMatchObject({
      method: 'PATCH',
      path: `/api/v2/conversations/messages/${conversationId}/participants/${customer.id}`,
      body: { state: 'disconnected' },
    });
    expect(bed.fake.userTexts(conversationId).at(-1)).toBe('The customer left the chat.');
    expect(customer.state).toBe('disconnected');
    expect(await bed.connector.doCloseHandover({ conversationId, reason: 'bot-closed' })).toEqual({
      alreadyClosed: true,
    });
    expect(bed.fake.requestsOf('participant')).toHaveLength(1);
  });
});

describe('genesys requests: availability', () => {
  it('counts joined IDLE queue members and adds the wait estimate', async () => {
    bed = await startTestBed();
    bed.fake.idleAgents = [
      { id: 'a-1', name: 'A' },
      { id: 'a-2', name: 'B' },
    ];
    expect(await bed.connector.doCheckAvailability({ routing: {} })).toEqual({
      available: true,
      agentsAvailable: 2,
      estimatedWaitMs: 42_000,
    });
    const [members] = bed.fake.requestsOf('members');
    expect(members).toMatchObject({
      path: `/api/v2/routing/queues/${FAKE_DEFAULTS.queueId}/members`,
      query: { routingStatus: 'IDLE', joined: 'true', pageSize: '100' },
    });
    bed.fake.idleAgents = [];
    expect(await bed.connector.doCheckAvailability({ routing: {} })).toMatchObject({
      available: false,
      reason: 'no-agents',
      agentsAvailable: 0,
    });
  });

  it('checks routing.queue when it is a queue id, and warns otherwise', async () => {
    bed = await startTestBed();
    const other = '11111111-2222-4333-8444-555555555555';
    await expect(bed.connector.doCheckAvailability({ routing: { queue: other } })).rejects.toMatchObject({
      status: 404,
    });
    expect(bed.fake.requestsOf('members')[0]!.path).toContain(other);
    const result = await bed.connector.doCheckAvailability({ routing: { queue: 'Billing' } });
    expect(result.warnings).toEqual([expect.objectContaining({ feature: 'queueRouting' })]);
  });

  it('without a queueId there is no availability or wait estimate: the capability is off and the call refuses', async () => {
    bed = await startTestBed({ settings: { queueId: undefined } });
    expect(bed.connector.capabilities.availability).toBe(false);
    expect(bed.connector.capabilities.estimatedWaitTime).toBe(false);
    const error = await bed.connector.doCheckAvailability({ routing: {} }).catch((e: unknown) => e);
    expect(UnsupportedCapabilityError.isInstance(error)).toBe(true);
    const result = await bed.connector.doStartHandover(startRequest());
    expect(result.estimatedWaitMs).toBeUndefined();
    expect(bed.fake.requestsOf('ewt')).toHaveLength(0);
    expect(HandoverError.isInstance(error)).toBe(true);
  });
});
