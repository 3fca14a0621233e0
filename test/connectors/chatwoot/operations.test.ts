import { afterEach, describe, expect, it } from 'vitest';
import type { HandoverEvent, StartHandoverRequest } from 'handover-kit';
import { startChatwootTestbed, type ChatwootTestbed } from '../../fakes/chatwoot/harness';
import type { FakeChatwootOptions } from '../../fakes/chatwoot';

let bed: ChatwootTestbed | undefined;
afterEach(async () => {
  await bed?.close();
  bed = undefined;
});

async function setup(fake?: FakeChatwootOptions, settings: Record<string, unknown> = {}) {
  bed = await startChatwootTestbed({ fake, settings });
  return bed;
}

const start = (key: string, extra: Partial<StartHandoverRequest> = {}): StartHandoverRequest => ({
  idempotencyKey: key,
  user: { id: `user-${key}` },
  routing: {},
  transcript: [],
  customAttributes: {},
  ...extra,
});

async function eventsFor(b: ChatwootTestbed, id: string): Promise<HandoverEvent[]> {
  await b.fake.settled();
  expect(b.receiver.rejected).toEqual([]);
  return b.events.filter((e) => e.conversationId === id);
}

describe('chatwoot messages', () => {
  it('relays a user message as one incoming, public message; a repeat is answered from memory', async () => {
    const b = await setup();
    const { conversationId } = await b.connector.doStartHandover(start('m'));
    const before = b.fake.requests.length;
    const sent = await b.connector.doSendMessage({
      conversationId,
      messageId: 'u-1',
      user: { id: 'user-m' },
      text: 'Hello?',
    });
    const repeat = await b.connector.doSendMessage({
      conversationId,
      messageId: 'u-1',
      user: { id: 'user-m' },
      text: 'Hello?',
    });
    expect(sent).toEqual({ duplicate: false, vendorMessageId: expect.stringMatching(/^\d+$/) });
    expect(repeat).toEqual({ duplicate: true, vendorMessageId: sent.vendorMessageId });
    const calls = b.fake.requests.slice(before);
    expect(calls.map((r) => `${r.method} ${r.path}`)).toEqual([
      `POST /api/v1/accounts/1/conversations/${conversationId}/messages`,
    ]);
    expect(calls[0]!.body).toEqual({ content: 'Hello?', message_type: 'incoming', private: false });
    expect(b.fake.userMessages(conversationId)).toEqual(['Hello?']);
    // Chatwoot echoes the user's message on the inbox webhook: no event comes of it.
    expect(await eventsFor(b, conversationId)).toEqual([]);
  });

  it('system notices become private notes; attachments become links with a warning', async () => {
    const b = await setup();
    const { conversationId } = await b.connector.doStartHandover(start('s'));
    await b.connector.doSendMessage({
      conversationId,
      messageId: 'sys-1',
      user: { id: 'u' },
      text: 'User left the conversation',
      kind: 'system',
    });
    const withFile = await b.connector.doSendMessage({
      conversationId,
      messageId: 'f-1',
      user: { id: 'u' },
      text: 'See attached',
      attachments: [{ type: 'image', url: 'https://files.example.test/a.png', name: 'a.png' }],
    });
    const bodies = b.fake.requestsOf('createMessage').map((r) => r.body);
    expect(bodies).toEqual([
      { content: 'User left the conversation', message_type: 'outgoing', private: true },
      {
        content: 'See attached\n[image] a.png: https://files.example.test/a.png',
        message_type: 'incoming',
        private: false,
      },
    ]);
    expect(withFile.warnings).toEqual([{ type: 'unsupported', feature: 'attachments', message: expect.any(String) }]);
    expect(await eventsFor(b, conversationId)).toEqual([]);
  });

  it('concurrent sends of one message id make one call', async () => {
    const b = await setup();
    const { conversationId } = await b.connector.doStartHandover(start('c'));
    const results = await Promise.all(
      [1, 2].map(() =>
        b.connector.doSendMessage({ conversationId, messageId: 'same', user: { id: 'u' }, text: 'once' }),
      ),
    );
    expect(results.map((r) => r.duplicate).sort()).toEqual([false, true]);
    expect(b.fake.userMessages(conversationId)).toEqual(['once']);
  });
});

