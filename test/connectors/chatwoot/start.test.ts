import { afterEach, describe, expect, it } from 'vitest';
import { HandoverConfigError, type StartHandoverRequest } from 'handover-kit';
import { sourceIdFor } from 'handover-kit/connectors/chatwoot';
import { connectorFor, startChatwootTestbed, type ChatwootTestbed } from '../../fakes/chatwoot/harness';
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

function request(key: string, overrides: Partial<StartHandoverRequest> = {}): StartHandoverRequest {
  return {
    idempotencyKey: key,
    user: { id: 'cg-user-1', name: 'Visitor One', email: 'visitor@example.test' },
    routing: {},
    transcript: [
      { role: 'user', text: 'I need a human', at: Date.parse('2026-06-20T10:14:00Z') },
      { role: 'bot', text: 'Connecting you to an agent' },
    ],
    customAttributes: { plan: 'gold', orders: 3 },
    locale: 'de-DE',
    ...overrides,
  };
}

describe('chatwoot start: requests on the wire', () => {
  it('looks up the key, creates contact and open conversation, posts the transcript note — real paths, auth header, JSON', async () => {
    const { fake, connector } = await setup();
    const result = await connector.doStartHandover(request('key-1'));
    expect(result).toEqual({ conversationId: expect.stringMatching(/^\d+$/), status: 'queue' });
    const sourceId = sourceIdFor('key-1');
    expect(fake.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      'GET /api/v1/accounts/1/conversations',
      'POST /api/v1/accounts/1/contacts',
      'POST /api/v1/accounts/1/conversations',
      `POST /api/v1/accounts/1/conversations/${result.conversationId}/messages`,
    ]);
    for (const r of fake.requests) {
      expect(r.headers['api_access_token']).toBe(fake.token);
      expect(r.headers.accept).toBe('application/json');
      if (r.method === 'POST') expect(r.headers['content-type']).toBe('application/json');
    }
    expect(fake.requests[0]!.query).toEqual({ source_id: sourceId, inbox_id: '7', status: 'all' });
    expect(fake.requests[1]!.body).toEqual({
      identifier: 'cg-user-1',
      name: 'Visitor One',
      email: 'visitor@example.test',
    });
    expect(fake.requests[2]!.body).toEqual({
      source_id: sourceId,
      inbox_id: 7,
      contact_id: expect.any(Number),
      status: 'open',
      custom_attributes: { plan: 'gold', orders: 3 },
      additional_attributes: { handover_key: sourceId, conversation_language: 'de-DE' },
    });
    expect(fake.requests[3]!.body).toEqual({
      content:
        'Conversation with the bot before the handover:\n[10:14 UTC] User: I need a human\nBot: Connecting you to an agent',
      message_type: 'outgoing',
      private: true,
    });
    const conversation = fake.conversation(result.conversationId);
    expect(conversation.status).toBe('open');
    expect(fake.notes(result.conversationId)).toHaveLength(1);
  });

  it('an inbox with an agent bot forces pending: the connector opens it with toggle_status', async () => {
    const { fake, connector } = await setup({ inbox: { agentBot: true } });
    const { conversationId } = await connector.doStartHandover(request('key-bot'));
    const toggle = fake.requestsOf('toggleStatus');
    expect(toggle).toHaveLength(1);
    expect(toggle[0]!.path).toBe(`/api/v1/accounts/1/conversations/${conversationId}/toggle_status`);
    expect(toggle[0]!.body).toEqual({ status: 'open' });
    expect(fake.conversation(conversationId).status).toBe('open');
  });

  it('routing: team by id, "team:<id>" or name (teams listed once), priority, labels from settings, options, skills and languages', async () => {
    const { fake, connector } = await setup(
      {
        teams: [
          { id: 2, name: 'Support', members: [3] },
          { id: 5, name: 'Billing Team', members: [4] },
        ],
      },
      { labels: 'handover, VIP' },
    );
    const a = await connector.doStartHandover(
      request('r-1', {
        routing: { queue: '5', priority: 'high', skills: ['Billing Disputes'], languages: ['German'] },
        connectorOptions: { chatwoot: { labels: ['from-flow'] } },
      }),
    );
    expect(fake.requestsOf('createConversation')[0]!.body).toMatchObject({ team_id: 5 });
    expect(fake.requestsOf('togglePriority')[0]!.body).toEqual({ priority: 'high' });
    expect(fake.requestsOf('setLabels')[0]!.body).toEqual({
      labels: ['handover', 'vip', 'from-flow', 'billing-disputes', 'german'],
    });
    expect(a.warnings?.map((w) => [w.type, w.feature])).toEqual([
      ['unsupported', 'skills'],
      ['unsupported', 'languages'],
    ]);
    expect(fake.conversation(a.conversationId).priority).toBe('high');

    await connector.doStartHandover(request('r-2', { routing: { queue: 'team:2' } }));
    await connector.doStartHandover(request('r-3', { routing: { queue: 'billing team' } }));
    await connector.doStartHandover(request('r-4', { routing: { queue: 'Billing Team' } }));
    expect(
      fake
        .requestsOf('createConversation')
        .slice(1)
        .map((r) => (r.body as { team_id?: number }).team_id),
    ).toEqual([2, 5, 5]);
    expect(fake.requestsOf('teams')).toHaveLength(1);
  });

  it('an unknown team name falls back to the default team with a warning; priority none on a new conversation costs no call', async () => {
    const { fake, connector } = await setup(undefined, { teamId: 2 });
    const result = await connector.doStartHandover(request('u-1', { routing: { queue: 'Nobody', priority: 'none' } }));
    expect(fake.requestsOf('createConversation')[0]!.body).toMatchObject({ team_id: 2 });
    expect(result.warnings).toEqual([
      {
        type: 'other',
        feature: 'queueRouting',
        message: expect.stringContaining('No Chatwoot team is named "Nobody"'),
      },
    ]);
    expect(fake.requestsOf('togglePriority')).toHaveLength(0);
  });

  it('assignee from connectorOptions: the handover starts active with the agent', async () => {
    const { fake, connector } = await setup();
    const result = await connector.doStartHandover(
      request('a-1', { connectorOptions: { chatwoot: { assigneeId: 3 } } }),
    );
    expect(fake.requestsOf('createConversation')[0]!.body).toMatchObject({ assignee_id: 3 });
    expect(result).toMatchObject({ status: 'active', agent: { id: '3', name: 'Jane' } });
  });

  it('bad connectorOptions are a config error naming the field', async () => {
    const { connector } = await setup();
    const error = await connector
      .doStartHandover(request('o-1', { connectorOptions: { chatwoot: { assigneeId: 'three' } } }))
      .catch((e) => e);
    expect(HandoverConfigError.isInstance(error)).toBe(true);
    expect((error as HandoverConfigError).field).toBe('connectorOptions.chatwoot.assigneeId');
  });
});

