import { afterEach, describe, expect, it } from 'vitest';
import { createFlowTester, type FlowTester } from 'handover-kit/testing';
import { supportFlow } from './flows';

const staffed = { default: { agents: [{ id: 'anna', name: 'Anna' }] } };
let tester: FlowTester;
afterEach(() => tester?.close());

describe('flows built from the handover nodes', () => {
  it('hands over, relays both ways, and the bot stays quiet while the handover is live', async () => {
    tester = await createFlowTester({ centers: staffed });
    const chat = tester.flow(supportFlow()).session();
    await chat.send('I want a human');
    expect(chat.botSaid()).toEqual(['Connecting you to an agent…', 'You are in the queue.']);
    expect(chat.branchesOf('availability')).toEqual(['onAgentsAvailable']);
    expect(chat.branchesOf('status')).toEqual(['onHandoverQueue']);
    await chat.agent('anna').accept();
    await chat.agent('anna').say('Hi, I am Anna. How can I help?');
    await chat.send('My order is late');
    await chat.send('It was order 42');
    expect(await chat.agentSaw()).toEqual(['My order is late', 'It was order 42']);
    expect(chat.botSaid()).not.toContain('Bot: I can help with that.');
    expect(chat.seen()).toEqual(['Connecting you to an agent…', 'You are in the queue.', 'An agent is with you now.', 'Hi, I am Anna. How can I help?']);
    await chat.agent('anna').resolve();
    expect(chat.botSaid().at(-1)).toBe('The agent closed the chat. Anything else?');
    await chat.send('what are your opening hours?');
    expect(chat.botSaid().at(-1)).toBe('Bot: I can help with that.'); // back with the bot
  });
});