describe('chatwoot events through the fake’s signed inbox webhook', () => {
  it('join, typing, reply, private note, unassign, rejoin and resolve become the right events in order', async () => {
    const b = await setup();
    const { conversationId } = await b.connector.doStartHandover(
      start('e', { transcript: [{ role: 'user', text: 'hi' }] }),
    );
    b.fake.join(conversationId, 3);
    b.fake.typing(conversationId, true);
    b.fake.say(conversationId, 'Hi, Jane here');
    b.fake.say(conversationId, 'internal remark', { private: true });
    b.fake.typing(conversationId, true, { private: true });
    b.fake.unassign(conversationId);
    b.fake.join(conversationId, 4);
    b.fake.resolve(conversationId);
    const events = await eventsFor(b, conversationId);
    expect(events.map((e) => [e.type, 'agent' in e ? e.agent?.id : undefined])).toEqual([
      ['agent-joined', '3'],
      ['agent-typing', '3'],
      ['agent-message', '3'],
      ['agent-left', '3'],
      ['agent-joined', '4'],
      ['handover-completed', undefined],
    ]);
    expect(events.find((e) => e.type === 'agent-left')).toMatchObject({ requeued: true });
    expect(events.at(-1)).toMatchObject({ by: 'agent' });
    expect(b.fake.webhooks.deliveries.every((d) => d.status === 200)).toBe(true);
  });

  it('a resolve from the bot side arrives as completed by the bot', async () => {
    const b = await setup();
    const { conversationId } = await b.connector.doStartHandover(start('bot-close'));
    await b.connector.doCloseHandover({ conversationId, reason: 'bot-closed' });
    const events = await eventsFor(b, conversationId);
    expect(events).toMatchObject([{ type: 'handover-completed', by: 'bot' }]);
  });

  it('handed back to the bot (pending) ends the handover; snoozed is a provider event', async () => {
    const b = await setup();
    const one = (await b.connector.doStartHandover(start('p1'))).conversationId;
    const two = (await b.connector.doStartHandover(start('p2'))).conversationId;
    b.fake.setStatus(one, 'pending');
    b.fake.setStatus(two, 'snoozed');
    expect((await eventsFor(b, one)).map((e) => e.type)).toEqual(['handover-completed']);
    expect((await eventsFor(b, two)).map((e) => e.type)).toEqual(['provider-event']);
  });
});

describe('chatwoot status and close', () => {
  it('maps open/unassigned → queue, assigned → active with the agent, resolved and pending → completed', async () => {
    const b = await setup();
    const { conversationId } = await b.connector.doStartHandover(start('st'));
    expect(await b.connector.doGetStatus({ conversationId })).toEqual({ status: 'queue' });
    b.fake.join(conversationId, 3);
    expect(await b.connector.doGetStatus({ conversationId })).toEqual({
      status: 'active',
      agent: { id: '3', name: 'Jane', avatarUrl: 'https://fake.chatwoot.test/avatars/3.png' },
    });
    b.fake.setStatus(conversationId, 'pending');
    expect((await b.connector.doGetStatus({ conversationId })).status).toBe('completed');
    b.fake.resolve(conversationId);
    expect((await b.connector.doGetStatus({ conversationId })).status).toBe('completed');
    expect(b.fake.requestsOf('getConversation')[0]!.path).toBe(`/api/v1/accounts/1/conversations/${conversationId}`);
  });

  it('closes with toggle_status resolved (note first when given); a second close writes nothing', async () => {
    const b = await setup();
    const { conversationId } = await b.connector.doStartHandover(start('cl'));
    expect(
      await b.connector.doCloseHandover({
        conversationId,
        reason: 'user-cancelled',
        message: 'The user cancelled the handover.',
      }),
    ).toEqual({ alreadyClosed: false });
    expect(b.fake.requestsOf('toggleStatus').map((r) => r.body)).toEqual([{ status: 'resolved' }]);
    expect(b.fake.notes(conversationId)).toEqual(['The user cancelled the handover.']);
    expect(await b.connector.doCloseHandover({ conversationId, reason: 'user-cancelled' })).toEqual({
      alreadyClosed: true,
    });
    expect(b.fake.requestsOf('toggleStatus')).toHaveLength(1);
    expect(b.fake.conversation(conversationId).status).toBe('resolved');
  });

  it('an id that is not a Chatwoot conversation id is not found, without a call', async () => {
    const b = await setup();
    await expect(b.connector.doGetStatus({ conversationId: 'abc' })).rejects.toMatchObject({
      code: 'vendor_not_found',
    });
    expect(b.fake.requests).toHaveLength(0);
  });
});

