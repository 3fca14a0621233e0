import { describe, expect, it } from 'vitest';
import { BadRequestError, BadSignatureError, type HandoverError } from 'handover-kit';
import { handoverEventSchema } from 'handover-kit/contract';
import {
  createZendeskWebhook,
  parseZendeskWebhook,
  verifyApiKey,
  type ZendeskWebhookOptions,
} from 'handover-kit/connectors/zendesk';
import * as fx from '../../fakes/zendesk/fixtures';
import { setup, startRequest, webhookRequest } from './helpers';

const SECRET = 'wh-secret-4f3e2d1c0b';
const options: ZendeskWebhookOptions = {
  webhookSecret: SECRET,
  appId: fx.APP_ID,
  agentIntegration: 'zd-agentWorkspace',
  botIntegration: 'bot',
};
const RECEIVED = Date.parse('2026-07-01T12:00:00.000Z');
const parse = (body: unknown, opts: ZendeskWebhookOptions = options) => parseZendeskWebhook(body, opts, RECEIVED);

function expectTyped(fn: () => unknown, type: typeof BadSignatureError | typeof BadRequestError): HandoverError {
  try {
    fn();
  } catch (error) {
    expect(type.isInstance(error), String(error)).toBe(true);
    return error as HandoverError;
  }
  throw new Error('expected an error');
}

describe('zendesk webhook: documented examples', () => {
  it('turns an Agent Workspace reply into agent-message with the SunCo ids and time', () => {
    const events = parse(fx.agentReply);
    expect(events).toEqual([
      {
        type: 'agent-message',
        conversationId: fx.CONVERSATION,
        eventId: '66a0c2aa00000000000000a1',
        occurredAt: Date.parse('2026-07-01T10:03:12.480Z'),
        text: 'Hi Jane, Sam here. Let me check your order.',
        agent: { id: 'Sam (Support)', name: 'Sam (Support)', avatarUrl: 'https://example.zendesk.com/avatar.png' },
      },
    ]);
    for (const e of events) handoverEventSchema.parse(e);
  });

  it('carries an agent image as an attachment', () => {
    const [event] = parse(fx.agentImage);
    expect(event).toMatchObject({
      type: 'agent-message',
      text: '',
      attachments: [{ url: 'https://example.zendesk.com/attachments/receipt.png', type: 'image', name: 'receipt.png' }],
    });
  });

  it('maps agent typing, and drops the user typing', () => {
    expect(parse(fx.agentTyping)).toEqual([
      {
        type: 'agent-typing',
        conversationId: fx.CONVERSATION,
        eventId: '66a1000000000000000000b8',
        occurredAt: Date.parse('2026-07-01T10:02:30.000Z'),
        typing: false,
        agent: { id: 'Sam (Support)', name: 'Sam (Support)' },
      },
    ]);
    expect(parse(fx.userTyping)).toEqual([]);
  });

  it('completes the handover (by the agent) when control comes back on a closed ticket', () => {
    expect(parse(fx.handbackTicketClosed)).toEqual([
      {
        type: 'handover-completed',
        by: 'agent',
        conversationId: fx.CONVERSATION,
        eventId: '66a1000000000000000000c1',
        occurredAt: Date.parse('2026-07-05T09:00:00.000Z'),
      },
    ]);
    expect(parse(fx.releaseTicketClosed)).toEqual([
      {
        type: 'handover-completed',
        by: 'agent',
        conversationId: fx.CONVERSATION,
        eventId: '66a1000000000000000000d1',
        occurredAt: Date.parse('2026-07-05T09:00:00.000Z'),
      },
    ]);
  });

  it('turns a failed pass into handover-error with the vendor code', () => {
    expect(parse(fx.passFailure)).toEqual([
      {
        type: 'handover-error',
        conversationId: fx.CONVERSATION,
        eventId: '66a1000000000000000000a9',
        occurredAt: Date.parse('2026-07-01T10:00:05.000Z'),
        code: 'switchboard_invalid_target',
        message: 'Switchboard invalid target',
      },
    ]);
  });

  it.each([
    ['a user message', fx.userMessage],
    ['our own transcript line (metadata marker)', fx.ownBusinessEcho],
    ['another API integration writing as the business', fx.foreignApiMessage],
    ['the ticket-closed system message', fx.ticketClosedActivity],
    ['our own pass to Agent Workspace', fx.passToAgents],
    ['our own pass back to the bot', fx.ownCloseEcho],
    ['offerControl', fx.offerControl],
    ['acceptControl', fx.acceptControl],
  ])('drops %s', (_name, body) => {
    expect(parse(body)).toEqual([]);
  });

  it('keeps the order of a batch mixing conversations, and its event ids are stable across redeliveries', () => {
    const other = structuredClone(fx.agentReply);
    other.events[0]!.id = 'evt-other';
    (other.events[0]!.payload as { conversation: { id: string } }).conversation.id = 'conv-other';
    const batch = {
      ...fx.agentReply,
      events: [...fx.userMessage.events, ...fx.agentReply.events, ...other.events, ...fx.handbackTicketClosed.events],
    };
    const first = parse(batch);
    expect(first.map((e) => [e.type, e.conversationId])).toEqual([
      ['agent-message', fx.CONVERSATION],
      ['agent-message', 'conv-other'],
      ['handover-completed', fx.CONVERSATION],
    ]);
    expect(parse(batch).map((e) => e.eventId)).toEqual(first.map((e) => e.eventId));
  });

  it('ignores unknown event types and unknown fields, and skips an event without id', () => {
    const body = {
      ...fx.agentReply,
      extra: 1,
      events: [
        { type: 'conversation:message' },
        { id: 'x1', type: 'user:merge', payload: {} },
        ...fx.agentReply.events,
      ],
    };
    expect(parse(body).map((e) => e.eventId)).toEqual(['66a0c2aa00000000000000a1']);
  });

  it('falls back to the arrival time when the event has no usable time', () => {
    const body = structuredClone(fx.handbackTicketClosed);
    body.events[0]!.createdAt = 'not a date';
    expect(parse(body)[0]!.occurredAt).toBe(RECEIVED);
  });

  it('matches the agent integration by id or type as well as by name', () => {
    for (const agentIntegration of [fx.AGENT_WORKSPACE.id, 'zd:agentWorkspace']) {
      expect(parse(fx.passToAgents, { ...options, agentIntegration })).toEqual([]);
      expect(parse(fx.handbackTicketClosed, { ...options, agentIntegration })).toHaveLength(1);
    }
  });
});

