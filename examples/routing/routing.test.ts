// The routing flow on two simulated contact centers: VIPs to one, basic inquiries to the other,
// checked per node. Runs in milliseconds on the tester's fake clock.
import { afterEach, describe, expect, it } from 'vitest';
import { createFlowTester, type FlowTester, type FlowTesterOptions } from 'handover-kit/testing';
import { TEXT, routingFlow } from './routing-flow';

const providers = [
  { id: 'vip', name: 'VIP desk', type: 'simulated', settings: { center: 'vip' } },
  { id: 'basic', name: 'Support desk', type: 'simulated', settings: { center: 'basic' } },
];
// The VIP desk works office hours (Berlin), the support desk around the clock.
const day: Array<[string, string]> = [['09:00', '18:00']];
const officeHours = { timeZone: 'Europe/Berlin', weekly: { mon: day, tue: day, wed: day, thu: day, fri: day } };
const MONDAY_NOON = Date.UTC(2026, 0, 5, 11, 0); // 12:00 in Berlin
const MONDAY_NIGHT = Date.UTC(2026, 0, 5, 21, 0); // 22:00 in Berlin

function centers(
  overrides: { vipStatus?: 'available' | 'offline'; basicStatus?: 'available' | 'offline' } = {},
): FlowTesterOptions['centers'] {
  return {
    vip: {
      queues: [{ id: 'vip', businessHours: officeHours }],
      agents: [{ id: 'vera', name: 'Vera', status: overrides.vipStatus ?? 'available' }],
    },
    basic: {
      queues: [{ id: 'support' }],
      agents: [{ id: 'ben', name: 'Ben', status: overrides.basicStatus ?? 'available' }],
    },
  };
}

let tester: FlowTester;
afterEach(() => tester?.close());

async function setup(
  options: { startTime?: number; vipStatus?: 'available' | 'offline'; basicStatus?: 'available' | 'offline' } = {},
) {
  tester = await createFlowTester({
    providers,
    centers: centers(options),
    startTime: options.startTime ?? MONDAY_NOON,
  });
  const flow = tester.flow(routingFlow({ vip: 'vip', basic: 'basic' }));
  const victoria = flow.session({ userId: 'victoria', profile: { vip: true, customerId: 'C-100' } });
  const bob = flow.session({ userId: 'bob', profile: { vip: false, customerId: 'C-200' } });
  return { flow, victoria, bob };
}

const usersAt = (center: string) =>
  tester
    .center(center)
    .listConversations()
    .map((c) => c.user.id);

