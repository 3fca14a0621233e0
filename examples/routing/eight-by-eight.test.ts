// The SAME routing flow with the VIP desk on 8x8 Contact Center (Chat Gateway) — only the `vip`
// provider changes — and the support desk on a simulated center. 8x8 runs as its fake on 127.0.0.1;
// its signed webhooks (agent joined, messages, the end) reach the tester's service through a
// receiver that verifies them the way the gateway does.
import { afterEach, describe, expect, it } from 'vitest';
import { createFlowTester, type FlowTester } from 'handover-kit/testing';
import { eightByEightConnector } from 'handover-kit/connectors/8x8';
import { SimulatedCenters, simulatedConnector } from 'handover-kit/connectors/simulated';
import { FAKE_DEFAULTS, FakeEightByEight } from '../../test/fakes/8x8';
import { TEXT, routingFlow } from './routing-flow';
import { eventually, wireWebhooks, type WiredWebhooks } from './wiring';

let cleanup: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const step of cleanup.reverse()) await step();
  cleanup = [];
});

async function setup(): Promise<{ tester: FlowTester; fake: FakeEightByEight; hooks: WiredWebhooks }> {
  const fake = await FakeEightByEight.start();
  cleanup.push(() => fake.close());
  const tester = await createFlowTester({
    // The support desk is not used here; Victoria is a VIP.
    connectors: [eightByEightConnector(), simulatedConnector({ centers: new SimulatedCenters() })],
    providers: [
      {
        id: 'vip',
        name: 'VIP desk (8x8)',
        type: '8x8',
        settings: {
          baseUrl: fake.url,
          apiKey: FAKE_DEFAULTS.apiKey,
          apiSecret: FAKE_DEFAULTS.apiSecret,
          channelId: FAKE_DEFAULTS.channelId,
          queueId: FAKE_DEFAULTS.queueId,
          customerId: FAKE_DEFAULTS.customerId,
        },
      },
      { id: 'basic', name: 'Support desk', type: 'simulated', settings: { center: 'basic' } },
    ],
    startTime: Date.now(),
  });
  cleanup.push(() => tester.close());
  const hooks = await wireWebhooks(tester, 'vip');
  cleanup.push(() => hooks.close());
  fake.webhook = { url: hooks.url };
  cleanup.push(() => fake.settled());
  return { tester, fake, hooks };
}

describe('routing example with the VIP desk on 8x8', () => {
  it('a VIP reaches 8x8 with attributes and transcript, meets the agent, the end routes the Lookup', async () => {
    const { tester, fake, hooks } = await setup();
    const victoria = tester
      .flow(routingFlow({ vip: 'vip', basic: 'basic' }))
      .session({ userId: 'victoria', profile: { vip: true, customerId: 'C-100' } });
    await victoria.send('I want an agent');
    await fake.settled();

    const [conversation, ...more] = [...fake.conversations.values()];
    expect(more).toEqual([]);
    expect(conversation!.user).toMatchObject({
      userId: 'victoria',
      additionalProperties: expect.arrayContaining([
        { key: 'desk', value: 'vip' },
        { key: 'customerId', value: 'C-100' },
      ]),
    });
    const create = fake.requests.find((r) => r.operation === 'create')!.body as { history?: { messages: unknown[] } };
    expect(create.history?.messages).toContainEqual({ authorType: 'user', text: 'I want an agent' });
    expect(victoria.branchesOf('vipAvailability')).toEqual(['onAgentsAvailable']); // from the queue's metrics
    expect(victoria.branchesOf('vipStatus')).toEqual(['onHandoverQueue']);
    expect(victoria.botSaid()).toEqual([TEXT.vipConnecting, 'You are in the queue (about 1 min).']); // 45 s average

    await fake.join(conversation!.id, 'agent-ana');
    await eventually(
      tester,
      () => victoria.branchesOf('vipStatus').length === 2,
      'the VIP Lookup to see the agent join',
    );
    expect(victoria.branchesOf('vipStatus')).toEqual(['onHandoverQueue', 'onHandoverActive']);
    await fake.say(conversation!.id, 'Hello Victoria, Ana from the VIP desk.');
    await eventually(tester, () => victoria.agentSaid().length > 0, "Ana's reply to reach Victoria");
    expect(victoria.agentSaid()).toEqual(['Hello Victoria, Ana from the VIP desk.']);

    await victoria.send('My card was declined');
    expect(fake.userTexts(conversation!.id)).toEqual(['My card was declined']);

    await fake.resolve(conversation!.id);
    await eventually(
      tester,
      () => victoria.branchesOf('vipStatus').at(-1) === 'onHandoverCompleted',
      'the VIP Lookup to see the end',
    );
    expect(victoria.botSaid().at(-1)).toBe(TEXT.thanks);
    expect((await victoria.handover())!.status).toBe('completed');
    expect(hooks.rejected).toEqual([]);
    expect(hooks.failures).toEqual([]);
  });
});
