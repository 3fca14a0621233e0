import { afterEach, describe, expect, it } from 'vitest';
import { createFakeClock, type FakeClock } from 'handover-kit/testing';
import type { ConnectorStateV1, HandoverEvent } from 'handover-kit/contract';
import { POLLER_LEASE, type CxoneConnector } from 'handover-kit/connectors/cxone';
import { FakeCxone } from '../../fakes/cxone';
import { POLL_MS, SharedState, connectorOn, plainStart } from './harness';

async function waitUntil(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 600 && !check(); i++) await new Promise((r) => setTimeout(r, 5));
  if (!check()) throw new Error(`Timed out waiting for ${what}`);
}

describe('cxone shared contact poller', () => {
  let fake: FakeCxone;
  let clock: FakeClock;
  let shared: SharedState;
  const open: CxoneConnector[] = [];

  async function setup() {
    fake = await FakeCxone.start();
    clock = createFakeClock(Date.now());
    shared = new SharedState(clock);
  }

  function instance(
    name: string,
    settings: Parameters<typeof connectorOn>[3] = {},
    state: ConnectorStateV1 = shared.forInstance(name),
  ) {
    const c = connectorOn(fake, clock, state, settings);
    const events: HandoverEvent[] = [];
    c.events.on('event', (e) => events.push(e));
    open.push(c);
    return { c, events };
  }

  afterEach(async () => {
    for (const c of open.splice(0)) await c.dispose();
    await fake?.close();
  });

  it('derives joined, transfer, requeue and completed from the contact status', async () => {
    await setup();
    const { c, events } = instance('a');
    const id = (await c.doStartHandover(plainStart('k'))).conversationId;
    fake.assign(id);
    await c.poller.runOnce();
    fake.assign(id, { id: 42, firstName: 'Bo', surname: 'Second' });
    await c.poller.runOnce();
    fake.unassign(id);
    await c.poller.runOnce();
    await c.poller.runOnce(); // nothing changed: nothing reported
    fake.assign(id);
    await c.poller.runOnce();
    fake.resolve(id);
    await c.poller.runOnce();
    expect(
      events.map((e) => [e.type, 'agent' in e ? e.agent?.name : undefined, 'requeued' in e ? e.requeued : undefined]),
    ).toEqual([
      ['agent-joined', 'Ana Agent', undefined],
      ['agent-left', 'Ana Agent', false],
      ['agent-joined', 'Bo Second', undefined],
      ['agent-left', 'Bo Second', true],
      ['agent-joined', 'Ana Agent', undefined],
      ['handover-completed', undefined, undefined],
    ]);
    expect(new Set(events.map((e) => e.eventId)).size).toBe(events.length);
    // Ended: no longer polled.
    const reads = fake.requestsOf('contact').length;
    await c.poller.runOnce();
    expect(fake.requestsOf('contact')).toHaveLength(reads);
    expect(await c.poller.tracked()).toEqual([]);
  });

  it('reports a contact closed before any agent took it as cancelled', async () => {
    await setup();
    const { c, events } = instance('a');
    const id = (await c.doStartHandover(plainStart('k'))).conversationId;
    fake.resolve(id, 'closed');
    await c.poller.runOnce();
    expect(events).toMatchObject([{ type: 'handover-cancelled', by: 'agent', conversationId: id }]);
  });

  it('runs on exactly one instance: the lease holder polls every handover, the other stands by', async () => {
    await setup();
    const a = instance('a');
    const b = instance('b');
    const t1 = (await a.c.doStartHandover(plainStart('1'))).conversationId;
    const t2 = (await b.c.doStartHandover(plainStart('2'))).conversationId; // started on B, polled by A
    fake.assign(t1);
    fake.assign(t2);
    await a.c.poller.runOnce();
    await b.c.poller.runOnce();
    expect(a.c.poller.holding).toBe(true);
    expect(b.c.poller.holding).toBe(false);
    expect(fake.requestsOf('contact')).toHaveLength(2);
    expect(a.events.map((e) => [e.type, e.conversationId])).toEqual([
      ['agent-joined', t1],
      ['agent-joined', t2],
    ]);
    expect(b.events).toEqual([]);
  });

  it('is taken over by another instance when the holder dies (its lease lapses)', async () => {
    await setup();
    const crashed = shared.forInstance('a');
    // A process that dies never releases its lease.
    const a = instance('a', {}, { ...crashed, releaseLease: async () => undefined });
    const b = instance('b');
    const id = (await a.c.doStartHandover(plainStart('1'))).conversationId;
    await a.c.poller.runOnce();
    await a.c.dispose();
    fake.assign(id);
    await b.c.poller.runOnce();
    expect(b.c.poller.holding).toBe(false);
    await clock.advance(a.c.poller.leaseMs + 1);
    await waitUntil(() => b.events.length === 1, 'the standby to take over');
    expect(b.c.poller.holding).toBe(true);
    expect(b.events).toMatchObject([{ type: 'agent-joined', conversationId: id }]);
  });

  it('keeps the polled set in the shared state: a restarted instance picks the handovers up', async () => {
    await setup();
    const first = instance('a');
    const id = (await first.c.doStartHandover(plainStart('1'))).conversationId;
    await first.c.dispose();
    const restarted = instance('a2');
    fake.assign(id);
    await restarted.c.poller.runOnce();
    expect(restarted.events).toMatchObject([{ type: 'agent-joined', conversationId: id }]);
  });

  it('polls on its own timer, on the injected clock', async () => {
    await setup();
    const { c, events } = instance('a');
    const id = (await c.doStartHandover(plainStart('1'))).conversationId;
    fake.assign(id);
    expect(fake.requestsOf('contact')).toHaveLength(0);
    await clock.advance(POLL_MS);
    await waitUntil(() => events.length === 1, 'the timed poll');
    expect(events).toMatchObject([{ type: 'agent-joined' }]);
  });

  it('stays within its hourly budget, round-robin across handovers', async () => {
    await setup();
    // 720 reads per hour at one tick per 5 s → one read per tick.
    const { c } = instance('a', { pollRequestsPerHour: 720 });
    expect(c.poller.budget).toBe(1);
    const ids = [];
    for (const k of ['1', '2', '3']) ids.push((await c.doStartHandover(plainStart(k))).conversationId);
    for (let i = 0; i < 6; i++) await c.poller.runOnce();
    const contactOf = new Map([...fake.store.contacts.values()].map((x) => [x.id, x.threadId]));
    const polled = fake.requestsOf('contact').map((r) => contactOf.get(r.path.split('/').pop()!));
    expect(polled).toEqual([...ids, ...ids]);
  });

  it('pauses all polling on a 429 for the Retry-After time', async () => {
    await setup();
    const { c } = instance('a');
    await c.doStartHandover(plainStart('1'));
    fake.failNext('contact', { status: 429, retryAfterMs: 30_000 });
    await c.poller.runOnce();
    await c.poller.runOnce();
    expect(fake.requestsOf('contact')).toHaveLength(1);
    await clock.advance(30_001);
    await c.poller.runOnce();
    await waitUntil(() => fake.requestsOf('contact').length >= 2, 'polling to resume');
  });

  it('ends the handover with an error when the contact is gone', async () => {
    await setup();
    const { c, events } = instance('a');
    const id = (await c.doStartHandover(plainStart('1'))).conversationId;
    fake.failNext('contact', { status: 404 }, 3);
    for (let i = 0; i < 3; i++) await c.poller.runOnce();
    expect(events).toMatchObject([{ type: 'handover-error', code: 'contact-not-found', conversationId: id }]);
    expect(await c.poller.tracked()).toEqual([]);
  });

  it('survives the shared state being away: the tick fails quietly and the next one polls', async () => {
    await setup();
    let away = false;
    const base = shared.forInstance('a');
    const flaky: ConnectorStateV1 = {
      ...base,
      get: async (k) => {
        if (away) throw new Error('state unreachable');
        return base.get(k);
      },
    };
    const { c, events } = instance('a', {}, flaky);
    const id = (await c.doStartHandover(plainStart('1'))).conversationId;
    fake.assign(id);
    away = true;
    await expect(c.poller.runOnce()).resolves.toBeUndefined();
    expect(events).toEqual([]);
    away = false;
    await c.poller.runOnce();
    expect(events).toMatchObject([{ type: 'agent-joined', conversationId: id }]);
  });

  it('releases its lease on dispose', async () => {
    await setup();
    const { c } = instance('a');
    await c.poller.runOnce();
    expect(shared.dump().some(([k]) => k === `lease:${POLLER_LEASE}`)).toBe(true);
    await c.dispose();
    expect(shared.dump().some(([k]) => k === `lease:${POLLER_LEASE}`)).toBe(false);
  });
});
