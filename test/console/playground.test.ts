import { afterEach, describe, expect, it } from 'vitest';
import { createFakeClock } from 'handover-kit/testing';
import { Playground } from '../../src/gateway/playground/playground';
import { ADMIN_KEY, chromiumPath, startConsoleGateway } from './support';

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
    const bot = async () =>
      (await playground!.state(id)).session.transcript.filter((l) => l.from === 'bot').map((l) => l.text);

    const t0 = clock.now();
    await playground.say(id, 'agent please');
    const queued = (await playground.state(id)).session;
    expect(queued.handover?.status).toBe('queue');
    expect(queued.quickReplies).toEqual(['Cancel']);
    expect(queued.transcript.every((l) => l.at === t0)).toBe(true); // each line carries when it was first seen
    await clock.advance(10_000);
    expect((await playground.state(id)).session.transcript.at(-1)!.at).toBe(t0 + 10_000);
    expect((await bot()).filter((t) => t.startsWith('You are number 1'))).toHaveLength(1);
    await clock.advance(10_000);
    expect((await bot()).filter((t) => t.startsWith('You are number 1'))).toHaveLength(2);
    // Each update re-enters the flow (eventType queueUpdate) and the flow's Say formats it.
    expect(
      (await bot()).filter((t) => /^You are number 1 in the queue\. Estimated wait: about \d+ min\.$/.test(t)),
    ).toHaveLength(2);

    const conv = (await playground.state(id)).desk.queues[0]!.waiting[0]!;
    await playground.act({ action: 'accept', conversationId: conv.id });
    expect(await bot()).toContain('Alex has joined the chat.');
    await clock.advance(60_000);
    expect((await bot()).at(-1)).toBe('Are you still there? The chat closes if it stays quiet.');
    await clock.advance(60_000);
    expect((await bot()).at(-1)).toBe('The chat was quiet, so I closed it. I am the bot again.');
    const state = await playground.state(id);
    expect(state.session.handover?.status).toBe('completed');
    expect(state.session.quickReplies).toEqual([]); // no stale Cancel once the chat is over
    expect(
      state.timeline
        .filter((e) => e.handover?.eventType === 'handoverInactivity')
        .map((e) => e.handover?.inactivityCount),
    ).toEqual([1, 2]);
    expect(state.timeline.at(-1)!.steps.map((s) => s.label)).toEqual([
      'Lookup handover status',
      'If: second inactivity?',
      'Close Handover',
      'Say: closed for inactivity',
    ]);
    expect(state.desk.ended[0]).toMatchObject({ id: conv.id, status: 'completed' });
  });

  it('refuses an unknown session with 404, and shows the agent as unavailable to the flow when offline', async () => {
    playground = await Playground.create({ clock: createFakeClock() });
    await expect(playground.state('nope')).rejects.toMatchObject({ status: 404 });
    await playground.act({ action: 'status', status: 'offline' });
    const id = playground.createSession();
    await playground.say(id, 'human please');
    const state = await playground.state(id);
    expect(state.session.transcript.at(-1)!.text).toBe(
      'Sorry, no agent is available right now. Please try again later.',
    );
    expect(JSON.stringify(state.session.transcript)).not.toContain('no-agents'); // the raw reason stays in the timeline
    expect(state.timeline[0]!.steps.map((s) => s.branch).filter(Boolean)).toEqual(['then', 'No Agents Available']);
    expect(state.desk.agent.status).toBe('offline');
  });

  it('keeps at most maxSessions sessions', async () => {
    playground = await Playground.create({ clock: createFakeClock(), maxSessions: 2 });
    const [a, b, c] = [playground.createSession(), playground.createSession(), playground.createSession()];
    expect([a, b, c].map((id) => playground!.has(id))).toEqual([false, true, true]);
  });

  it('streams state over SSE, and a gateway shutdown ends the stream at once', async () => {
    const gw = await startConsoleGateway({ playground: true });
    const headers = { 'x-api-key': ADMIN_KEY };
    const { session } = await (await fetch(`${gw.url}/playground/api/sessions`, { method: 'POST', headers })).json();
    const res = await fetch(`${gw.url}/playground/api/sessions/${session.id}/events`, { headers });
    expect(res.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    const reader = res.body!.getReader();
    let text = '';
    while (!text.includes('event: state')) text += new TextDecoder().decode((await reader.read()).value);
    expect(text).toMatch(/^retry: 2000\n\nevent: state\ndata: \{"session":\{"id":"/);
    const started = Date.now();
    await gw.close();
    expect(Date.now() - started).toBeLessThan(1_500); // not the 3 s shutdown timeout of a stuck connection
    for (let r = await reader.read(); !r.done; r = await reader.read());
  });
});

describe('browser tests without Chromium', () => {
  it('fail with a message that says how to install it', () => {
    const saved = { PATH: process.env.PATH, CHROMIUM_PATH: process.env.CHROMIUM_PATH };
    process.env.PATH = '/nonexistent';
    delete process.env.CHROMIUM_PATH;
    try {
      expect(() => chromiumPath()).toThrow(/need Chromium.*apt-get install -y chromium/);
    } finally {
      process.env.PATH = saved.PATH;
      if (saved.CHROMIUM_PATH !== undefined) process.env.CHROMIUM_PATH = saved.CHROMIUM_PATH;
    }
  });
});
