// The same flow test under jest (CommonJS, the built package). Run: npx jest -c examples/flow-unit-test/jest.config.cjs
const { createFlowTester } = require('handover-kit/testing');
const { supportFlow } = require('./support-flow.cjs');

const provider = { id: 'support', name: 'Support', type: 'simulated', settings: { center: 'support' } };

describe('support flow (jest)', () => {
  let tester;
  afterEach(() => tester.close());

  test('offers a callback when no agent is available', async () => {
    tester = await createFlowTester({ providers: [provider], centers: { support: { agents: [] } } });
    const chat = tester.flow(supportFlow()).session();
    await chat.send('I want an agent');
    expect(chat.botSaid()).toEqual(['All our agents are busy right now (no-agents). Shall we call you back?']);
  });

  test('relays messages both ways, and closes after two silences', async () => {
    tester = await createFlowTester({
      providers: [provider],
      centers: { support: { agents: [{ id: 'anna', name: 'Anna' }] } },
    });
    const chat = tester.flow(supportFlow()).session();
    await chat.send('agent please');
    await chat.agent('anna').accept();
    await chat.agent('anna').say('Hello, Anna here.');
    await chat.send('My parcel never arrived');
    expect(await chat.agentSaw()).toEqual(['My parcel never arrived']);
    expect(chat.seen()).toContain('Hello, Anna here.');
    await tester.advance(4 * 60_000);
    expect(chat.botSaid().at(-1)).toBe('We closed the chat because it went quiet. Write again any time.');
  });
});
