import { testConnectorRuntime } from 'handover-kit/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { HandoverConfigError, silentLogger, systemClock } from 'handover-kit';
import { TICKET_STAYS_OPEN, createZendeskConnector } from 'handover-kit/connectors/zendesk';
import { setup, startRequest, type Setup } from './helpers';

let s: Setup | undefined;
afterEach(async () => {
  await s?.close();
  s = undefined;
});

const ops = (x: Setup) =>
  x.fake.requests.map((r) => `${r.method} ${r.path.replace(x.fake.appId, ':app').replace(/[0-9a-f]{24}/g, ':id')}`);

describe('zendesk start handover', () => {
  it('creates the user and a personal conversation, posts the transcript, then passes control with routing metadata', async () => {
    s = await setup({ settings: { botDisplayName: 'Helper Bot' } });
    const result = await s.connector.doStartHandover(
      startRequest('k1', {
        routing: { queue: '360001', priority: 'medium', skills: ['Billing', 'VIP customers'] },
        customAttributes: { plan: 'gold', orders: 3, 'dataCapture.ticketField.360009': 'order-991' },
        connectorOptions: { zendesk: { tags: ['handover'] } },
      }),
    );
    expect(ops(s)).toEqual([
      'POST /sc/v2/apps/:app/users',
      'POST /sc/v2/apps/:app/conversations',
      'POST /sc/v2/apps/:app/conversations/:id/messages',
      'POST /sc/v2/apps/:app/conversations/:id/messages',
      'POST /sc/v2/apps/:app/conversations/:id/passControl',
    ]);
    const [user, conv, line1, line2, pass] = s.fake.requests;
    expect(user!.body).toEqual({
      externalId: 'user-k1',
      profile: { givenName: 'Jane Doe', email: 'jane@example.com', locale: 'en-US' },
    });
    const userId = [...s.fake.users.values()][0]!.id;
    expect(conv!.body).toEqual({ type: 'personal', participants: [{ userId }] });
    expect(line1!.body).toEqual({
      author: { type: 'user', userId },
      content: { type: 'text', text: 'I want to talk to a person' },
      metadata: { 'handoverKit.origin': 'handover-kit' },
    });
    expect(line2!.body).toEqual({
      author: { type: 'business', displayName: 'Helper Bot' },
      content: { type: 'text', text: 'Let me find someone for you' },
      metadata: { 'handoverKit.origin': 'handover-kit' },
    });
    const firstMessageId = s.fake.conversation(result.conversationId).messages[0]!.id;
    expect(pass!.body).toEqual({
      switchboardIntegration: 'zd-agentWorkspace',
      metadata: {
        first_message_id: firstMessageId,
        'dataCapture.systemField.group_id': '360001',
        'dataCapture.systemField.priority': 'normal',
        'dataCapture.systemField.tags': 'billing,vip_customers,handover',
        plan: 'gold',
        orders: 3,
        'dataCapture.ticketField.360009': 'order-991',
      },
    });
    expect(result).toEqual({ conversationId: result.conversationId, status: 'queue' });
    expect(s.fake.ticketOf(result.conversationId)!.metadata.first_message_id).toBe(firstMessageId);
    for (const r of s.fake.requests) {
      expect(r.headers.authorization).toBe(
        `Basic ${Buffer.from(`${s.fake.keyId}:${s.fake.keySecret}`).toString('base64')}`,
      );
      expect(r.headers['content-type']).toBe('application/json');
      expect(r.status).toBeLessThan(300);
    }
  });

  it('reuses an existing user (409) and their default personal conversation', async () => {
    s = await setup();
    const first = await s.connector.doStartHandover(startRequest('a', { user: { id: 'crm-42' } }));
    await s.connector.doCloseHandover({ conversationId: first.conversationId, reason: 'bot-closed' });
    s.fake.requests.length = 0;
    const second = await s.connector.doStartHandover(startRequest('b', { user: { id: 'crm-42' } }));
    expect(second.conversationId).toBe(first.conversationId);
    expect(ops(s).slice(0, 3)).toEqual([
      'POST /sc/v2/apps/:app/users',
      'GET /sc/v2/apps/:app/users/crm-42',
      'GET /sc/v2/apps/:app/conversations',
    ]);
    expect(s.fake.requests[0]!.status).toBe(409);
    expect(s.fake.requests[2]!.query).toEqual({
      'filter[userId]': [...s.fake.users.values()][0]!.id,
      'page[size]': '100',
    });
    expect(s.fake.requestsFor('createConversation')).toEqual([]);
    expect(s.fake.conversation(second.conversationId).tickets).toHaveLength(2);
  });

  it('uses connectorOptions.zendesk.conversationId as is: no user, no transcript, first_message_id passed through', async () => {
    s = await setup();
    const existing = await s.connector.doStartHandover(startRequest('seed', { transcript: [] }));
    await s.connector.doCloseHandover({ conversationId: existing.conversationId, reason: 'bot-closed' });
    s.fake.requests.length = 0;
    const result = await s.connector.doStartHandover(
      startRequest('given', {
        connectorOptions: { zendesk: { conversationId: existing.conversationId, firstMessageId: 'msg-from-widget' } },
      }),
    );
    expect(result.conversationId).toBe(existing.conversationId);
    expect(ops(s)).toEqual([
      'GET /sc/v2/apps/:app/conversations/:id',
      'POST /sc/v2/apps/:app/conversations/:id/passControl',
    ]);
    expect(s.fake.requestsFor('passControl')[0]!.body).toEqual({
      switchboardIntegration: 'zd-agentWorkspace',
      metadata: { first_message_id: 'msg-from-widget' },
    });
  });

  it('names the bad connectorOptions field', async () => {
    s = await setup({ webhook: false });
    const call = s.connector.doStartHandover(
      startRequest('bad', { connectorOptions: { zendesk: { conversationId: 42, colour: 'red' } } }),
    );
    const error = await call.catch((e) => e);
    expect(HandoverConfigError.isInstance(error)).toBe(true);
    expect((error as HandoverConfigError).issues.map((i) => i.path)).toEqual(
      expect.arrayContaining(['connectorOptions.zendesk.conversationId', 'connectorOptions.zendesk']),
    );
    expect(s.fake.requests).toEqual([]);
  });

  it('does not pass again when the agents already have the conversation', async () => {
    s = await setup({ webhook: false });
    const first = await s.connector.doStartHandover(startRequest('x', { user: { id: 'same-user' } }));
    s.fake.requests.length = 0;
    const again = await s.connector.doStartHandover(startRequest('y', { user: { id: 'same-user' } }));
    expect(again.conversationId).toBe(first.conversationId);
    expect(again.warnings?.[0]).toMatchObject({ type: 'other', feature: 'passControl' });
    expect(s.fake.requestsFor('passControl')).toEqual([]);
    expect(s.fake.requestsFor('postMessage')).toEqual([]);
  });

  it('retrying a start that failed at passControl neither creates nor posts the transcript again', async () => {
    s = await setup({ webhook: false });
    s.fake.failNext('passControl', { status: 500 });
    await expect(s.connector.doStartHandover(startRequest('retry'))).rejects.toMatchObject({ status: 500 });
    const result = await s.connector.doStartHandover(startRequest('retry'));
    expect(s.fake.requestsFor('createUser')).toHaveLength(1);
    expect(s.fake.requestsFor('postMessage')).toHaveLength(2);
    expect(s.fake.requestsFor('passControl')).toHaveLength(2);
    expect(s.fake.conversation(result.conversationId).messages).toHaveLength(2);
  });

  it('keeps metadata under 4 KB by leaving attributes out, and warns about languages', async () => {
    s = await setup({ webhook: false });
    const big = Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`attr${i}`, 'x'.repeat(150)]));
    const result = await s.connector.doStartHandover(
      startRequest('big', { customAttributes: big, routing: { languages: ['de'] } }),
    );
    const sent = (s.fake.requestsFor('passControl')[0]!.body as { metadata: Record<string, unknown> }).metadata;
    expect(Buffer.byteLength(JSON.stringify(sent))).toBeLessThanOrEqual(4096);
    expect(sent.first_message_id).toBeDefined();
    expect(sent.attr0).toBeDefined();
    expect(sent.attr39).toBeUndefined();
    expect(result.warnings?.map((w) => w.feature)).toEqual(['languages', 'customAttributes']);
  });

  it('posts only the latest transcript entries, with a warning', async () => {
    s = await setup({ webhook: false, settings: { transcriptLimit: 2 } });
    const transcript = ['one', 'two', 'three'].map((text) => ({ role: 'user' as const, text }));
    const result = await s.connector.doStartHandover(startRequest('limit', { transcript }));
    expect(s.fake.userTexts(result.conversationId)).toEqual(['two', 'three']);
    expect(result.warnings?.[0]).toMatchObject({ feature: 'transcript' });
  });
});