describe('routing example: VIP → one contact center, basic → another (simulated)', () => {
  it('each handover reaches its own center only, and each node shows the branch it took', async () => {
    const { victoria, bob } = await setup();
    await victoria.send('I want an agent');
    await bob.send('I want an agent');

    expect(usersAt('vip')).toEqual(['victoria']);
    expect(usersAt('basic')).toEqual(['bob']);
    expect((await victoria.handover())!.providerId).toBe('vip');
    expect((await bob.handover())!.providerId).toBe('basic');

    expect(victoria.path()).toEqual([
      'router',
      'tier',
      'vipAvailability',
      'vipHandover',
      'vipStatus',
      'vipQueued',
      'vipWait',
    ]);
    expect(victoria.branchesOf('tier')).toEqual(['then']);
    expect(victoria.branchesOf('vipAvailability')).toEqual(['onAgentsAvailable']);
    expect(victoria.branchesOf('vipStatus')).toEqual(['onHandoverQueue']);
    expect(bob.path()).toEqual([
      'router',
      'tier',
      'basicAvailability',
      'basicHandover',
      'basicStatus',
      'basicQueued',
      'basicWait',
    ]);
    expect(bob.branchesOf('tier')).toEqual(['else']);
    expect(bob.branchesOf('basicAvailability')).toEqual(['onAgentsAvailable']);
    expect(bob.branchesOf('basicStatus')).toEqual(['onHandoverQueue']);

    expect(victoria.botSaid()[0]).toBe(TEXT.vipConnecting);
    expect(bob.botSaid()[0]).toBe(TEXT.basicConnecting);

    // What each node's routing settings put on the conversation at its center.
    const [vipConv] = tester.center('vip').listConversations();
    expect(vipConv!.customAttributes).toEqual({ desk: 'vip', customerId: 'C-100' });
    expect(vipConv!.transcript).toEqual([{ role: 'user', text: 'I want an agent' }]);
    expect(vipConv!.queueId).toBe('vip');
    const [basicConv] = tester.center('basic').listConversations();
    expect(basicConv!.customAttributes).toEqual({ desk: 'support', customerId: 'C-200', vip: 'false' });
    expect(basicConv!.routing).toMatchObject({ queue: 'support', priority: 'medium' });
  });

  it('agent replies reach the right user, user messages the right agent, and each desk completes on its own Lookup', async () => {
    const { victoria, bob } = await setup();
    await victoria.send('agent please');
    await bob.send('agent please');

    await victoria.agent('vera').accept();
    await bob.agent('ben').accept();
    await victoria.agent('vera').say('Good afternoon Victoria, Vera from the VIP desk.');
    await bob.agent('ben').say('Hi Bob, Ben here.');
    expect(victoria.agentSaid()).toEqual(['Good afternoon Victoria, Vera from the VIP desk.']);
    expect(bob.agentSaid()).toEqual(['Hi Bob, Ben here.']);
    expect(victoria.botSaid().at(-1)).toBe('Vera has joined the chat.');
    expect(bob.botSaid().at(-1)).toBe('Ben has joined the chat.');

    await victoria.send('My card was declined');
    await bob.send('Where is my parcel?');
    expect(await victoria.agentSaw()).toEqual(['My card was declined']);
    expect(await bob.agentSaw()).toEqual(['Where is my parcel?']);
    expect(victoria.botSaid().at(-1)).toBe('Vera has joined the chat.'); // the bot stays quiet

    await victoria.agent('vera').resolve();
    expect(victoria.botSaid().at(-1)).toBe(TEXT.thanks);
    expect((await bob.handover())!.status).toBe('active'); // Bob's chat at the other desk goes on
    await bob.agent('ben').resolve();
    expect(bob.botSaid().at(-1)).toBe(TEXT.thanks);

    // The user's message went through the Lookup (forwarded: no branch), and only the VIP Lookup saw Victoria.
    expect(victoria.branchesOf('vipStatus')).toEqual([
      'onHandoverQueue',
      'onHandoverActive',
      undefined,
      'onHandoverCompleted',
    ]);
    expect(victoria.branchesOf('basicStatus')).toEqual([]);
    expect(bob.branchesOf('basicStatus')).toEqual([
      'onHandoverQueue',
      'onHandoverActive',
      undefined,
      'onHandoverCompleted',
    ]);
    expect(bob.branchesOf('vipStatus')).toEqual([]);

    await victoria.send('thanks, bye');
    expect(victoria.botSaid().at(-1)).toBe(TEXT.faq); // back with the bot
  });

  it('VIP desk closed (outside its hours): the VIP falls back to the support desk, flagged as VIP; at opening time VIPs go to the VIP desk again', async () => {
    const { flow, victoria } = await setup({ startTime: MONDAY_NIGHT });
    await victoria.send('agent');
    expect(victoria.branchesOf('vipAvailability')).toEqual(['onNoAgentsAvailable']);
    expect(victoria.branchesOf('basicAvailability')).toEqual(['onAgentsAvailable']);
    expect(victoria.path()).toEqual([
      'router',
      'tier',
      'vipAvailability',
      'vipClosed',
      'basicAvailability',
      'basicHandover',
      'basicStatus',
      'basicQueued',
      'basicWait',
    ]);
    expect(victoria.botSaid().slice(0, 2)).toEqual([TEXT.vipClosed, TEXT.basicConnecting]);
    expect(usersAt('vip')).toEqual([]);
    expect(usersAt('basic')).toEqual(['victoria']);
    expect(tester.center('basic').listConversations()[0]!.customAttributes).toMatchObject({
      vip: 'true',
      customerId: 'C-100',
    });

    await tester.advance(11 * 60 * 60_000); // Tuesday 09:00 in Berlin
    const valentina = flow.session({ userId: 'valentina', profile: { vip: true, customerId: 'C-300' } });
    await valentina.send('agent');
    expect(valentina.branchesOf('vipAvailability')).toEqual(['onAgentsAvailable']);
    expect(usersAt('vip')).toEqual(['valentina']);
  });

  it('VIP desk failing (availability check errors): the error branch takes the same fallback', async () => {
    const { victoria } = await setup();
    tester.center('vip').failNext('availability', { status: 503 }, 10);
    await victoria.send('agent');
    expect(victoria.branchesOf('vipAvailability')).toEqual(['onAvailabilityError']);
    expect(usersAt('vip')).toEqual([]);
    expect(usersAt('basic')).toEqual(['victoria']);
  });

  it('nobody available at either desk: the bot offers a callback and no handover is started', async () => {
    const { victoria, bob } = await setup({ vipStatus: 'offline', basicStatus: 'offline' });
    await victoria.send('agent');
    await bob.send('agent');
    expect(victoria.branchesOf('vipAvailability')).toEqual(['onNoAgentsAvailable']);
    expect(victoria.branchesOf('basicAvailability')).toEqual(['onNoAgentsAvailable']);
    expect(victoria.botSaid()).toEqual([TEXT.vipClosed, TEXT.callback]);
    expect(bob.botSaid()).toEqual([TEXT.callback]);
    expect(usersAt('vip')).toEqual([]);
    expect(usersAt('basic')).toEqual([]);
  });

  it('a VIP who cancels while queued cancels at the VIP desk only', async () => {
    const { victoria, bob } = await setup();
    await victoria.send('agent');
    await bob.send('agent');
    await victoria.click('Cancel');
    expect(victoria.branchesOf('vipStatus')).toEqual(['onHandoverQueue', 'onHandoverCancelled']);
    expect(victoria.botSaid().at(-1)).toBe(TEXT.cancelled);
    expect(
      tester
        .center('vip')
        .listConversations()
        .map((c) => c.status),
    ).toEqual(['cancelled']);
    expect(
      tester
        .center('basic')
        .listConversations()
        .map((c) => c.status),
    ).toEqual(['queue']);
    expect(await victoria.agentSaw()).toEqual([]); // "Cancel" never reached an agent
  });
});
