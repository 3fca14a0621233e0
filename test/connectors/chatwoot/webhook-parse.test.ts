import { describe, expect, it } from 'vitest';
import { BadRequestError, type HandoverEvent } from 'handover-kit';
import { handoverEventSchema } from 'handover-kit/contract';
import { parseChatwootWebhook, type ParseOptions } from 'handover-kit/connectors/chatwoot';
import { fixture, fixtureJson, webhookRequest } from '../../fakes/chatwoot/fixtures';

const options: ParseOptions = { accountId: 1, inboxId: 7, resolvedByBot: () => false };

function parse(
  body: string | Record<string, unknown>,
  extra: Partial<ParseOptions> = {},
  request: Parameters<typeof webhookRequest>[1] = {},
): HandoverEvent[] {
  const events = parseChatwootWebhook(webhookRequest(body, request), { ...options, ...extra });
  for (const e of events) handoverEventSchema.parse(e);
  return events;
}

describe('chatwoot webhook parsing: documented examples', () => {
  it('message_created by an agent → agent-message with the agent and the ISO time', () => {
    expect(parse(fixture('message-created-agent'))).toEqual([
      {
        type: 'agent-message',
        conversationId: '123',
        eventId: 'chatwoot:message:4711',
        occurredAt: Date.parse('2026-06-20T10:15:30.123Z'),
        text: "Hi, I'm Jane. How can I help?",
        agent: { id: '3', name: 'Jane', avatarUrl: 'https://cw.acme.test/jane.png' },
      },
    ]);
  });

  it('message_created with files → attachments (image kept as image, other kinds as file)', () => {
    const [event] = parse(fixture('message-created-attachment'));
    expect(event).toMatchObject({
      type: 'agent-message',
      text: '',
      attachments: [
        { type: 'image', url: 'https://cw.acme.test/rails/active_storage/blobs/redirect/abc/invoice.png' },
        { type: 'file', url: 'https://maps.test/?q=52.5,13.4', name: 'Office' },
      ],
    });
  });

  it.each([
    ['message-created-incoming', 'the user’s own message echoed back'],
    ['message-created-private', 'a private note'],
    ['message-created-agent-bot', 'an agent bot’s message'],
    ['message-updated', 'an edit or delete'],
    ['conversation-created', 'the conversation the connector created'],
    ['conversation-updated-labels', 'a change that is not the assignee'],
    ['conversation-updated-to-bot', 'a hand-over to an agent bot with status pending (the status event covers it)'],
    ['conversation-typing-private', 'typing a private note'],
  ])('%s is dropped (%s)', (name) => {
    expect(parse(fixture(name))).toEqual([]);
  });

  it('conversation_updated with a user assigned → agent-joined, id from the change stamp', () => {
    expect(parse(fixture('conversation-updated-assigned'))).toEqual([
      {
        type: 'agent-joined',
        conversationId: '123',
        eventId: 'chatwoot:conversation:123:assignee:3:1781950515.257',
        occurredAt: 1781950515257,
        agent: { id: '3', name: 'Jane', avatarUrl: 'https://cw.acme.test/jane.png' },
      },
    ]);
  });

  it('conversation_updated with the assignee removed while open → agent-left, requeued', () => {
    expect(parse(fixture('conversation-updated-unassigned'))).toEqual([
      {
        type: 'agent-left',
        conversationId: '123',
        eventId: 'chatwoot:conversation:123:assignee:none:1781950600.5',
        occurredAt: 1781950600500,
        agent: { id: '3' },
        requeued: true,
      },
    ]);
  });

  it('an open conversation taken over by an agent bot → agent-left, not requeued', () => {
    const body = fixtureJson('conversation-updated-to-bot');
    body.status = 'open';
    expect(parse(body)).toMatchObject([{ type: 'agent-left', requeued: false }]);
  });

  it('unassigned after a resolve → nothing (the status event ends the handover)', () => {
    const body = fixtureJson('conversation-updated-unassigned');
    body.status = 'resolved';
    expect(parse(body)).toEqual([]);
  });

  it('conversation_status_changed resolved → handover-completed by the agent', () => {
    expect(parse(fixture('conversation-status-resolved'))).toEqual([
      {
        type: 'handover-completed',
        conversationId: '123',
        eventId: 'chatwoot:conversation:123:status:resolved:1781950700.75',
        occurredAt: 1781950700750,
        by: 'agent',
      },
    ]);
  });

  it('resolved by this connector → by: bot', () => {
    expect(parse(fixture('conversation-status-resolved'), { resolvedByBot: (id) => id === '123' })).toMatchObject([
      { type: 'handover-completed', by: 'bot' },
    ]);
  });

  it('pending after open (handed back to the bot) → handover-completed', () => {
    expect(parse(fixture('conversation-status-pending'))).toMatchObject([
      { type: 'handover-completed', by: 'agent', conversationId: '123' },
    ]);
  });

  it('snoozed → a provider event with the snooze time; open → nothing', () => {
    expect(parse(fixture('conversation-status-snoozed'))).toMatchObject([
      { type: 'provider-event', name: 'conversation-snoozed', data: { snoozedUntil: '2026-06-21T09:00:00.000Z' } },
    ]);
    const open = fixtureJson('conversation-status-resolved');
    open.status = 'open';
    expect(parse(open)).toEqual([]);
  });

  it('conversation_typing_on by an agent → agent-typing', () => {
    const received = 1781950531000;
    expect(parse(fixture('conversation-typing-on'), {}, { delivery: 'd-1', receivedAt: received })).toEqual([
      {
        type: 'agent-typing',
        conversationId: '123',
        eventId: 'chatwoot:conversation:123:typing:on:d-1',
        occurredAt: received,
        typing: true,
        agent: { id: '3', name: 'Jane', avatarUrl: 'https://cw.acme.test/jane.png' },
      },
    ]);
  });
});

