import { describe, expect, it } from 'vitest';
import { session, setup } from './helpers';

const nobodyOnline = { agents: [] };
const twoProviders = (aSettings: Record<string, unknown> = {}) => [
  { id: 'a', name: 'A', type: 'simulated', settings: aSettings },
  { id: 'b', name: 'B', type: 'simulated', settings: {} },
];

describe('assignment timeout (fake clock)', () => {
  it('nobody accepts: the fallback is tried once, then the handover ends with a timeout outcome and the user is told', async () => {
    const { service, center, delivery, clock } = await setup(nobodyOnline, twoProviders());
    const started = await service.startHandover({
      providerId: 'a',
      fallbackProviderIds: ['b'],
      session,
      behaviour: { assignmentTimeoutSec: 60 },
    });
    expect(started.handover).toMatchObject({ providerId: 'a', status: 'queue' });
    const [first] = center.listConversations();

    await clock.advance(59_000);
    expect((await service.getHandover({ session }))!.providerId).toBe('a');
    await clock.advance(1_000);
    const moved = (await service.getHandover({ session }))!;
    expect(moved).toMatchObject({ providerId: 'b', status: 'queue' });
    expect(center.conversation(first!.id)!.status).not.toMatch(/queue|active/); // withdrawn at A
    expect(delivery.events(session)).toEqual([]); // still waiting: nothing for the flow yet

    await clock.advance(60_000);
    const ended = (await service.getHandover({ session }))!;
    expect(ended.status).toBe('error');
    expect(ended.error).toMatchObject({ code: 'assignment_timeout' });
    expect(ended.attempts.map((a) => [a.providerId, a.ok])).toEqual([
      ['a', true],
      ['b', true],
    ]);
    expect(delivery.texts(session)).toEqual(['Sorry, no agent is available right now.']);
    expect(delivery.events(session)).toEqual([
      expect.objectContaining({
        status: 'error',
        data: { outcome: 'timeout' },
        error: expect.objectContaining({ code: 'assignment_timeout' }),
      }),
    ]);
    expect(center.listConversations().every((c) => c.status !== 'queue')).toBe(true);

    // Tried once: nothing more happens, however long we wait.
    await clock.advance(3_600_000);
    expect((await service.getHandover({ session }))!.attempts).toHaveLength(2);
    expect(delivery.events(session)).toHaveLength(1);
  });

  it('a plain Handover to Agent with nobody online ends after the default (10 min), not never', async () => {
    const { service, delivery, clock } = await setup(nobodyOnline);
    await service.startHandover({
      providerId: 'sim',
      session,
      behaviour: { assignmentTimeoutText: 'Nobody is here, back to the bot.' },
    });
    await clock.advance(599_000);
    expect((await service.getHandover({ session }))!.status).toBe('queue');
    await clock.advance(1_000);
    expect((await service.getHandover({ session }))!.status).toBe('error');
    expect(delivery.texts(session)).toEqual(['Nobody is here, back to the bot.']);
  });

  it('the provider default applies when the node sets none; 0 on the node waits for ever', async () => {
    const { service, clock } = await setup(nobodyOnline, twoProviders({ assignmentTimeoutSec: 30 }));
    await service.startHandover({ providerId: 'a', session });
    await clock.advance(30_000);
    expect((await service.getHandover({ session }))!.error?.code).toBe('assignment_timeout');

    const other = { ...session, sessionId: 'session-2' };
    await service.startHandover({ providerId: 'a', session: other, behaviour: { assignmentTimeoutSec: 0 } });
    await clock.advance(86_400_000);
    expect((await service.getHandover({ session: other }))!.status).toBe('queue');
  });

  it('an agent accepting in time stops the clock', async () => {
    const { service, center, clock } = await setup();
    await service.startHandover({ providerId: 'sim', session, behaviour: { assignmentTimeoutSec: 60 } });
    center.accept('anna');
    await clock.advance(30_000);
    expect((await service.getHandover({ session }))!.status).toBe('active');
    await clock.advance(120_000);
    expect((await service.getHandover({ session }))!.status).toBe('active');
  });
});