describe('chatwoot start: idempotency and reuse', () => {
  it('the same key gives the same conversation, also from a fresh connector instance (found by source_id), without a second transcript', async () => {
    const { fake, connector } = await setup();
    const first = await connector.doStartHandover(request('same'));
    const again = await connector.doStartHandover(request('same'));
    expect(again.conversationId).toBe(first.conversationId);

    // A restarted gateway: no memory, the conversation is found by its contact-inbox source id.
    const restarted = connectorFor(fake);
    const third = await restarted.doStartHandover(request('same')).finally(() => restarted.dispose());
    expect(third.conversationId).toBe(first.conversationId);
    expect(fake.requestsOf('createConversation')).toHaveLength(1);
    expect(fake.notes(first.conversationId)).toHaveLength(1);
  });

  it('concurrent starts with one key create one conversation', async () => {
    const { fake, connector } = await setup();
    const results = await Promise.all([1, 2, 3].map(() => connector.doStartHandover(request('race'))));
    expect(new Set(results.map((r) => r.conversationId)).size).toBe(1);
    expect(fake.requestsOf('createConversation')).toHaveLength(1);
  });

  it('a reused conversation that is resolved is reopened, its routing and attributes brought up to date (merged)', async () => {
    const { fake, connector } = await setup();
    const { conversationId } = await connector.doStartHandover(request('reuse'));
    fake.conversation(conversationId).custom_attributes.set_by_agent = 'keep me';
    fake.resolve(conversationId);
    const fresh = connectorFor(fake);
    await fresh
      .doStartHandover(
        request('reuse', { routing: { queue: '2', priority: 'none' }, customAttributes: { plan: 'platinum' } }),
      )
      .finally(() => fresh.dispose());
    const c = fake.conversation(conversationId);
    expect(c.status).toBe('open');
    expect(c.team_id).toBe(2);
    expect(c.custom_attributes).toEqual({ plan: 'platinum', orders: 3, set_by_agent: 'keep me' });
    expect(fake.requestsOf('assignments').map((r) => r.body)).toEqual([{ team_id: 2 }]);
    // "none" on an existing conversation is sent as null (Chatwoot has no "none"); nothing to clear here, so no call.
    expect(fake.requestsOf('togglePriority')).toHaveLength(0);
  });

  it('priority none clears an existing priority with null', async () => {
    const { fake, connector } = await setup();
    const { conversationId } = await connector.doStartHandover(request('prio', { routing: { priority: 'urgent' } }));
    expect(fake.conversation(conversationId).priority).toBe('urgent');
    await connector.doStartHandover(request('prio', { routing: { priority: 'none' } }));
    expect(fake.requestsOf('togglePriority').map((r) => r.body)).toEqual([{ priority: 'urgent' }, { priority: null }]);
    expect(fake.conversation(conversationId).priority).toBeNull();
  });

  it('a build that ignores the source_id filter is not fooled: only the handover_key marker counts', async () => {
    const { fake, connector } = await setup();
    const other = await connector.doStartHandover(request('other-key'));
    // Simulate the old build: whatever source_id is asked, it lists every conversation.
    const behaviour = fake.behaviour as unknown as { listConversations: (i: { query: URLSearchParams }) => unknown };
    const original = behaviour.listConversations.bind(fake.behaviour);
    behaviour.listConversations = ({ query }) => {
      const q = new URLSearchParams(query);
      q.delete('source_id');
      return original({ query: q });
    };
    const mine = connectorFor(fake);
    const result = await mine.doStartHandover(request('my-key')).finally(() => mine.dispose());
    expect(result.conversationId).not.toBe(other.conversationId);
  });
});

