import { describe, expect, it } from 'vitest';
import { createHandoverKit } from 'handover-kit';
import { createFakeClock } from 'handover-kit/testing';
import { SimulatedCenters, simulatedConnector } from 'handover-kit/connectors/simulated';

describe('smoke', () => {
  it('runs a handover end to end on the simulated center', async () => {
    const clock = createFakeClock();
    const centers = new SimulatedCenters();
    const center = centers.get('default', { agents: [{ id: 'anna', name: 'Anna' }] }, clock);
    const kit = await createHandoverKit({
      connectors: [simulatedConnector({ centers })],
      clock,
      providers: [{ id: 'sim', name: 'Sim', type: 'simulated' }],
    });
    const session = { userId: 'u1', sessionId: 's1' };
    const start = await kit.service.startHandover({ providerId: 'sim', session, behaviour: { sendActiveEvent: true } });
    expect(start.handover.status).toBe('queue');
    const conv = center.accept('anna');
    center.say('anna', conv.id, 'Hello, I am Anna');
    await kit.service.idle();
    await clock.advance(1);
    expect(kit.delivery.texts(session)).toEqual(['Hello, I am Anna']);
    const view = await kit.service.getHandover({ session });
    expect(view?.status).toBe('active');
    await kit.service.sendUserMessage({ session, text: 'hi', messageId: 'm1' });
    expect(center.conversation(conv.id)!.messages.at(-1)!.text).toBe('hi');
    center.resolve('anna', conv.id);
    await clock.advance(1);
    expect(kit.delivery.events(session).map((e) => e.status)).toEqual(['active', 'completed']);
    await kit.close();
  });
});
