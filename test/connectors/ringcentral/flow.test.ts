// The routing example's flow with the VIP desk on RingCentral Engage Digital (against the fake
// Engage) and the support desk on a simulated center: only the provider changes.
import { afterEach, describe, expect, it } from 'vitest';
import { createFlowTester, type FlowTester } from 'handover-kit/testing';
import { ringcentralConnector } from 'handover-kit/connectors/ringcentral';
import { SimulatedCenters, simulatedConnector } from 'handover-kit/connectors/simulated';
import type { ConnectorDefinitionV1 } from 'handover-kit/contract';
import { FakeEngage } from '../../fakes/ringcentral';
import { TEXT, routingFlow } from '../../../examples/routing/routing-flow';
import { eventually } from '../../../examples/routing/wiring';
import { AGENT_CATEGORY, VERIFY_TOKEN, WEBHOOK_SECRET, settingsFor, startReceiver, type Receiver } from './harness';

let cleanup: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const step of cleanup.reverse()) await step();
  cleanup = [];
});

async function setup() {
  const fake = await FakeEngage.start();
  cleanup.push(() => fake.close());
  const tester: FlowTester = await createFlowTester({
    connectors: [
      ringcentralConnector(),
      simulatedConnector({ centers: new SimulatedCenters() }),
    ] as ConnectorDefinitionV1[],
    providers: [
      {
        id: 'vip',
        name: 'VIP desk (Engage)',
        type: 'ringcentral',
        settings: settingsFor(fake) as Record<string, unknown>,
      },
      { id: 'basic', name: 'Support desk', type: 'simulated', settings: { center: 'basic' } },
    ],
    startTime: Date.now(),
  });
  cleanup.push(() => tester.close());
  // As the gateway would: handle / verify / parse, then the events to the handover service.
  const { connector } = await tester.kit.registry.connector('vip');
  const failures: unknown[] = [];
  const receiver: Receiver = await startReceiver(connector.webhook!, (events) => {
    tester.kit.service.ingest('vip', events).catch((error: unknown) => failures.push(error));
  });
  cleanup.push(() => receiver.close());
  fake.sdkUrl = receiver.url;
  fake.webhook = { url: receiver.url, secret: WEBHOOK_SECRET, verifyToken: VERIFY_TOKEN };
  const victoria = tester
    .flow(routingFlow({ vip: 'vip', basic: 'basic' }))
    .session({ userId: 'victoria', profile: { vip: true, customerId: 'C-100' } });
  return { fake, tester, victoria, failures, receiver };
}

describe('routing example with the VIP desk on RingCentral Engage Digital', () => {
  it('start, queue position and wait, joined, both ways, completed — through the flow', async () => {
    const { fake, tester, victoria, failures, receiver } = await setup();
    await victoria.send('I want an agent');
    expect(victoria.branchesOf('vipAvailability')).toEqual(['onAgentsAvailable']);
    const thread = [...fake.model.threads.values()].find((t) => t.contents[0]?.authorId === 'victoria')!;
    expect(thread.categoryIds).toEqual([AGENT_CATEGORY]);
    expect(thread.contents[0]!.body).toContain('Customer: I want an agent');
    expect(thread.contextData).toMatchObject({ desk: 'vip', customerId: 'C-100' });
    const conversationId = thread.foreignId;
    expect(victoria.botSaid()[0]).toBe(TEXT.vipConnecting);

    await fake.queueUpdate(conversationId, 2, 90);
    await eventually(tester, async () => (await victoria.handover())?.queuePosition === 2, 'the queue position');
    expect((await victoria.handover())?.estimatedWaitMs).toBe(90_000);

    await fake.join(conversationId);
    await eventually(tester, () => victoria.branchesOf('vipStatus').includes('onHandoverActive'), 'the agent to join');
    await fake.say(conversationId, 'Hello Victoria, Ana here.');
    await eventually(tester, () => victoria.agentSaid().length > 0, "the agent's reply");
    expect(victoria.agentSaid()).toEqual(['Hello Victoria, Ana here.']);

    await victoria.send('My card was declined');
    await eventually(
      tester,
      () => fake.userTexts(conversationId).includes('My card was declined'),
      'the user message at Engage',
    );

    await fake.resolve(conversationId);
    await eventually(tester, () => victoria.branchesOf('vipStatus').at(-1) === 'onHandoverCompleted', 'the end');
    expect((await victoria.handover())!.status).toBe('completed');
    expect(failures).toEqual([]);
    expect(receiver.answers.filter((a) => a.status !== 200)).toEqual([]);
  });
});