describe('chatwoot start: contacts', () => {
  it('reuses the contact of a known identifier (422 → search → exact identifier match)', async () => {
    const { fake, connector } = await setup();
    await connector.doStartHandover(request('c-1'));
    const fresh = connectorFor(fake);
    await fresh.doStartHandover(request('c-2')).finally(() => fresh.dispose());
    expect(fake.requestsOf('createContact').map((r) => r.status)).toEqual([200, 422]);
    expect(fake.requestsOf('searchContacts')[0]!.query).toEqual({ q: 'cg-user-1', include_contact_inboxes: 'false' });
    const [a, b] = fake.requestsOf('createConversation').map((r) => (r.body as { contact_id: number }).contact_id);
    expect(b).toBe(a);
    expect(fake.account.contacts.size).toBe(1);
  });

  it('the same instance remembers the contact: no second create', async () => {
    const { fake, connector } = await setup();
    await connector.doStartHandover(request('m-1'));
    await connector.doStartHandover(request('m-2'));
    expect(fake.requestsOf('createContact')).toHaveLength(1);
  });

  it('an email owned by another contact: created without it, with a warning; a non-E.164 phone is left out', async () => {
    const { fake, connector } = await setup();
    await connector.doStartHandover(request('e-1', { user: { id: 'someone-else', email: 'shared@example.test' } }));
    const result = await connector.doStartHandover(
      request('e-2', { user: { id: 'new-user', email: 'shared@example.test', phone: '0049 170 123' } }),
    );
    const creates = fake.requestsOf('createContact').slice(1);
    expect(creates.map((r) => [r.status, r.body])).toEqual([
      [422, { identifier: 'new-user', email: 'shared@example.test' }],
      [200, { identifier: 'new-user' }],
    ]);
    expect(result.warnings?.map((w) => w.feature)).toEqual(['contact', 'contact']);
    const withPhone = await connector.doStartHandover(
      request('e-3', { user: { id: 'phone-user', phone: '+49 170 1234567' } }),
    );
    expect(withPhone.warnings).toBeUndefined();
    expect(fake.requestsOf('createContact').at(-1)!.body).toEqual({
      identifier: 'phone-user',
      phone_number: '+491701234567',
    });
  });

  it('extras that fail (labels, transcript) become warnings: the handover stands', async () => {
    const { fake, connector } = await setup(undefined, { labels: 'vip' });
    fake.failNext('setLabels', { status: 500 }, 3);
    fake.failNext('createMessage', { status: 422 });
    const result = await connector.doStartHandover(request('x-1'));
    expect(result.status).toBe('queue');
    expect(result.warnings?.map((w) => w.feature)).toEqual(['labels', 'transcript']);
    expect(fake.requestsOf('setLabels')).toHaveLength(3); // idempotent: retried
    expect(fake.requestsOf('createMessage')).toHaveLength(1); // not idempotent: never retried
  });
});
