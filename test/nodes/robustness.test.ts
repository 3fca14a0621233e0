import { afterEach, describe, expect, it } from 'vitest';
import { createFlowTester, type FlowTester } from 'handover-kit/testing';
import { supportFlow } from '../../examples/flow-unit-test/support-flow.cjs';

let tester: FlowTester;
afterEach(() => tester?.close());
const support = { id: 'support', name: 'Support', type: 'simulated', settings: { center: 'support' } };
const twoDesks = [
  { id: 'a', name: 'A', type: 'simulated', settings: { center: 'a' } },
  { id: 'b', name: 'B', type: 'simulated', settings: { center: 'b' } },
];

describe('the nodes under failure', () => {
  it('a passing contact-center failure while forwarding is retried: the handover stays live, the bot stays quiet', async () => {
    tester = await createFlowTester({
      providers: [support],
      centers: { support: { agents: [{ id: 'anna', name: 'Anna' }] } },
    });
    const chat = tester.flow(supportFlow()).session();
    await chat.send('agent please');
    await chat.agent('anna').accept();
    tester.center('support').failNext('send', { status: 503 });
    await chat.send('are you there?');
    expect(await chat.agentSaw()).toEqual(['are you there?']);
    expect((await chat.handover())!.status).toBe('active');
    expect(chat.botSaid().some((t) => t.startsWith('Sorry'))).toBe(false);
  });

  it('a lasting failure is logged and the message is not answered by the bot; the next one gets through', async () => {
    tester = await createFlowTester({
      providers: [support],
      centers: { support: { agents: [{ id: 'anna', name: 'Anna' }] } },
    });
    const chat = tester.flow(supportFlow()).session();
    await chat.send('agent please');
    await chat.agent('anna').accept();
    const said = chat.botSaid().length;
    tester.center('support').failNext('send', { status: 503 }, 3);
    await chat.send('lost?');
    await chat.send('hello again');
    expect(chat.botSaid()).toHaveLength(said); // neither message answered by the bot
    expect(chat.logs.some((l) => l.level === 'error' && l.text.includes('did not reach the agent'))).toBe(true);
    expect(await chat.agentSaw()).toEqual(['hello again']);
    expect((await chat.handover())!.status).toBe('active');
  });

  it('an empty input never reaches the agent', async () => {
    tester = await createFlowTester({
      providers: [support],
      centers: { support: { agents: [{ id: 'anna', name: 'Anna' }] } },
    });
    const chat = tester.flow(supportFlow()).session();
    await chat.send('agent please');
    await chat.agent('anna').accept();
    await chat.send('', { data: { some: 'channel event' } });
    await chat.send('   ');
    await chat.send('real text');
    expect(await chat.agentSaw()).toEqual(['real text']);
  });

  it('a second Handover node in the same execution starts after the first failed', async () => {
    tester = await createFlowTester({
      providers: twoDesks,
      centers: {
        a: { agents: [{ id: 'x', name: 'X', status: 'offline' }] },
        b: { agents: [{ id: 'anna', name: 'Anna' }] },
      },
    });
    const chat = tester
      .flow({
        start: 'h1',
        nodes: {
          h1: { type: 'handoverToAgent', config: { providerId: 'a', requireAvailableAgent: true }, next: 'l1' },
          l1: { type: 'lookupHandoverStatus', branches: { error: 'h2' } },
          h2: {
            type: 'handoverToAgent',
            config: { providerId: 'b', text: 'Trying desk B', sendOnQueueEvent: true },
            next: 'l2',
          },
          l2: { type: 'lookupHandoverStatus', branches: { queue: 'queued' } },
          queued: { say: 'queued at {{input.handover.providerId}}' },
        },
      })
      .session();
    await chat.send('agent');
    expect(tester.center('b').listConversations()).toHaveLength(1);
    expect(chat.botSaid()).toEqual(['Trying desk B', 'queued at b']);
  });

  it('Close Handover, then a Handover to another provider in the same execution', async () => {
    tester = await createFlowTester({
      providers: twoDesks,
      centers: { a: { agents: [{ id: 'x', name: 'X' }] }, b: { agents: [{ id: 'anna', name: 'Anna' }] } },
    });
    const chat = tester
      .flow({
        start: 'r',
        nodes: {
          r: { if: ({ input }) => /transfer/.test(input.text), then: 'close', else: 'h1' },
          h1: { type: 'handoverToAgent', config: { providerId: 'a', sendOnQueueEvent: true }, next: 'w' },
          w: { goTo: 'r', waitForInput: true },
          close: { type: 'closeHandover', next: 'h2' },
          h2: { type: 'handoverToAgent', config: { providerId: 'b', text: 'Moving you to desk B' } },
        },
      })
      .session();
    await chat.send('agent');
    await chat.send('transfer');
    expect(tester.center('a').listConversations()[0]!.status).toBe('completed');
    expect(tester.center('b').listConversations()).toHaveLength(1);
    expect((await chat.handover())!.providerId).toBe('b');
  });
});
