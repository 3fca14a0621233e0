import { describe, expect, it } from 'vitest';
import { HandoverConfigError, UnknownProviderError } from 'handover-kit';
import { session, setup } from './helpers';

describe('handover service: start', () => {
  it('a second start for the same session returns the same handover', async () => {
    const { service, center } = await setup();
    const first = await service.startHandover({ providerId: 'sim', session });
    const second = await service.startHandover({ providerId: 'sim', session });
    expect(first.alreadyInProgress).toBe(false);
    expect(second).toMatchObject({ alreadyInProgress: true, handover: { id: first.handover.id } });
    expect(center.listConversations()).toHaveLength(1);
  });

  it('concurrent starts for one session start one handover', async () => {
    const { service, center } = await setup();
    const results = await Promise.all(
      Array.from({ length: 10 }, () => service.startHandover({ providerId: 'sim', session })),
    );
    expect(new Set(results.map((r) => r.handover.id)).size).toBe(1);
    expect(results.filter((r) => !r.alreadyInProgress)).toHaveLength(1);
    expect(center.listConversations()).toHaveLength(1);
  });

  it('after the handover ends, the session can start a new one', async () => {
    const { service } = await setup();
    const first = await service.startHandover({ providerId: 'sim', session });
    await service.closeHandover({ session, reason: 'user-cancelled' });
    const next = await service.startHandover({ providerId: 'sim', session });
    expect(next.alreadyInProgress).toBe(false);
    expect(next.handover.id).not.toBe(first.handover.id);
  });

  it('passes routing, transcript and attributes to the contact center and reports the queue', async () => {
    const { service, center } = await setup({ queues: [{ id: 'vip' }, { id: 'basic' }], agents: [] });
    const out = await service.startHandover({
      providerId: 'sim',
      session,
      routing: { queue: 'vip', skills: ['billing'], languages: ['de'], priority: 'high' },
      transcript: [{ role: 'user', text: 'I want a refund' }],
      customAttributes: { tier: 'gold' },
    });
    const conv = center.listConversations()[0]!;
    expect(conv).toMatchObject({
      queueId: 'vip',
      priority: 'high',
      routing: { skills: ['billing'], languages: ['de'] },
      customAttributes: { tier: 'gold' },
    });
    expect(conv.transcript).toEqual([{ role: 'user', text: 'I want a refund' }]);
    expect(out.handover).toMatchObject({ status: 'queue', queuePosition: 1 });
  });

  it("routing given for one connector type reaches only providers of that type (Cognigy's provider sections)", async () => {
    const { service, center } = await setup({ queues: [{ id: 'vip' }, { id: 'basic' }], agents: [] });
    await service.startHandover({
      providerId: 'sim',
      session,
      routing: { queue: 'basic', skills: ['general'] },
      customAttributes: { tier: 'gold' },
      byConnectorType: {
        simulated: { routing: { queue: 'vip', languages: ['de'] }, customAttributes: { desk: 'vip' } },
        genesys: { routing: { skills: ['never-here'] }, customAttributes: { genesysOnly: true } },
      },
    });
    const conv = center.listConversations()[0]!;
    expect(conv).toMatchObject({
      queueId: 'vip',
      routing: { skills: ['general'], languages: ['de'] },
      customAttributes: { tier: 'gold', desk: 'vip' },
    });
    expect(conv.customAttributes).not.toHaveProperty('genesysOnly');
    expect(
      await service.checkAvailability({
        providerId: 'sim',
        byConnectorType: { simulated: { routing: { queue: 'vip' } } },
      }),
    ).toMatchObject({ providerId: 'sim' });
  });

  it('an unknown provider id is a typed error and starts nothing', async () => {
    const { service, center } = await setup();
    await expect(service.startHandover({ providerId: 'nope', session })).rejects.toSatisfy((e) =>
      UnknownProviderError.isInstance(e),
    );
    await expect(
      service.startHandover({ providerId: 'sim', fallbackProviderIds: ['missing'], session }),
    ).rejects.toSatisfy(
      (e) => UnknownProviderError.isInstance(e) && (e as UnknownProviderError).providerId === 'missing',
    );
    expect(center.listConversations()).toHaveLength(0);
    expect(await service.getHandover({ session })).toBeNull();
  });

  it('a start that never finished (its instance died) does not block the session forever', async () => {
    const { service, kit, clock, center } = await setup();
    const now = clock.now();
    await kit.registry.store.insertHandover({
      id: 'ho_dead',
      version: 1,
      providerId: 'sim',
      session,
      status: 'queue',
      createdAt: now,
      updatedAt: now,
      behaviour: {} as never,
    });
    expect((await service.startHandover({ providerId: 'sim', session })).alreadyInProgress).toBe(true); // still within its time
    await clock.advance(31_000);
    const out = await service.startHandover({ providerId: 'sim', session });
    expect(out).toMatchObject({ alreadyInProgress: false, handover: { status: 'queue' } });
    expect(await service.getHandover({ handoverId: 'ho_dead' })).toMatchObject({
      status: 'error',
      error: { code: 'timeout' },
    });
    expect(center.listConversations()).toHaveLength(1);
  });

  it('a malformed request names the field', async () => {
    const { service } = await setup();
    const e = await service
      .startHandover({ providerId: 'sim', session: { userId: '', sessionId: 's' } })
      .catch((x) => x);
    expect(HandoverConfigError.isInstance(e)).toBe(true);
    expect((e as HandoverConfigError).field).toBe('session.userId');
    const e2 = await service
      .startHandover({ providerId: 'sim', session, routing: { priority: 'asap' as never } })
      .catch((x) => x);
    expect((e2 as HandoverConfigError).field).toBe('routing.priority');
  });
});