describe('zendesk webhook: verification and malformed bodies', () => {
  const webhook = createZendeskWebhook(options);

  it('accepts the shared secret in X-API-Key', () => {
    expect(() => verifyApiKey(webhookRequest(fx.agentReply, SECRET), SECRET)).not.toThrow();
    expect(webhook.parse(webhookRequest(fx.agentReply, SECRET))).toHaveLength(1);
  });

  it.each([
    ['missing', undefined],
    ['wrong', 'wh-secret-4f3e2d1c0X'],
    ['shorter', 'wh-secret'],
    ['longer', `${SECRET}-and-more`],
    ['empty', ''],
  ])('rejects a %s X-API-Key with BadSignatureError', (_name, key) => {
    const error = expectTyped(() => webhook.verify(webhookRequest(fx.agentReply, key)), BadSignatureError);
    expect(error.message).not.toContain(SECRET);
  });

  it('rejects bodies that are not JSON or not a v2 envelope, and webhooks of another app, with BadRequestError', () => {
    expectTyped(() => webhook.parse(webhookRequest('{not json', SECRET)), BadRequestError);
    expectTyped(() => webhook.parse(webhookRequest({ app: { id: fx.APP_ID } }, SECRET)), BadRequestError);
    expectTyped(() => webhook.parse(webhookRequest({ events: 'nope' }, SECRET)), BadRequestError);
    expectTyped(
      () => webhook.parse(webhookRequest({ ...fx.agentReply, app: { id: 'another-app' } }, SECRET)),
      BadRequestError,
    );
  });
});

describe('zendesk webhook: end to end with the fake', () => {
  it('the fake signs with X-API-Key; a receiver with another secret answers 401', async () => {
    const s = await setup({
      fake: { webhookSecret: 'the-real-secret-123' },
      settings: { webhookSecret: 'a-different-secret-456' },
    });
    try {
      const { conversationId } = await s.connector.doStartHandover(startRequest('e2e-1'));
      await s.fake.webhooks.idle();
      expect(s.fake.webhooks.deliveries.length).toBeGreaterThan(0);
      expect(s.fake.webhooks.deliveries.every((d) => d.status === 401)).toBe(true);
      expect(s.receiver!.rejected.every((r) => r.code === 'bad_signature')).toBe(true);
      expect(s.events.of(conversationId)).toEqual([]);
    } finally {
      await s.close();
    }
  });

  it('relays agent text and typing, drops every echo of our own calls, and completes on a closed ticket', async () => {
    const s = await setup();
    try {
      const { conversationId } = await s.connector.doStartHandover(startRequest('e2e-2'));
      await s.connector.doSendMessage({
        conversationId,
        messageId: 'u-1',
        user: { id: 'user-e2e-2' },
        text: 'Are you there?',
      });
      await s.fake.userSays(conversationId, 'typed on the widget');
      s.fake.agentJoin(conversationId, 'Ann');
      await s.fake.agentTyping(conversationId, true);
      await s.fake.agentSay(conversationId, 'Hi, Ann here');
      await s.fake.closeTicket(conversationId);
      await s.events.waitFor((e) => e.type === 'handover-completed', 5000);
      expect(s.events.of(conversationId).map((e) => e.type)).toEqual([
        'agent-typing',
        'agent-message',
        'handover-completed',
      ]);
      expect(s.events.of(conversationId)[1]).toMatchObject({ text: 'Hi, Ann here', agent: { name: 'Ann' } });
      expect(s.receiver!.rejected).toEqual([]);
      // Redelivering the same POST yields the same event ids (the service dedupes on them).
      const before = s.events.events.length;
      const index = s.fake.webhooks.deliveries.findIndex((d) => d.body.includes('Hi, Ann here'));
      await s.fake.webhooks.redeliver(index);
      expect(s.events.events.slice(before).map((e) => e.eventId)).toEqual([s.events.of(conversationId)[1]!.eventId]);
    } finally {
      await s.close();
    }
  });
});
