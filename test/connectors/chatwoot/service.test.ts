import { afterEach, describe, expect, it } from 'vitest';
import { createHandoverKit, type HandoverKit } from 'handover-kit';
import { createFakeClock } from 'handover-kit/testing';
import { startWebhookReceiver, type WebhookReceiver } from 'handover-kit/testing';
import { chatwootConnector } from 'handover-kit/connectors/chatwoot';
import { WEBHOOK_SECRET } from '../../fakes/chatwoot/harness';
import { startFakeChatwoot, type FakeChatwoot } from '../../fakes/chatwoot';

let cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanup.reverse()) await c();
  cleanup = [];
});

/** The handover service with a Chatwoot provider, the fake's inbox webhook feeding `service.ingest`. */
async function setup(flavour: 'chatwoot' | 'live-agent') {
  const clock = createFakeClock();
  const fake: FakeChatwoot = await startFakeChatwoot({ inbox: { agentBot: true } });
  const kit: HandoverKit = await createHandoverKit({
    connectors: [chatwootConnector({ retry: { baseDelayMs: 1 } })],
    clock,
    providers: [
      {
        id: 'cw',
        name: 'Chatwoot',
        type: 'chatwoot',
        settings: {
          flavour,
          baseUrl: `${fake.url}/api/v1`,
          accountId: '1',
          apiAccessToken: fake.token,
          inboxId: '7',
          webhookSecret: WEBHOOK_SECRET,
        },
      },
    ],
  });
  const { connector } = await kit.registry.connector('cw');
  const receiver: WebhookReceiver = await startWebhookReceiver(
    connector,
    (events) => void kit.service.ingest('cw', events),
  );
  fake.setWebhook(
    flavour === 'live-agent'
      ? { url: `${receiver.url}?token=${WEBHOOK_SECRET}` }
      : { url: receiver.url, secret: WEBHOOK_SECRET },
  );
  cleanup.push(
    () => fake.close(),
    () => receiver.close(),
    () => kit.close(),
  );
  const settle = async () => {
    await fake.settled();
    await kit.service.idle();
    await clock.advance(1);
  };
  return { fake, kit, receiver, settle };
}

describe.each(['chatwoot', 'live-agent'] as const)('chatwoot connector inside the handover service (%s)', (flavour) => {
  it('queue → agent joins → messages both ways → agent resolves → completed', async () => {
    const { fake, kit, receiver, settle } = await setup(flavour);
    const session = { userId: 'u1', sessionId: 's1' };
    const start = await kit.service.startHandover({
      providerId: 'cw',
      session,
      routing: { queue: 'Support', priority: 'high' },
      transcript: [{ role: 'user', text: 'agent please' }],
      behaviour: { sendActiveEvent: true },
    });
    expect(start.handover.status).toBe('queue');
    const [conversation] = [...fake.account.conversations.values()];
    expect(conversation).toMatchObject({ status: 'open', team_id: 2, priority: 'high' });

    fake.join(conversation!.id, 3);
    fake.say(conversation!.id, 'Hello, Jane here');
    await settle();
    expect(kit.delivery.texts(session)).toEqual(['Hello, Jane here']);
    expect((await kit.service.getHandover({ session }))?.status).toBe('active');

    await kit.service.sendUserMessage({ session, text: 'my order is late', messageId: 'm1' });
    await kit.service.sendUserMessage({ session, text: 'my order is late', messageId: 'm1' });
    expect(fake.userMessages(conversation!.id)).toEqual(['my order is late']);

    fake.resolve(conversation!.id);
    await settle();
    expect(kit.delivery.events(session).map((e) => e.status)).toEqual(['active', 'completed']);
    expect(receiver.rejected).toEqual([]);
  });

  it('closing from the flow resolves the conversation in Chatwoot', async () => {
    const { fake, kit, settle } = await setup(flavour);
    const session = { userId: 'u2', sessionId: 's2' };
    await kit.service.startHandover({ providerId: 'cw', session });
    const closed = await kit.service.closeHandover({ session, reason: 'user-cancelled', closeInProvider: true });
    await settle();
    expect(closed.closed).toBe(true);
    expect([...fake.account.conversations.values()][0]!.status).toBe('resolved');
  });
});
