import { describe, expect, it } from 'vitest';
import { HandoverTimeoutError } from 'handover-kit';
import { session, setup } from './helpers';

const MINUTE = 60_000;

describe('handover service: inactivity', () => {
  it('fires once per arming after the configured minutes, and counts up across re-arms (as Cognigy)', async () => {
    const { service, delivery, clock } = await setup();
    // Queued for twelve minutes on purpose: no assignment timeout ends it meanwhile.
    await service.startHandover({ providerId: 'sim', session, behaviour: { assignmentTimeoutSec: 0 } });
    expect(await service.setInactivity({ session, minutes: 2 })).toMatchObject({ armed: true });
    await clock.advance(2 * MINUTE - 1);
    expect(delivery.events(session)).toEqual([]);
    await clock.advance(1);
    expect(delivery.events(session)).toEqual([
      expect.objectContaining({ status: 'queue', eventType: 'handoverInactivity', inactivityCount: 1 }),
    ]);
    await clock.advance(10 * MINUTE);
    expect(delivery.events(session).map((e) => e.inactivityCount)).toEqual([1]); // not re-armed: no second expiry
    await service.setInactivity({ session, minutes: 2 }); // the flow re-arms it (the recipe does)
    await clock.advance(2 * MINUTE);
    expect(delivery.events(session).map((e) => e.inactivityCount)).toEqual([1, 2]);
    expect((await service.getHandover({ session }))!.inactivityCount).toBe(2);
  });

  it('a user message resets the timer and the count', async () => {
    const { service, delivery, clock } = await setup();
    await service.startHandover({ providerId: 'sim', session });
    await service.setInactivity({ session, minutes: 1 });
    await clock.advance(MINUTE);
    expect(delivery.events(session).map((e) => e.inactivityCount)).toEqual([1]);
    await clock.advance(MINUTE / 2);
    await service.sendUserMessage({ session, text: 'still here', messageId: 'm1' });
    expect((await service.getHandover({ session }))!.inactivityCount).toBe(0);
    await clock.advance(MINUTE / 2 + 1000);
    expect(delivery.events(session).map((e) => e.inactivityCount)).toEqual([1]); // reset: not due yet
    await clock.advance(MINUTE / 2);
    expect(delivery.events(session).map((e) => e.inactivityCount)).toEqual([1, 1]);
  });

  it('closes automatically on the K-th expiry and tells the flow', async () => {
    const { service, delivery, clock, center } = await setup();
    await service.startHandover({ providerId: 'sim', session });
    center.accept('anna');
    await service.setInactivity({ session, minutes: 1, autoCloseAfter: 2 });
    await clock.advance(2 * MINUTE);
    expect(delivery.events(session).map((e) => [e.status, e.eventType, e.inactivityCount])).toEqual([
      ['active', 'handoverInactivity', 1],
      ['active', 'handoverInactivity', 2],
      ['completed', undefined, undefined],
    ]);
    expect(center.listConversations()[0]!.status).toBe('completed'); // closed at the contact center too
    await clock.advance(10 * MINUTE);
    expect(delivery.events(session)).toHaveLength(3); // nothing fires after the end
  });

  it('only arms while a handover is live', async () => {
    const { service } = await setup();
    expect(await service.setInactivity({ session, minutes: 1 })).toEqual({ armed: false, handover: null });
    await service.startHandover({ providerId: 'sim', session });
    await service.closeHandover({ session });
    expect(await service.setInactivity({ session, minutes: 1 })).toMatchObject({
      armed: false,
      handover: { status: 'completed' },
    });
  });
});

