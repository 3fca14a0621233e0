import { afterEach, describe, expect, it } from 'vitest';
import { createFakeClock } from 'handover-kit/testing';
import { Playground } from '../../src/gateway/playground/playground';

/**
 * The playground's flow and its timers, on a fake clock (the gateway runs it on the real one): queue
 * updates at the configured interval, inactivity warned once and closed the second time.
 */
describe('playground flow and timers', () => {
  let playground: Playground | undefined;
  afterEach(async () => {
    await playground?.close();
    playground = undefined;
  });

  it('sends queue updates every queueUpdateSeconds, warns after inactivitySeconds and closes on the second', async () => {
    const clock = createFakeClock();
    playground = await Playground.create({ clock, queueUpdateSeconds: 10, inactivitySeconds: 60 });
    const id = playground.createSession();
    const bot = async () => (await playground!.state(id)).session.transcript.filter((l) => l.from === 'bot').map((l) => l.text);

    await playground.say(id, 'agent please');
    expect((await playground.state(id)).session.handover?.status).toBe('queue');
    await clock.advance(10_000);
    expect((await bot()).filter((t) => t.startsWith('You are number 1'))).toHaveLength(1);
    await clock.advance(10_000);
    expect((await bot()).filter((t) => t.startsWith('You are number 1'))).toHaveLength(2);
    expect((await bot()).filter((t) => /^Estimated wait: about \d+ min\.$/.test(t))).toHaveLength(2);

    const conv = (await playground.state(id)).desk.queues[0]!.waiting[0]!;
    await playground.act({ action: 'accept', conversationId: conv.id });
    expect(await bot()).toContain('Alex has joined the chat.');
    await clock.advance(60_000);
    expect((await bot()).at(-1)).toBe('Are you still there? The chat closes if it stays quiet.');
    await clock.advance(60_000);
    expect((await bot()).at(-1)).toBe('The chat was quiet, so I closed it. I am the bot again.');
    const state = await playground.state(id);
    expect(state.session.handover?.status).toBe('completed');
    expect(state.timeline.filter((e) => e.handover?.eventType === 'handoverInactivity').map((e) => e.handover?.inactivityCount)).toEqual([1, 2]);
    expect(state.timeline.at(-1)!.steps.map((s) => s.label)).toEqual(['Lookup handover status', 'If: second inactivity?', 'Close Handover', 'Say: closed for inactivity']);
    expect(state.desk.ended[0]).toMatchObject({ id: conv.id, status: 'completed' });
  });

  it('refuses an unknown session with 404, and shows the agent as unavailable to the flow when offline', async () => {
    playground = await Playground.create({ clock: createFakeClock() });
    await expect(playground.state('nope')).rejects.toMatchObject({ status: 404 });
    await playground.act({ action: 'status', status: 'offline' });
    const id = playground.createSession();
    await playground.say(id, 'human please');
    const state = await playground.state(id);
    expect(state.session.transcript.at(-1)!.text).toContain('no agent is available right now (no-agents)');
    expect(state.timeline[0]!.steps.map((s) => s.branch).filter(Boolean)).toEqual(['then', 'No Agents Available']);
    expect(state.desk.agent.status).toBe('offline');
  });

  it('keeps at most maxSessions sessions', async () => {
    playground = await Playground.create({ clock: createFakeClock(), maxSessions: 2 });
    const [a, b, c] = [playground.createSession(), playground.createSession(), playground.createSession()];
    expect([a, b, c].map((id) => playground!.has(id))).toEqual([false, true, true]);
  });
});