describe('zendesk user messages', () => {
  it('posts as the SunCo user with our message id in metadata, once per id', async () => {
    s = await setup({ webhook: false });
    const { conversationId } = await s.connector.doStartHandover(startRequest('m'));
    s.fake.requests.length = 0;
    const user = { id: 'user-m' };
    const sent = await s.connector.doSendMessage({ conversationId, messageId: 'msg-1', user, text: 'Hello' });
    const again = await s.connector.doSendMessage({ conversationId, messageId: 'msg-1', user, text: 'Hello' });
    expect(ops(s)).toEqual(['POST /sc/v2/apps/:app/conversations/:id/messages']);
    const userId = s.fake.conversation(conversationId).userId;
    expect(s.fake.requests[0]!.body).toEqual({
      author: { type: 'user', userId },
      content: { type: 'text', text: 'Hello' },
      metadata: { 'handoverKit.origin': 'handover-kit', 'handoverKit.messageId': 'msg-1' },
    });
    expect(sent).toEqual({
      duplicate: false,
      vendorMessageId: s.fake.conversation(conversationId).messages.at(-1)!.id,
    });
    expect(again).toEqual({ duplicate: true, vendorMessageId: sent.vendorMessageId });
  });

  it('sends attachments as image/file messages, long text in 4096-character parts, system notices as the business', async () => {
    s = await setup({ webhook: false });
    const { conversationId } = await s.connector.doStartHandover(startRequest('att', { transcript: [] }));
    s.fake.requests.length = 0;
    const user = { id: 'user-att' };
    await s.connector.doSendMessage({
      conversationId,
      messageId: 'a-1',
      user,
      text: 'x'.repeat(5000),
      attachments: [
        { url: 'https://cdn.example.com/p.png', type: 'image', name: 'p.png' },
        { url: 'https://cdn.example.com/doc.pdf', type: 'file' },
      ],
    });
    await s.connector.doSendMessage({
      conversationId,
      messageId: 'sys-1',
      user,
      text: 'User left the conversation',
      kind: 'system',
    });
    const bodies = s.fake
      .requestsFor('postMessage')
      .map(
        (r) =>
          r.body as { author: { type: string }; content: Record<string, unknown>; metadata: Record<string, string> },
      );
    expect(bodies.map((b) => [b.content.type, b.metadata['handoverKit.messageId']])).toEqual([
      ['text', 'a-1#1'],
      ['text', 'a-1#2'],
      ['image', 'a-1#3'],
      ['file', 'a-1#4'],
      ['text', 'sys-1'],
    ]);
    expect((bodies[0]!.content.text as string).length).toBe(4096);
    expect(bodies[2]!.content).toEqual({ type: 'image', mediaUrl: 'https://cdn.example.com/p.png', altText: 'p.png' });
    expect(bodies[4]!.author).toEqual({ type: 'business' });
  });

  it('after a restart, finds the user from the participants once', async () => {
    s = await setup({ webhook: false });
    const { conversationId } = await s.connector.doStartHandover(startRequest('restart'));
    const fresh = createZendeskConnector(
      s.settings,
      testConnectorRuntime({ clock: systemClock, logger: silentLogger, providerId: 'zd' }),
    );
    try {
      s.fake.requests.length = 0;
      for (const n of [1, 2, 3])
        await fresh.doSendMessage({ conversationId, messageId: `r-${n}`, user: { id: 'user-restart' }, text: `m${n}` });
      expect(ops(s)).toEqual([
        'GET /sc/v2/apps/:app/conversations/:id/participants',
        ...Array(3).fill('POST /sc/v2/apps/:app/conversations/:id/messages'),
      ]);
    } finally {
      await fresh.dispose?.();
    }
  });
});

