import { afterEach, describe, expect, it } from 'vitest';
import { parseChatwootWebhook } from 'handover-kit/connectors/chatwoot';
import { startChatwootTestbed, type ChatwootTestbed } from '../../fakes/chatwoot/harness';
import { fixtureJson, webhookRequest } from '../../fakes/chatwoot/fixtures';

/** Cognigy's Chatwoot / Live Agent Inbox Id reaches the connector as `routing.queue = "inbox:<id>"`. */
let bed: ChatwootTestbed | undefined;
afterEach(async () => {
  await bed?.close();
  bed = undefined;
});

const request = (queue: string) => ({
  idempotencyKey: `k-${queue}`,
  user: { id: 'u1' },
  routing: { queue },
  transcript: [],
  customAttributes: {},
});

describe('chatwoot: the inbox a node picks', () => {
  it('creates the conversation in the inbox named, when the provider lists it (not as a team)', async () => {
    bed = await startChatwootTestbed({ settings: { inboxIds: '9' } });
    await bed.connector.doStartHandover(request('inbox:9')).catch(() => undefined); // the fake has only inbox 7
    const create = bed.fake.requests.find((r) => r.method === 'POST' && r.path.endsWith('/contacts'));
    expect(bed.fake.requests[0]!.query).toMatchObject({ inbox_id: '9' });
    expect(create).toBeDefined();
    expect(bed.fake.requests.some((r) => r.path.includes('/teams'))).toBe(false);
  });

  it('an inbox the provider does not list: its own inbox, and a warning', async () => {
    bed = await startChatwootTestbed();
    const result = await bed.connector.doStartHandover(request('inbox:9'));
    expect(result.warnings).toEqual([
      expect.objectContaining({ feature: 'queueRouting', message: expect.stringContaining('Inbox 9') }),
    ]);
    const created = bed.fake.requests.find((r) => r.method === 'POST' && /\/conversations$/.test(r.path))!;
    expect((created.body as { inbox_id: number }).inbox_id).toBe(7);
  });

  it('webhooks of a listed inbox are taken; of another inbox, dropped', () => {
    const body = fixtureJson('message-created-agent') as Record<string, any>;
    const other = { ...body, inbox: { ...body.inbox, id: 9 }, conversation: { ...body.conversation, inbox_id: 9 } };
    const options = { accountId: 1, inboxId: 7, resolvedByBot: () => false };
    expect(parseChatwootWebhook(webhookRequest(other), options)).toEqual([]);
    expect(parseChatwootWebhook(webhookRequest(other), { ...options, moreInboxIds: [9] })).toHaveLength(1);
  });
});
