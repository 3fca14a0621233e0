// The SAME routing flow on the real connectors: VIPs on Genesys Cloud Open Messaging, basic
// inquiries on Cognigy Live Agent (the Chatwoot connector, `flavour: 'live-agent'`), each against
// its fake vendor on 127.0.0.1. Agent replies come back through the vendors' webhooks; Genesys'
// agent joined / conversation ended are found by polling, driven on the tester's fake clock.
import { afterEach, describe, expect, it } from 'vitest';
import { createFlowTester, type ChatSession, type FlowTester, type WebhookReceiver } from 'handover-kit/testing';
import type { FakeGenesys } from '../../test/fakes/genesys';
import type { FakeChatwoot } from '../../test/fakes/chatwoot';
import { genesysVendor } from '../../test/contract/vendors/genesys';
import { chatwootVendor } from '../../test/contract/vendors/chatwoot';
import { TEXT, routingFlow } from './routing-flow';
import { connectVendor, eventually, pollUntil } from './wiring';

type Hooks = WebhookReceiver & { failures: unknown[] };

interface Bed {
  tester: FlowTester;
  genesys: FakeGenesys;
  liveAgent: FakeChatwoot;
  hooks: { vip: Hooks; basic: Hooks };
  /** The provider ids (the vendors' own). */
  ids: { vip: string; basic: string };
  /** Genesys' participant poll interval. */
  pollMs: number;
  victoria: ChatSession;
  bob: ChatSession;
}

let cleanup: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const step of cleanup.reverse()) await step();
  cleanup = [];
});

async function setup(): Promise<Bed> {
  // The same vendors as the contract suite (test/contract/vendors): Genesys signs its webhooks with
  // the integration's secret; Live Agent does not sign, so its webhook URL carries a token.
  const vip = await genesysVendor();
  cleanup.push(() => vip.close());
  const basic = await chatwootVendor('live-agent');
  cleanup.push(() => basic.close());
  const tester = await createFlowTester({
    connectors: [vip.definition, basic.definition],
    providers: [
      { id: vip.providerId, name: 'VIP desk (Genesys Cloud)', type: vip.type, settings: vip.settings },
      { id: basic.providerId, name: 'Support desk (Cognigy Live Agent)', type: basic.type, settings: basic.settings },
    ],
    startTime: Date.now(),
  });
  cleanup.push(async () => {
    await basic.settled?.();
    await tester.close();
  });
  const hooks = {
    vip: Object.assign(vip.receiver, { failures: await connectVendor(tester, vip) }),
    basic: Object.assign(basic.receiver, { failures: await connectVendor(tester, basic) }),
  };
  const ids = { vip: vip.providerId, basic: basic.providerId };
  const flow = tester.flow(routingFlow(ids));
  const victoria = flow.session({ userId: 'victoria', profile: { vip: true, customerId: 'C-100' } });
  const bob = flow.session({ userId: 'bob', profile: { vip: false, customerId: 'C-200' } });
  return { tester, genesys: vip.fake, liveAgent: basic.fake, hooks, ids, pollMs: vip.pollIntervalMs!, victoria, bob };
}

/** The user's conversation at the fake Genesys (threaded by sender id). */
function genesysConversationOf(genesys: FakeGenesys, userId: string) {
  return [...genesys.store.conversations.values()].filter((c) => c.customerId === userId);
}
/** The user's conversations at the fake Live Agent (contact identifier = user id). */
function liveAgentConversationsOf(liveAgent: FakeChatwoot, userId: string) {
  const contact = [...liveAgent.account.contacts.values()].find((c) => c.identifier === userId);
  return [...liveAgent.account.conversations.values()].filter((c) => c.contact_id === contact?.id);
}

