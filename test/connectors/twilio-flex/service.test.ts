import { afterEach, describe, expect, it } from 'vitest';
import { createHandoverKit, type HandoverEvent, type HandoverKit } from 'handover-kit';
import type { HandoverConnectorV1 } from 'handover-kit/contract';
import { startWebhookReceiver, type WebhookReceiver } from 'handover-kit/testing';
import { twilioFlexConnector } from 'handover-kit/connectors/twilio-flex';
import { FakeTwilio } from '../../fakes/twilio-flex';
import { settingsFor } from './harness';

/** The connector inside the handover service: Twilio's signed webhooks go through verify → parse → ingest. */

let fake: FakeTwilio;
let kit: HandoverKit;
let receiver: WebhookReceiver;

async function start() {
  fake = await FakeTwilio.start();
  let connector: HandoverConnectorV1 | undefined;
  receiver = await startWebhookReceiver(
    { verify: (r) => connector!.webhook!.verify(r), parse: (r) => connector!.webhook!.parse(r) },
    (events) => void kit.service.ingest('tw', events as HandoverEvent[]),
  );
  kit = await createHandoverKit({
    connectors: [twilioFlexConnector()],
    providers: [
      {
        id: 'tw',
        name: 'Twilio Flex',
        type: 'twilio-flex',
        settings: settingsFor(fake, receiver.url) as Record<string, unknown>,
      },
    ],
  });
  connector = (await kit.registry.connector('tw')).connector;
}

afterEach(async () => {
  await fake.idle();
  await kit.close();
  await receiver.close();
  await fake.close();
});

const session = { userId: 'cognigy-user-1', sessionId: 'session-1' };

async function settle() {
  await fake.idle();
  await kit.service.idle();
}

describe('twilio-flex through the handover service', () => {
  it('relays both ways, reports the agent joining, completes when the agent closes the conversation', async () => {
    await start();
    const started = await kit.service.startHandover({
      providerId: 'tw',
      session,
      transcript: [{ role: 'user', text: 'human please' }],
      behaviour: { agentJoinedText: '{{agentName}} joined', sendResolveEvent: true },
    });
    expect(started.handover.status).toBe('queue');
    const conversationId = [...fake.conversations.keys()][0]!;
    await kit.service.sendUserMessage({ session, messageId: 'in-1', text: 'is anyone there?' });
    expect(fake.userTexts(conversationId)).toEqual(['is anyone there?']);

    await fake.join(conversationId);
    await fake.say(conversationId, 'Hi, Alice here');
    await settle();
    expect(kit.delivery.texts(session)).toEqual(['Alice Agent joined', 'Hi, Alice here']);
    expect((await kit.service.getHandover({ session }))!.status).toBe('active');

    await fake.resolve(conversationId);
    await settle();
    expect((await kit.service.getHandover({ session }))!.status).toBe('completed');
    expect(kit.delivery.events(session).map((e) => e.status)).toEqual(['completed']);
  });

  it('a close from the bot ends routing and the conversation, without an event from the echo', async () => {
    await start();
    await kit.service.startHandover({ providerId: 'tw', session, transcript: [] });
    const conversationId = [...fake.conversations.keys()][0]!;
    await kit.service.closeHandover({ session, reason: 'bot-closed' });
    await settle();
    expect(fake.conversation(conversationId).state).toBe('closed');
    expect(fake.taskOf(conversationId)!.status).toBe('canceled'); // never accepted: closed, not wrapping
    expect(receiver.rejected).toEqual([]);
  });
});
