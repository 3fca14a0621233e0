import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { testConnectorRuntime } from 'handover-kit/testing';
import type { WebhookRequest } from 'handover-kit/contract';
import {
  EngageState,
  IMPLEMENTATION_INFO,
  createRingcentralConnector,
  signSdk,
} from 'handover-kit/connectors/ringcentral';

const DIR = new URL('../../fakes/ringcentral/fixtures/', import.meta.url);
const fixture = (name: string) => readFileSync(new URL(name, DIR), 'utf8');
const TOKEN = 'source-access-token-for-fixtures';
const SECRET = 'dimelo-secret-for-fixtures';

async function setup(getQueueUpdates = true) {
  const runtime = testConnectorRuntime({ providerId: 'rce-fixtures' });
  // The documented ids: Engage thread 5657…0029 is our source thread cg-session-42 of user-42.
  await new EngageState(runtime.state).saveConversation('cg-session-42', {
    threadId: '565739986b65795289000029',
    userId: 'user-42',
  });
  const connector = createRingcentralConnector(
    {
      baseApiUrl: 'https://acme.api.digital.ringcentral.com/1.0',
      apiAccessToken: 'api-token',
      realtimeEndpointUrl: 'https://acme.engagement.dimelo.com/realtime/sdk/56178fd27765625e06000a66',
      realtimeAccessToken: TOKEN,
      webhookSecret: SECRET,
      verifyToken: 'cognigy123',
      botCategoryId: '4f3951557aa58d1462017a8f',
      agentCategoryId: '50895dbea90ffb3c35001ace',
      getQueueUpdates,
    },
    runtime,
  );
  return { connector, webhook: connector.webhook! };
}

const sdkRequest = (raw: string): WebhookRequest => ({
  method: 'POST',
  url: '/webhooks/rce-fixtures',
  headers: { 'x-smccsdk-signature': signSdk(TOKEN, raw) },
  rawBody: Buffer.from(raw),
  receivedAt: Date.now(),
});
const webhookRequest = (raw: string): WebhookRequest => ({
  method: 'POST',
  url: '/webhooks/rce-fixtures',
  headers: { 'x-dimelo-secret': SECRET },
  rawBody: Buffer.from(raw),
  receivedAt: Date.now(),
});

describe('ringcentral: documented payloads (fixtures)', () => {
  it('has a fixture test below for every fixture file', () => {
    const files = readdirSync(DIR)
      .filter((f) => f.endsWith('.json'))
      .sort();
    expect(files).toEqual(Object.keys(CASES).sort());
  });

  const CASES: Record<string, (events: unknown[], answer: { status: number; body?: unknown } | undefined) => void> = {
    'webhook-intervention-assigned.json': (events) =>
      expect(events).toEqual([
        {
          type: 'agent-joined',
          conversationId: 'cg-session-42',
          eventId: 'ringcentral:event:70d340997b8cd2c6f4dfee22',
          occurredAt: Date.parse('2014-02-10T18:35:35.251Z'),
          agent: { id: '4f4f3a08a90ffb27ee000583' },
        },
      ]),
    'webhook-intervention-closed.json': (events) =>
      expect(events).toEqual([
        {
          type: 'handover-completed',
          conversationId: 'cg-session-42',
          eventId: 'ringcentral:event:81e451a08c9de3d7a5e0ff33',
          occurredAt: Date.parse('2014-02-10T18:52:10.412Z'),
          by: 'agent',
        },
      ]),
    // The end is intervention.closed; task.completed repeats it and is not relayed.
    'webhook-task-completed.json': (events) => expect(events).toEqual([]),
    // A customer content imported from our own source: we sent it, nothing to relay.
    'webhook-content-imported.json': (events) => expect(events).toEqual([]),
    'sdk-implementation-info.json': (events, answer) => {
      expect(events).toEqual([]);
      expect(answer?.body).toEqual(JSON.parse(JSON.stringify(IMPLEMENTATION_INFO)));
    },
    'sdk-messages-list.json': (events, answer) => {
      expect(events).toEqual([]);
      expect(answer?.body).toEqual([]);
    },
    'sdk-messages-create.json': (events, answer) => {
      expect(events).toEqual([
        {
          type: 'agent-message',
          conversationId: 'cg-session-42',
          eventId: 'ringcentral:content:5950328814bf8abf7f79e3cc',
          occurredAt: Date.parse('2012-10-01T17:18:40Z'),
          text: 'Hello, I am Jane from RingCentral. How can I help?',
          attachments: [{ url: 'https://www.ringcentral.com/brand.png', type: 'image', name: 'brand.png' }],
          agent: { id: '4f4f3a08a90ffb27ee000583', name: 'Jane from RingCentral' },
        },
      ]);
      expect((answer!.body as { id: string }).id).toBe('hk-agent-5950328814bf8abf7f79e3cc');
    },
    'sdk-private-messages-create.json': (events) =>
      expect(events).toMatchObject([
        { type: 'agent-message', conversationId: 'cg-session-42', text: 'Sending you the form privately.' },
      ]),
    'sdk-queuing-update.json': (events) =>
      expect(events).toMatchObject([
        { type: 'queue-updated', conversationId: 'cg-session-42', position: 1, estimatedWaitMs: 30_000 },
      ]),
  };

  for (const [name, check] of Object.entries(CASES)) {
    it(`${name}: verified and turned into the expected events`, async () => {
      const { connector, webhook } = await setup();
      const raw = fixture(name).trim();
      const isSdk = name.startsWith('sdk-');
      const request = isSdk ? sdkRequest(raw) : webhookRequest(raw);
      const reply = await webhook.handle!(request);
      if (isSdk) {
        expect(reply).toBeDefined();
        // The answer is signed with the same token, over its exact bytes.
        expect(reply!.headers!['x-smccsdk-signature']).toBe(signSdk(TOKEN, reply!.body as string));
        check(reply!.events ?? [], { status: reply!.status, body: JSON.parse(reply!.body as string) });
      } else {
        expect(reply).toBeUndefined();
        await webhook.verify(request);
        check(await webhook.parse(request), undefined);
      }
      await connector.dispose();
    });
  }

  it('queue updates are not relayed with Get Queue Updates off', async () => {
    const { connector, webhook } = await setup(false);
    const reply = await webhook.handle!(sdkRequest(fixture('sdk-queuing-update.json').trim()));
    expect(reply?.status).toBe(200);
    expect(reply?.events).toEqual([]);
    await connector.dispose();
  });
});
