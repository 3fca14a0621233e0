import { describe, expect, it } from 'vitest';
import { systemClock } from 'handover-kit';
import { createFlowTester, type ExecutionRecord, type FlowDefinition } from 'handover-kit/testing';

/** The flow tester's two small generalisations the playground uses: a real clock, and `onExecution`. */
const flow: FlowDefinition = {
  start: 'router',
  nodes: {
    router: { if: ({ input }) => /agent/i.test(input.text ?? ''), then: 'handover', else: 'faq' },
    faq: { say: 'Bot answer' },
    handover: {
      type: 'handoverToAgent',
      config: { providerId: 'simulated', sendOnQueueEvent: true, sendOnActiveEvent: true },
      next: 'status',
    },
    status: { type: 'lookupHandoverStatus', branches: { queue: 'queued', active: 'joined', completed: 'done' } },
    queued: { say: 'Queued', next: 'wait' },
    joined: { say: 'Joined', next: 'wait' },
    wait: { goTo: 'status', waitForInput: true },
    done: { say: 'Done' },
  },
};
const centers = { default: { agents: [{ id: 'ann', name: 'Ann' }] } };

describe('FlowTester with a real clock and onExecution', () => {
  it('runs a handover on real time and reports each execution with the input.handover it saw', async () => {
    const records: ExecutionRecord[] = [];
    const tester = await createFlowTester({ clock: systemClock, centers, onExecution: (r) => records.push(r) });
    expect(tester.clock).toBe(systemClock);
    const chat = tester.flow(flow).session({ userId: 'u', sessionId: 's' });
    const started = Date.now();

    await chat.send('hello');
    await chat.send('agent please');
    await chat.agent('ann').accept();
    await chat.agent('ann').say('Hi, Ann here');
    await chat.send('thanks');
    await chat.agent('ann').resolve();

    expect(chat.seen()).toEqual(['Bot answer', 'Queued', 'Joined', 'Hi, Ann here', 'Done']);
    expect(await chat.agentSaw()).toContain('thanks');
    expect(records.map((r) => [r.trigger, r.handover?.status ?? null])).toEqual([
      ['user', null],
      ['user', 'queue'],
      ['event', 'active'],
      ['user', null], // forwarded to the agent: no handover event in this input
      ['event', 'completed'],
    ]);
    expect(records[2]!.steps.map((s) => [s.nodeId, s.branch])).toEqual([
      ['status', 'onHandoverActive'],
      ['joined', undefined],
      ['wait', undefined],
    ]);
    expect(records[3]!.steps).toEqual([expect.objectContaining({ nodeId: 'status', stopped: true })]);
    expect(records.every((r) => r.userId === 'u' && r.sessionId === 's' && r.error === undefined)).toBe(true);
    expect(Date.now() - started).toBeLessThan(5_000); // nothing here waits on a timer
    await expect(tester.advance(1_000)).rejects.toThrow(/fake clock/);
    await tester.close();
  });

  it('keeps the fake clock by default, and reports a failed execution with its error', async () => {
    const records: ExecutionRecord[] = [];
    const tester = await createFlowTester({ centers, onExecution: (r) => records.push(r) });
    expect(typeof tester.clock.advance).toBe('function');
    const broken = tester.flow({ start: 'boom', nodes: { boom: { code: () => Promise.reject(new Error('kaputt')) } } });
    const chat = broken.session();
    await expect(chat.send('x')).rejects.toThrow('kaputt');
    expect(records).toHaveLength(1);
    expect((records[0]!.error as Error).message).toBe('kaputt');
    await tester.advance(60_000); // still a fake clock: returns at once
    await tester.close();
  });
});
