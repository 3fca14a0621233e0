import { describe, expect, it } from 'vitest';
import { createHandoverKit } from 'handover-kit';
import { salesforceMiawConnector } from 'handover-kit/connectors/salesforce-miaw';
import { FakeMiaw } from '../../fakes/salesforce-miaw';
import { settingsFor, waitUntil } from './harness';

describe('salesforce-miaw through the handover service', () => {
  it('a full handover: queue with wait, agent text reaches the user, user text the agent, completed', async () => {
    const fake = await FakeMiaw.start();
    const kit = await createHandoverKit({
      connectors: [salesforceMiawConnector()],
      providers: [
        { id: 'miaw', name: 'MIAW', type: 'salesforce-miaw', settings: settingsFor(fake) as Record<string, unknown> },
      ],
    });
    try {
      const session = { userId: 'u1', sessionId: 's1' };
      const start = await kit.service.startHandover({
        providerId: 'miaw',
        session,
        behaviour: { sendActiveEvent: true },
      });
      expect(start.handover.status).toBe('queue');
      const [id] = [...fake.conversations.keys()] as [string];
      await waitUntil(
        async () => (await kit.service.getHandover({ session }))?.estimatedWaitMs === 45_000,
        'the wait estimate',
      );
      fake.join(id);
      fake.say(id, 'Hello, I am Ana');
      await waitUntil(() => kit.delivery.texts(session).includes('Hello, I am Ana'), 'the agent text at the user');
      expect((await kit.service.getHandover({ session }))?.status).toBe('active');
      await kit.service.sendUserMessage({ session, text: 'hi Ana', messageId: 'm1' });
      expect(fake.userTexts(id)).toEqual(['hi Ana']);
      fake.resolve(id);
      await waitUntil(async () => (await kit.service.getHandover({ session }))?.status === 'completed', 'completed');
      expect(kit.delivery.texts(session)).toEqual(['Hello, I am Ana']); // the user's own echo never came back
    } finally {
      await kit.close();
      await fake.close();
    }
  });
});