describe('chatwoot webhook parsing: typing by someone else', () => {
  it('the contact (no type) or an agent bot typing → nothing', () => {
    const contact = fixtureJson('conversation-typing-on');
    contact.user = { id: 42, name: 'Visitor', identifier: 'cg-session-abc', email: null };
    expect(parse(contact)).toEqual([]);
    const bot = fixtureJson('conversation-typing-on');
    bot.user = { id: 9, name: 'Captain', type: 'agent_bot' };
    expect(parse(bot)).toEqual([]);
  });
});

describe('chatwoot webhook parsing: scope, ids and leniency', () => {
  it('ignores events of another account or inbox (account webhooks are account-wide)', () => {
    expect(parse(fixture('message-created-agent'), { inboxId: 8 })).toEqual([]);
    expect(parse(fixture('conversation-status-resolved'), { accountId: 2 })).toEqual([]);
    expect(parse(fixture('conversation-typing-on'), { inboxId: 8 })).toEqual([]);
  });

  it('gives a redelivery (new X-Chatwoot-Delivery) or a second webhook target the same event ids', () => {
    for (const name of ['message-created-agent', 'conversation-updated-assigned', 'conversation-status-resolved']) {
      const a = parse(fixture(name), {}, { delivery: 'delivery-a' });
      const b = parse(fixture(name), {}, { delivery: 'delivery-b' });
      expect(a.map((e) => e.eventId)).toEqual(b.map((e) => e.eventId));
    }
  });

  it('older builds without updated_at: the delivery id, else a body hash, keeps ids stable per delivery', () => {
    const body = fixtureJson('conversation-status-resolved');
    delete body.updated_at;
    const [withDelivery] = parse(body, {}, { delivery: 'dlv-9' });
    expect(withDelivery!.eventId).toBe('chatwoot:conversation:123:status:resolved:dlv-9');
    const [first] = parse(body);
    const [again] = parse(body);
    expect(first!.eventId).toMatch(/^chatwoot:conversation:123:status:resolved:[0-9a-f]{32}$/);
    expect(again!.eventId).toBe(first!.eventId);
  });

  it('different changes of one conversation get different ids', () => {
    const ids = [
      'conversation-updated-assigned',
      'conversation-updated-unassigned',
      'conversation-status-resolved',
    ].map((n) => parse(fixture(n))[0]!.eventId);
    expect(new Set(ids).size).toBe(3);
  });

  it('takes the old contact sender with type "contact" and integer message types as what they are', () => {
    const body = fixtureJson('message-created-incoming');
    (body.sender as Record<string, unknown>).type = 'contact';
    expect(parse(body)).toEqual([]);
    const numeric = fixtureJson('message-created-agent');
    numeric.message_type = 1;
    expect(parse(numeric)).toHaveLength(1);
  });

  it('ignores unknown events and unknown fields', () => {
    expect(parse({ event: 'contact_created', id: 42, name: 'Visitor' })).toEqual([]);
    expect(parse({ event: 'webwidget_triggered', id: 1 })).toEqual([]);
    const extra = fixtureJson('message-created-agent');
    extra.brand_new_field = { nested: true };
    expect(parse(extra)).toHaveLength(1);
  });

  it('a sender who is not the assignee is described from the sender alone', () => {
    const body = fixtureJson('message-created-agent');
    body.sender = { id: 8, name: 'Sam Supervisor', email: 'sam@acme.test', type: 'user' };
    expect(parse(body)).toMatchObject([{ type: 'agent-message', agent: { id: '8', name: 'Sam Supervisor' } }]);
    expect(parse(body)[0]).not.toHaveProperty('agent.avatarUrl');
  });

  it('drops messages without sender, text or files', () => {
    const system = fixtureJson('message-created-agent');
    system.sender = null;
    expect(parse(system)).toEqual([]);
    const empty = fixtureJson('message-created-agent');
    empty.content = '';
    expect(parse(empty)).toEqual([]);
  });

  it('malformed bodies are BadRequestError', () => {
    for (const body of [
      '{not json',
      '[]',
      '{"id":1}',
      JSON.stringify({ event: 'message_created', id: 1 }),
      JSON.stringify({ event: 'conversation_updated', status: 'open' }),
    ]) {
      expect(() => parseChatwootWebhook(webhookRequest(body), options)).toThrow(BadRequestError);
    }
  });
});