describe('handover service: fallback', () => {
  const providers = [
    { id: 'primary', name: 'Primary', type: 'simulated', settings: { center: 'a' } },
    { id: 'second', name: 'Second', type: 'simulated', settings: { center: 'b' } },
    { id: 'third', name: 'Third', type: 'simulated', settings: { center: 'c' } },
  ];

  it('tries the next provider once when one fails, and records the chain', async () => {
    const { service, centers } = await setup(undefined, providers);
    centers.get('a').failNext('start', { status: 503 });
    const out = await service.startHandover({
      providerId: 'primary',
      fallbackProviderIds: ['second', 'third'],
      session,
    });
    expect(out.handover.providerId).toBe('second');
    expect(out.handover.attempts.map((a) => [a.providerId, a.ok, a.error?.code])).toEqual([
      ['primary', false, 'vendor_error'],
      ['second', true, undefined],
    ]);
    expect(centers.get('c').listConversations()).toHaveLength(0);
  });

  it('treats "nobody available" as a failure when asked to, and never loops', async () => {
    const { service, centers } = await setup(undefined, providers);
    const staffed = { agents: [{ id: 'x', name: 'X' }] };
    centers.get('b', staffed).failNext('start', { status: 500 }, 5);
    centers.get('c', staffed).failNext('start', { status: 500 }, 5);
    // center a has no agents, so with requireAvailableAgent it is skipped
    const out = await service.startHandover({
      providerId: 'primary',
      fallbackProviderIds: ['second', 'primary', 'third', 'second'],
      session,
      requireAvailableAgent: true,
    });
    expect(out.handover.attempts.map((a) => a.providerId)).toEqual(['primary', 'second', 'third']);
    expect(out.handover.status).toBe('error');
    expect(out.handover.error).toMatchObject({ reason: 'error', code: 'vendor_error' });
    expect(centers.get('a').listConversations()).toHaveLength(0);
  });

  it('reports unavailable, with the reason, when the contact center is closed', async () => {
    // The fake clock starts on Monday 2026-01-05, 10:00 in Berlin: a holiday there.
    const hours = {
      timeZone: 'Europe/Berlin',
      weekly: { mon: [['09:00', '17:00']] as [string, string][] },
      holidays: ['2026-01-05'],
    };
    const { service, center } = await setup({
      queues: [{ id: 'q', businessHours: hours }],
      agents: [{ id: 'a', name: 'A' }],
    });
    const out = await service.startHandover({ providerId: 'sim', session });
    expect(out.handover).toMatchObject({
      status: 'error',
      error: { reason: 'error', unavailableReason: 'holiday', code: 'agents_unavailable' },
    });
    expect(center.listConversations()).toHaveLength(0);
  });
});
