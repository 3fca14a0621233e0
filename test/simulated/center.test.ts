import { describe, expect, it } from 'vitest';
import { AgentsUnavailableError, type StartHandoverRequest } from 'handover-kit';
import { createFakeClock } from 'handover-kit/testing';
import { SimulatedContactCenter, attachScriptedAgent, nextOpening, openState } from 'handover-kit/connectors/simulated';

const request = (key: string, routing: StartHandoverRequest['routing'] = {}): StartHandoverRequest => ({
  idempotencyKey: key,
  user: { id: key },
  routing,
  transcript: [],
  customAttributes: {},
});
const hours = {
  timeZone: 'America/New_York',
  weekly: { mon: [['09:00', '17:00']] as [string, string][], tue: [['09:00', '17:00']] as [string, string][] },
  holidays: ['2026-01-06'],
};

describe('simulated contact center', () => {
  it('knows business hours in its time zone, holidays, and when it opens next', () => {
    const mon0900utc = Date.UTC(2026, 0, 5, 9, 0); // 04:00 in New York
    expect(openState(hours, mon0900utc)).toEqual({ open: false, reason: 'outside-business-hours' });
    expect(openState(hours, Date.UTC(2026, 0, 5, 15, 0))).toEqual({ open: true }); // 10:00 New York
    expect(openState(hours, Date.UTC(2026, 0, 6, 15, 0))).toEqual({ open: false, reason: 'holiday' });
    expect(nextOpening(hours, mon0900utc)).toBe(Date.UTC(2026, 0, 5, 14, 0));
    expect(nextOpening(hours, Date.UTC(2026, 0, 5, 23, 0))).toBe(Date.UTC(2026, 0, 12, 14, 0)); // Tuesday is a holiday
  });

  it('refuses handovers while closed and says why in the availability check', async () => {
    const clock = createFakeClock(Date.UTC(2026, 0, 5, 9, 0));
    const center = new SimulatedContactCenter(
      { queues: [{ id: 'q', businessHours: hours }], agents: [{ id: 'a', name: 'A' }] },
      clock,
    );
    expect(await center.checkAvailability({})).toMatchObject({
      available: false,
      reason: 'outside-business-hours',
      nextOpenAt: Date.UTC(2026, 0, 5, 14, 0),
    });
    await expect(center.start('p', request('k'))).rejects.toSatisfy(
      (e) => AgentsUnavailableError.isInstance(e) && (e as AgentsUnavailableError).reason === 'outside-business-hours',
    );
    await clock.advance(5 * 3600_000);
    expect(await center.checkAvailability({})).toMatchObject({ available: true, agentsAvailable: 1, queueLength: 0 });
  });

  it('routes by skills and languages, and counts matching free agents', async () => {
    const center = new SimulatedContactCenter({
      agents: [
        { id: 'de-billing', name: 'B', skills: ['billing'], languages: ['de'] },
        { id: 'en-tech', name: 'T', skills: ['tech'], languages: ['en', 'es'] },
        { id: 'en-offline', name: 'O', skills: ['tech'], languages: ['en'], status: 'offline' },
      ],
    });
    expect((await center.checkAvailability({ skills: ['tech'], languages: ['en'] })).agentsAvailable).toBe(1);
    expect(await center.checkAvailability({ skills: ['billing'], languages: ['en'] })).toMatchObject({
      available: false,
      reason: 'no-agents',
      agentsAvailable: 0,
    });
    const conv = await center.start('p', request('k', { skills: ['tech'], languages: ['es'] }));
    expect(center.accept('en-tech').id).toBe(conv.id);
    expect(() => center.accept('de-billing', conv.id)).toThrow(/is active/);
  });

  it('orders the queue by priority, then arrival, and estimates the wait from capacity and handle time', async () => {
    const center = new SimulatedContactCenter({
      queues: [{ id: 'q', averageHandleTimeSec: 300, maxQueueLength: 3 }],
      agents: [{ id: 'a', name: 'A', capacity: 2, status: 'busy' }],
    });
    const low = await center.start('p', request('low', { priority: 'low' }));
    const none = await center.start('p', request('none'));
    const urgent = await center.start('p', request('urgent', { priority: 'urgent' }));
    expect(center.waiting('q').map((c) => c.id)).toEqual([urgent.id, low.id, none.id]);
    expect(await center.status(none.id)).toMatchObject({ queuePosition: 3, estimatedWaitMs: (3 * 300_000) / 2 });
    await expect(center.start('p', request('fourth'))).rejects.toSatisfy(
      (e) => (e as AgentsUnavailableError).reason === 'queue-full',
    );
    expect(await center.checkAvailability({})).toMatchObject({
      available: false,
      reason: 'queue-full',
      queueLength: 3,
    });
  });

  it('scripted agents accept, greet, answer by rule and resolve on the clock', async () => {
    const clock = createFakeClock();
    const center = new SimulatedContactCenter({}, clock);
    attachScriptedAgent(center, {
      id: 'bot-anna',
      name: 'Anna',
      acceptAfterMs: 2000,
      greeting: 'Hi, Anna here.',
      replies: [{ when: 'refund', reply: 'Refund is on its way.' }],
      replyAfterMs: 1000,
      resolveAfterMessages: 2,
    });
    const seen: string[] = [];
    center.on('event', (_owner, e) => seen.push(e.type === 'agent-message' ? `msg:${e.text}` : e.type));
    const conv = await center.start('p', request('k'));
    await clock.advance(1999);
    expect(center.conversation(conv.id)!.status).toBe('queue');
    await clock.advance(1);
    expect(center.conversation(conv.id)!.status).toBe('active');
    await center.userMessage(conv.id, 'u1', 'I want a refund');
    await clock.advance(1000);
    await center.userMessage(conv.id, 'u2', 'thanks');
    await clock.advance(1000);
    expect(seen).toEqual([
      'queue-updated',
      'agent-joined',
      'msg:Hi, Anna here.',
      'agent-typing',
      'msg:Refund is on its way.',
      'handover-completed',
    ]);
  });

  it('gives every conversation a gap-free event sequence', async () => {
    const center = new SimulatedContactCenter({ agents: [{ id: 'a', name: 'A' }] });
    const sequences: number[] = [];
    center.on('event', (_o, e) => sequences.push(e.sequence!));
    const conv = await center.start('p', request('k'));
    center.accept('a', conv.id);
    center.say('a', conv.id, 'x');
    center.typing('a', conv.id, true);
    center.resolve('a', conv.id);
    expect(sequences).toEqual([1, 2, 3, 4, 5]);
  });
});