describe('routing example on the real connectors: VIPs → Genesys, basic → Cognigy Live Agent', () => {
  it('each start reaches its own vendor, with the routing data that vendor takes', async () => {
    const { genesys, liveAgent, victoria, bob } = await setup();
    await victoria.send('I want an agent');
    await bob.send('I want an agent');

    // VIP → Genesys: an inbound open message from Victoria, custom attributes and transcript as participant data.
    const inbound = genesys.requestsOf('inbound');
    expect(inbound).toHaveLength(1);
    const body = inbound[0]!.body as {
      text: string;
      channel: { from: { id: string }; metadata: { customAttributes: Record<string, string> } };
    };
    expect(body.channel.from.id).toBe('victoria');
    expect(body.text).toBe('I want an agent');
    expect(body.channel.metadata.customAttributes).toMatchObject({
      desk: 'vip',
      customerId: 'C-100',
      'handover.transcript': 'User: I want an agent',
    });
    expect(genesysConversationOf(genesys, 'victoria')).toHaveLength(1);
    expect(genesys.requestsOf('members')).toHaveLength(1); // Check Agent Availability asked the VIP queue

    // Basic → Live Agent: a conversation in the API inbox for Bob, team, priority and attributes set.
    const [conversation, ...more] = liveAgentConversationsOf(liveAgent, 'bob');
    expect(more).toEqual([]);
    expect(conversation).toMatchObject({
      inbox_id: liveAgent.inboxId,
      status: 'open',
      team_id: 2,
      priority: 'medium',
      custom_attributes: { desk: 'support', customerId: 'C-200', vip: 'false' },
    });
    expect(liveAgent.notes(conversation!.id).join('\n')).toContain('I want an agent'); // transcript as a private note
    expect(liveAgent.requestsOf('inboxMembers')).toHaveLength(1);

    // Nothing crossed over.
    expect(genesysConversationOf(genesys, 'bob')).toEqual([]);
    expect(liveAgentConversationsOf(liveAgent, 'victoria')).toEqual([]);
    expect(victoria.path()).toEqual([
      'router',
      'tier',
      'vipAvailability',
      'vipHandover',
      'vipStatus',
      'vipQueued',
      'vipWait',
    ]);
    expect(bob.path()).toEqual([
      'router',
      'tier',
      'basicAvailability',
      'basicHandover',
      'basicStatus',
      'basicQueued',
      'basicWait',
    ]);
    expect(victoria.botSaid()).toEqual([TEXT.vipConnecting, 'You are in the queue (about 1 min).']); // Genesys' estimate: 42 s
    expect(bob.botSaid()).toEqual([TEXT.basicConnecting, 'You are in the queue.']); // Live Agent has no wait estimate
  });

  it('agents at each vendor reach the right user through webhooks; Genesys joined / ended are polled; user messages land at the right vendor', async () => {
    const { tester, genesys, liveAgent, hooks, pollMs, victoria, bob } = await setup();
    await victoria.send('agent please');
    await bob.send('agent please');
    const vipConversation = genesysConversationOf(genesys, 'victoria')[0]!.id;
    const basicConversation = liveAgentConversationsOf(liveAgent, 'bob')[0]!.id;

    // Genesys: the agent accepts; only a participant poll can tell.
    genesys.join(vipConversation, { id: 'f1e2d3c4-0000-4000-8000-00000000a9e1', name: 'Ana Agent' });
    await tester.settle();
    expect(victoria.branchesOf('vipStatus')).toEqual(['onHandoverQueue']);
    await pollUntil(
      tester,
      pollMs,
      () => victoria.branchesOf('vipStatus').length === 2,
      'the VIP Lookup to see the agent join',
    );
    expect(victoria.branchesOf('vipStatus')).toEqual(['onHandoverQueue', 'onHandoverActive']);
    expect(victoria.botSaid().at(-1)).toBe('Ana Agent has joined the chat.');
    expect(await genesys.say(vipConversation, 'Hello Victoria, Ana from the VIP desk.')).toBe(200);

    // Live Agent: the assignment and the reply arrive as webhooks.
    liveAgent.join(basicConversation, 3);
    liveAgent.say(basicConversation, 'Hi Bob, Jane here.');
    await liveAgent.settled();
    await eventually(tester, () => bob.agentSaid().length > 0, "Jane's reply to reach Bob");

    expect(victoria.agentSaid()).toEqual(['Hello Victoria, Ana from the VIP desk.']);
    expect(bob.agentSaid()).toEqual(['Hi Bob, Jane here.']);
    expect(bob.branchesOf('basicStatus')).toEqual(['onHandoverQueue', 'onHandoverActive']);
    expect(bob.botSaid().at(-1)).toBe('Jane has joined the chat.'); // Live Agent's display name
    expect(victoria.transcript.filter((l) => l.from === 'agent')).toEqual([
      { from: 'agent', text: 'Hello Victoria, Ana from the VIP desk.', agent: 'Ana Agent' },
    ]);

    // The users write: each message goes to its own vendor, and the bot stays quiet.
    await victoria.send('My card was declined');
    await bob.send('Where is my parcel?');
    expect(genesys.userTexts(vipConversation)).toEqual(['agent please', 'My card was declined']);
    expect(liveAgent.userMessages(basicConversation)).toEqual(['Where is my parcel?']);
    expect(victoria.botSaid().at(-1)).toBe('Ana Agent has joined the chat.');
    expect(bob.botSaid().at(-1)).toBe('Jane has joined the chat.');

    // Genesys: the agent ends the conversation; polled again, the VIP Lookup routes to completed.
    genesys.resolve(vipConversation);
    await pollUntil(
      tester,
      pollMs,
      () => victoria.branchesOf('vipStatus').at(-1) === 'onHandoverCompleted',
      'the VIP Lookup to see the end',
    );
    expect(victoria.botSaid().at(-1)).toBe(TEXT.thanks);
    expect((await victoria.handover())!.status).toBe('completed');
    expect((await bob.handover())!.status).toBe('active'); // the other desk is unaffected

    // Live Agent: the agent resolves.
    liveAgent.resolve(basicConversation);
    await liveAgent.settled();
    await eventually(
      tester,
      () => bob.branchesOf('basicStatus').at(-1) === 'onHandoverCompleted',
      'the basic Lookup to see the resolve',
    );
    expect(bob.botSaid().at(-1)).toBe(TEXT.thanks);

    expect(victoria.branchesOf('vipStatus')).toEqual([
      'onHandoverQueue',
      'onHandoverActive',
      undefined,
      'onHandoverCompleted',
    ]);
    expect(bob.branchesOf('basicStatus')).toEqual([
      'onHandoverQueue',
      'onHandoverActive',
      undefined,
      'onHandoverCompleted',
    ]);
    expect(hooks.vip.rejected).toEqual([]);
    expect(hooks.basic.rejected).toEqual([]);
    expect([...hooks.vip.failures, ...hooks.basic.failures]).toEqual([]);
  });

  it('webhooks that fail verification reach nobody', async () => {
    const { tester, genesys, liveAgent, hooks, victoria, bob } = await setup();
    await victoria.send('agent');
    await bob.send('agent');
    const vipConversation = genesysConversationOf(genesys, 'victoria')[0]!.id;
    const basicConversation = liveAgentConversationsOf(liveAgent, 'bob')[0]!.id;

    genesys.webhook = { url: hooks.vip.url, secret: 'not-the-integration-secret-0000' };
    expect(await genesys.say(vipConversation, 'forged')).toBe(401);
    liveAgent.setWebhook({ url: `${hooks.basic.url}?token=wrong-token-0000000000` });
    liveAgent.say(basicConversation, 'forged');
    await liveAgent.settled();
    await tester.settle();

    expect(hooks.vip.rejected.map((r) => r.code)).toEqual(['bad_signature']);
    expect(hooks.basic.rejected.map((r) => r.code)).toEqual(['bad_signature']);
    expect([...victoria.seen(), ...bob.seen()]).not.toContain('forged');
  });

  it('availability per provider: no idle Genesys agent → the VIP goes to Live Agent, flagged as VIP; nobody online there → callback', async () => {
    const { genesys, liveAgent, victoria, bob } = await setup();
    genesys.idleAgents = [];
    await victoria.send('agent');
    expect(victoria.branchesOf('vipAvailability')).toEqual(['onNoAgentsAvailable']);
    expect(victoria.branchesOf('basicAvailability')).toEqual(['onAgentsAvailable']);
    expect(victoria.botSaid().slice(0, 2)).toEqual([TEXT.vipClosed, TEXT.basicConnecting]);
    expect(genesys.requestsOf('inbound')).toEqual([]);
    expect(liveAgentConversationsOf(liveAgent, 'victoria')[0]!.custom_attributes).toMatchObject({
      vip: 'true',
      customerId: 'C-100',
    });

    liveAgent.setAvailability(3, 'offline');
    await bob.send('agent');
    expect(bob.branchesOf('basicAvailability')).toEqual(['onNoAgentsAvailable']);
    expect(bob.botSaid()).toEqual([TEXT.callback]);
    expect(liveAgentConversationsOf(liveAgent, 'bob')).toEqual([]);
  });

  it('a VIP who cancels while queued: the Genesys conversation is disconnected from the bot side, Live Agent is untouched', async () => {
    const { genesys, liveAgent, victoria, bob } = await setup();
    await victoria.send('agent');
    await bob.send('agent');
    await victoria.click('Cancel');
    expect(victoria.branchesOf('vipStatus')).toEqual(['onHandoverQueue', 'onHandoverCancelled']);
    expect(victoria.botSaid().at(-1)).toBe(TEXT.cancelled);
    const [conversation] = genesysConversationOf(genesys, 'victoria');
    expect(genesys.store.customer(conversation!).state).toBe('disconnected');
    expect(genesys.userTexts(conversation!.id)).toEqual(['agent']); // "Cancel" never reached an agent
    expect(liveAgentConversationsOf(liveAgent, 'bob').map((c) => c.status)).toEqual(['open']);
    expect((await bob.handover())!.status).toBe('queue');
  });

  it('wired the wrong way round, the flow is refused when it is built: Genesys takes no team or priority', async () => {
    const { tester, ids } = await setup();
    const swapped = routingFlow({ vip: ids.basic, basic: ids.vip });
    expect(() => tester.flow(swapped)).toThrow(
      `"inboxId" needs queueRouting, which provider "${ids.vip}" does not support`,
    );
  });
});
