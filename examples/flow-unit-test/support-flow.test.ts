// How you test your own flow in CI: the flow tester runs the handover nodes on a simulated contact
// center with a fake clock, so the whole story takes milliseconds. (vitest; the same test runs under
// jest in support-flow.jest.test.cjs and under node:test in support-flow.node.test.mjs)
import { afterEach, describe, expect, it } from 'vitest';
import { createFlowTester, type FlowTester } from 'handover-kit/testing';
import { supportFlow } from './support-flow.cjs';

const provider = { id: 'support', name: 'Support', type: 'simulated', settings: { center: 'support' } };
let tester: FlowTester;
afterEach(() => tester.close());

describe('support flow', () => {
  it('offers a callback when no agent is available', async () => {
    tester = await createFlowTester({
      providers: [provider],
      centers: { support: { agents: [{ id: 'anna', name: 'Anna', status: 'offline' }] } },
    });
    const chat = tester.flow(supportFlow()).session();
    await chat.send('I want an agent');
    expect(chat.botSaid()).toEqual(['All our agents are busy right now (no-agents). Shall we call you back?']);
    expect(tester.center('support').listConversations()).toHaveLength(0);
  });

  it('relays messages both ways once an agent joins', async () => {
    tester = await createFlowTester({
      providers: [provider],
      centers: { support: { agents: [{ id: 'anna', name: 'Anna' }] } },
    });
    const chat = tester.flow(supportFlow()).session();
    await chat.send('agent please');
    await chat.agent('anna').accept();
    await chat.agent('anna').say('Hello, Anna here. What happened?');
    await chat.send('My parcel never arrived');
    expect(chat.seen()).toEqual([
      'I am connecting you to an agent.',
      'You are now chatting with Anna.',
      'Hello, Anna here. What happened?',
    ]);
    expect(await chat.agentSaw()).toEqual(['My parcel never arrived']);
    await chat.agent('anna').resolve();
    expect(chat.botSaid().at(-1)).toBe('Thanks for chatting with us!');
  });

  it('closes the handover when the user stays silent twice', async () => {
    tester = await createFlowTester({
      providers: [provider],
      centers: { support: { agents: [{ id: 'anna', name: 'Anna' }] } },
    });
    const chat = tester.flow(supportFlow()).session();
    await chat.send('human');
    await chat.agent('anna').accept();
    await tester.advance(2 * 60_000);
    expect(chat.botSaid().at(-1)).toBe('Are you still there?');
    await tester.advance(2 * 60_000);
    expect(chat.botSaid().at(-1)).toBe('We closed the chat because it went quiet. Write again any time.');
    expect((await chat.handover())?.status).toBe('completed');
    // Inactivity keeps the status, as in Cognigy: the events take the active case.
    expect(chat.branchesOf('status')).toEqual([
      'onHandoverQueue',
      'onHandoverActive',
      'onHandoverActive',
      'onHandoverActive',
    ]);
    expect(chat.branchesOf('howLong')).toEqual(['else', 'then']);
    await chat.send('thanks, bye');
    expect(chat.botSaid().at(-1)).toMatch(/orders and returns/); // back with the bot
  });
});