describe('zendesk status and close', () => {
  it('reports queue, then active with the agent after their first message, then completed', async () => {
    s = await setup();
    const { conversationId } = await s.connector.doStartHandover(startRequest('st'));
    expect(await s.connector.doGetStatus({ conversationId })).toEqual({ status: 'queue' });
    s.fake.agentJoin(conversationId, 'Ann');
    await s.fake.agentSay(conversationId, 'hello');
    expect(await s.connector.doGetStatus({ conversationId })).toEqual({
      status: 'active',
      agent: { id: 'Ann', name: 'Ann', avatarUrl: 'https://example.zendesk.com/avatar.png' },
    });
    await s.fake.closeTicket(conversationId);
    expect(await s.connector.doGetStatus({ conversationId })).toEqual({ status: 'completed' });
    expect(s.fake.requestsFor('getConversation').map((r) => r.path)).toEqual(
      Array(3).fill(`/sc/v2/apps/${s.fake.appId}/conversations/${conversationId}`),
    );
  });

  it('reports error after Zendesk could not pass control (handover-error event)', async () => {
    s = await setup({ settings: { agentIntegration: 'no-such-integration' } });
    const { conversationId } = await s.connector.doStartHandover(startRequest('fail'));
    const error = await s.events.waitFor((e) => e.type === 'handover-error');
    expect(error).toMatchObject({ conversationId, code: 'switchboard_invalid_target' });
    expect(await s.connector.doGetStatus({ conversationId })).toEqual({ status: 'error' });
  });

  it('closes by passing control to the bot (marked, with the note first), warns that the ticket stays open, and is idempotent', async () => {
    s = await setup();
    const { conversationId } = await s.connector.doStartHandover(startRequest('close'));
    s.fake.requests.length = 0;
    const first = await s.connector.doCloseHandover({
      conversationId,
      reason: 'user-cancelled',
      message: 'The user left',
    });
    expect(first).toEqual({ alreadyClosed: false, warnings: [TICKET_STAYS_OPEN] });
    expect(ops(s)).toEqual([
      'GET /sc/v2/apps/:app/conversations/:id',
      'POST /sc/v2/apps/:app/conversations/:id/messages',
      'POST /sc/v2/apps/:app/conversations/:id/passControl',
    ]);
    expect(s.fake.requests[1]!.body).toMatchObject({
      author: { type: 'business' },
      content: { type: 'text', text: 'The user left' },
    });
    expect(s.fake.requests[2]!.body).toEqual({
      switchboardIntegration: s.fake.bot.name,
      metadata: {
        'handoverKit.origin': 'handover-kit',
        'handoverKit.closedBy': 'bot',
        'handoverKit.closeReason': 'user-cancelled',
      },
    });
    expect(s.fake.conversation(conversationId).activeId).toBe(s.fake.bot.id);
    expect(s.fake.ticketOf(conversationId)!.status).not.toBe('closed');
    expect(await s.connector.doCloseHandover({ conversationId, reason: 'bot-closed' })).toEqual({
      alreadyClosed: true,
    });
    expect(s.fake.requestsFor('passControl')).toHaveLength(1);
    await s.fake.webhooks.idle();
    expect(s.events.of(conversationId)).toEqual([]); // our own pass back is an echo, not a completion
  });
});
