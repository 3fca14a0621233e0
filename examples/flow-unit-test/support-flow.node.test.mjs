// The same flow test under node:test (ESM, the built package). Run: node --test examples/flow-unit-test/
import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { createFlowTester } from 'handover-kit/testing';
import { supportFlow } from './support-flow.cjs';

const provider = { id: 'support', name: 'Support', type: 'simulated', settings: { center: 'support' } };

describe('support flow (node:test)', () => {
  let tester;
  afterEach(() => tester.close());

  it('offers a callback when no agent is available', async () => {
    tester = await createFlowTester({ providers: [provider], centers: { support: { agents: [] } } });
    const chat = tester.flow(supportFlow()).session();
    await chat.send('I want an agent');
    assert.deepEqual(chat.botSaid(), ['All our agents are busy right now (no-agents). Shall we call you back?']);
  });

  it('relays messages both ways, and closes after two silences', async () => {
    tester = await createFlowTester({
      providers: [provider],
      centers: { support: { agents: [{ id: 'anna', name: 'Anna' }] } },
    });
    const chat = tester.flow(supportFlow()).session();
    await chat.send('agent please');
    await chat.agent('anna').accept();
    await chat.agent('anna').say('Hello, Anna here.');
    await chat.send('My parcel never arrived');
    assert.deepEqual(await chat.agentSaw(), ['My parcel never arrived']);
    assert.ok(chat.seen().includes('Hello, Anna here.'));
    await tester.advance(4 * 60_000);
    assert.equal(chat.botSaid().at(-1), 'We closed the chat because it went quiet. Write again any time.');
  });
});