describe('handover service: queue notifications', () => {
  const hours = {
    queues: [{ id: 'support', averageHandleTimeSec: 240 }],
    agents: [{ id: 'anna', name: 'Anna', capacity: 1, status: 'busy' as const }],
  };

  it('sends position and wait at their intervals while queued, with the figures', async () => {
    const { service, delivery, clock, center } = await setup(hours);
    const other = { userId: 'u0', sessionId: 's0' };
    await service.startHandover({ providerId: 'sim', session: other });
    await service.startHandover({
      providerId: 'sim',
      session,
      behaviour: {
        queueUpdates: {
          asText: true,
          position: { intervalSec: 30 },
          waitTime: { intervalSec: 60 },
          waitTimeText: 'About [[waitMinutes]] min ([[estimatedWaitTime]] ms)',
        },
      },
    });
    await clock.advance(29_000);
    expect(delivery.texts(session)).toEqual([]);
    await clock.advance(1_000);
    expect(delivery.texts(session)).toEqual(['You are number 2 in the queue.']);
    await clock.advance(30_000);
    // Anna (capacity 1, busy) would need two handle times of 4 minutes: 8 minutes.
    expect(delivery.texts(session)).toEqual([
      'You are number 2 in the queue.',
      'About 8 min (480000 ms)',
      'You are number 2 in the queue.',
    ]);
    center.setAgentStatus('anna', 'available');
    center.accept('anna', center.listConversations()[0]!.id); // the first user is served: we move up
    await clock.advance(30_000);
    expect(delivery.texts(session).at(-1)).toBe('You are number 1 in the queue.');
    center.accept('anna', center.listConversations()[1]!.id); // (capacity check is the desk's business)
    const before = delivery.texts(session).length;
    await clock.advance(5 * MINUTE);
    expect(delivery.texts(session)).toHaveLength(before); // no queue updates once active
  });

  it('by default re-enters the flow with queueUpdate events (no text to the user), interval unset = 30 s', async () => {
    const { service, delivery, clock } = await setup(hours);
    await service.startHandover({ providerId: 'sim', session: { userId: 'u0', sessionId: 's0' } });
    await service.startHandover({
      providerId: 'sim',
      session,
      behaviour: { queueUpdates: { position: {}, waitTime: { intervalSec: 2 } } },
    });
    await clock.advance(2_000);
    expect(delivery.events(session)).toEqual([
      expect.objectContaining({
        status: 'queue',
        eventType: 'queueUpdate',
        data: { position: 2, estimatedWaitTime: 480000 },
      }),
    ]);
    await clock.advance(28_000);
    const updates = delivery.events(session).filter((e) => e.eventType === 'queueUpdate');
    expect(updates).toHaveLength(16); // wait every 2 s (15) + position at 30 s (1): no 5-second minimum
    expect(delivery.texts(session)).toEqual([]);
  });

  it('sends the alternative text above the thresholds, and the event when the flow asked for it', async () => {
    const { service, delivery, clock } = await setup(hours);
    for (const n of [1, 2, 3])
      await service.startHandover({ providerId: 'sim', session: { userId: `u${n}`, sessionId: 's' } });
    await service.startHandover({
      providerId: 'sim',
      session,
      behaviour: {
        sendQueueEvent: true,
        queueUpdates: {
          position: { intervalSec: 10 },
          alternative: { maxPosition: 3, text: 'It is busy; we will get to you.' },
        },
      },
    });
    await clock.advance(10_000);
    expect(delivery.texts(session)).toEqual([]); // the flow formats it itself
    expect(delivery.events(session)).toEqual([
      expect.objectContaining({
        status: 'queue',
        eventType: 'queueUpdate',
        data: expect.objectContaining({
          position: 4,
          estimatedWaitTime: 960000,
          alternativeText: 'It is busy; we will get to you.',
        }),
      }),
    ]);
  });
});

describe('handover service: close and failures', () => {
  it('closes once; closing again or without a handover says so', async () => {
    const { service, center } = await setup();
    expect(await service.closeHandover({ session })).toEqual({ closed: false, handover: null });
    await service.startHandover({ providerId: 'sim', session });
    center.accept('anna');
    const first = await service.closeHandover({ session });
    expect(first).toMatchObject({ closed: true, handover: { status: 'completed' } });
    expect(await service.closeHandover({ session })).toMatchObject({
      closed: false,
      handover: { status: 'completed' },
    });
    expect(center.listConversations()[0]!.status).toBe('completed');
  });

  it('a user cancel while queued ends as cancelled at both ends', async () => {
    const { service, center } = await setup();
    await service.startHandover({ providerId: 'sim', session });
    expect(await service.closeHandover({ session, reason: 'user-cancelled' })).toMatchObject({
      closed: true,
      handover: { status: 'cancelled' },
    });
    expect(center.listConversations()[0]!.status).toBe('cancelled');
  });

  it('the user is back with the bot even if the contact center fails to close', async () => {
    const { service, center } = await setup();
    await service.startHandover({ providerId: 'sim', session });
    center.failNext('close', { status: 502 });
    const out = await service.closeHandover({ session });
    expect(out).toMatchObject({
      closed: true,
      handover: { status: 'completed' },
      providerError: { code: 'vendor_error' },
    });
  });

  it('a slow contact center times out with a typed, retryable error', async () => {
    const { kit, center } = await setup();
    const { HandoverService } = await import('handover-kit');
    const service = new HandoverService({ registry: kit.registry, delivery: kit.delivery, callTimeoutMs: 50 });
    center.failNext('availability', { status: 0, delayMs: 300 });
    const e = await service.checkAvailability({ providerId: 'sim' }).catch((x) => x);
    expect(HandoverTimeoutError.isInstance(e)).toBe(true);
    expect(e.isRetryable).toBe(true);
  });

  it('forwards user messages once per message id, and not at all when no handover is live', async () => {
    const { service, center } = await setup();
    expect(await service.sendUserMessage({ session, text: 'hi' })).toMatchObject({ forwarded: false, handover: null });
    await service.startHandover({ providerId: 'sim', session });
    await service.sendUserMessage({ session, text: 'hello', messageId: 'in-1' });
    expect(await service.sendUserMessage({ session, text: 'hello', messageId: 'in-1' })).toMatchObject({
      forwarded: true,
      duplicate: true,
    });
    await service.sendUserMessage({ session, text: '', messageId: 'p1', presence: 'disconnected' });
    expect(center.listConversations()[0]!.messages.map((m) => [m.from, m.text])).toEqual([
      ['user', 'hello'],
      ['system', 'User left the conversation'],
    ]);
  });
});
