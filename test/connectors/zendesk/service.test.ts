import { afterEach, describe, expect, it } from 'vitest';
import { createHandoverKit, type HandoverKit, type HandoverEvent } from 'handover-kit';
import { startWebhookReceiver, type WebhookReceiver } from 'handover-kit/testing';
import { zendeskConnector } from 'handover-kit/connectors/zendesk';
import { FakeZendesk } from '../../fakes/zendesk';
import { suncoSettingsOf } from './helpers';

/** The connector inside the handover service: webhooks from the fake go through verify → parse → ingest. */

let fake: FakeZendesk;
let kit: HandoverKit;
let receiver: WebhookReceiver;

async function start() {
  fake = await FakeZendesk.start();
  kit = await createHandoverKit({
    connectors: [zendeskConnector({ retry: { baseDelayMs: 1 } })],
    providers: [
      {
        id: 'zd',
        name: 'Zendesk',
        type: 'zendesk',
        settings: suncoSettingsOf(fake),
      },
    ],
  });
  const { connector } = await kit.registry.connector('zd');
  receiver = await startWebhookReceiver(
    connector,
    (events) => void kit.service.ingest('zd', events as HandoverEvent[]),
  );
  fake.setWebhookUrl(receiver.url);
}

afterEach(async () => {
  await fake.webhooks.idle();
  await kit.close();
  await receiver.close();
  await fake.close();
});

const session = { userId: 'cognigy-user-1', sessionId: 'session-1' };

async function settle() {
  await fake.webhooks.idle();
  await kit.service.idle();
}

describe('zendesk through the handover service', () => {
  it('relays both ways, marks the handover active on the first agent message, dedupes a redelivery, completes on a closed ticket', async () => {
    await start();
    const started = await kit.service.startHandover({
      providerId: 'zd',
      session,
      transcript: [{ role: 'user', text: 'human please' }],
      behaviour: { agentJoinedText: '{{agentName}} joined', sendResolveEvent: true },
    });
    expect(started.handover.status).toBe('queue');
    const conversationId = [...fake.conversations.keys()][0]!;
    await kit.service.sendUserMessage({ session, messageId: 'in-1', text: 'is anyone there?' });
    expect(fake.userTexts(conversationId)).toEqual(['human please', 'is anyone there?']);

    fake.agentJoin(conversationId, 'Ann');
    await fake.agentSay(conversationId, 'Hi, Ann here');
    await settle();
    expect(kit.delivery.texts(session)).toEqual(['Ann joined', 'Hi, Ann here']);
    expect((await kit.service.getHandover({ session }))!.status).toBe('active');

    await fake.webhooks.redeliver(fake.webhooks.deliveries.findIndex((d) => d.body.includes('Hi, Ann here')));
    await settle();
    expect(kit.delivery.texts(session)).toEqual(['Ann joined', 'Hi, Ann here']);

    await fake.closeTicket(conversationId);
    await settle();
    expect((await kit.service.getHandover({ session }))!.status).toBe('completed');
    expect(kit.delivery.events(session).map((e) => e.status)).toEqual(['completed']);
  });

  it('closing from the bot hands control back and ends the handover without a second event from the echo', async () => {
    await start();
    await kit.service.startHandover({ providerId: 'zd', session, transcript: [] });
    const conversationId = [...fake.conversations.keys()][0]!;
    const closed = await kit.service.closeHandover({ session, reason: 'bot-closed' });
    await settle();
    expect(closed).toMatchObject({ closed: true, handover: { status: 'completed' } });
    expect(closed).not.toHaveProperty('providerError');
    expect(fake.conversation(conversationId).activeId).toBe(fake.bot.id);
    expect(receiver.rejected).toEqual([]);
    expect(kit.delivery.events(session)).toEqual([]);
  });
});