describe('chatwoot availability', () => {
  const agents: FakeChatwootOptions['agents'] = [
    { id: 3, name: 'Jane Doe', availability: 'online' },
    { id: 4, name: 'Max Mustermann', availability: 'busy' },
    { id: 5, name: 'Eve Online', availability: 'online', inInbox: false },
    { id: 6, name: 'Sam Second', availability: 'online' },
  ];

  it('counts online inbox members; queue length = open unassigned conversations (meta, cached)', async () => {
    const b = await setup({ agents, teams: [{ id: 2, name: 'Support', members: [3, 4, 5] }] });
    await b.connector.doStartHandover(start('q1'));
    const assigned = (await b.connector.doStartHandover(start('q2'))).conversationId;
    b.fake.join(assigned, 3);
    const result = await b.connector.doCheckAvailability({ routing: {} });
    expect(result).toEqual({ available: true, agentsAvailable: 2, queueLength: 1 });
    expect(b.fake.requestsOf('inboxMembers')[0]!.path).toBe('/api/v1/accounts/1/inbox_members/7');
    expect(b.fake.requestsOf('conversationMeta')[0]!.query).toEqual({ status: 'open', inbox_id: '7' });
    await b.connector.doCheckAvailability({ routing: {} });
    expect(b.fake.requestsOf('conversationMeta')).toHaveLength(1);
  });

  it('with a team: inbox members who are in the team; skills and languages are warned about', async () => {
    const b = await setup({ agents, teams: [{ id: 2, name: 'Support', members: [3, 4, 5] }] });
    const result = await b.connector.doCheckAvailability({
      routing: { queue: 'Support', skills: ['x'], languages: ['de'] },
    });
    expect(result).toMatchObject({ available: true, agentsAvailable: 1, queueLength: 0 });
    expect(result.warnings?.map((w) => w.feature)).toEqual(['skills', 'languages']);
    expect(b.fake.requestsOf('teamMembers')[0]!.path).toBe('/api/v1/accounts/1/teams/2/team_members');
    expect(b.fake.requestsOf('conversationMeta')[0]!.query).toEqual({ status: 'open', inbox_id: '7', team_id: '2' });
  });

  it('nobody online → unavailable, reason no-agents', async () => {
    const b = await setup({ agents: [{ id: 3, name: 'Jane Doe', availability: 'offline' }] });
    expect(await b.connector.doCheckAvailability({ routing: {} })).toMatchObject({
      available: false,
      reason: 'no-agents',
      agentsAvailable: 0,
    });
    b.fake.setAvailability(3, 'online');
    expect(await b.connector.doCheckAvailability({ routing: {} })).toMatchObject({
      available: true,
      agentsAvailable: 1,
    });
  });

  it('a throttled or refused meta call leaves the queue length out, with a warning', async () => {
    const b = await setup();
    b.fake.failNext('conversationMeta', { status: 401 });
    const result = await b.connector.doCheckAvailability({ routing: {} });
    expect(result.queueLength).toBeUndefined();
    expect(result.warnings).toEqual([
      { type: 'other', feature: 'queueLength', message: expect.stringContaining('Invalid Access Token') },
    ]);
  });

  it('declares no wait time or queue position', async () => {
    const b = await setup();
    expect(b.connector.capabilities).toMatchObject({
      availability: true,
      estimatedWaitTime: false,
      queuePosition: false,
      attachments: false,
      pushEvents: false,
      webhooks: true,
    });
  });
});
