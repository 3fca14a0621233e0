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
    expect(chat.seen()).toEqual([
      'Connecting you to an agent…',
      'You are in the queue.',
      'An agent is with you now.',
      'Hi, I am Anna. How can I help?',
    ]);
    await chat.agent('anna').resolve();
    expect(chat.botSaid().at(-1)).toBe('The agent closed the chat. Anything else?');
    await chat.send('what are your opening hours?');
    expect(chat.botSaid().at(-1)).toBe('Bot: I can help with that.'); // back with the bot
  });
});

describe('flow behaviour the acceptance asks for', () => {
  it('routes per node: VIPs to one contact center, basic questions to another', async () => {
    tester = await createFlowTester({
      providers: [
        { id: 'vip', name: 'VIP desk', type: 'simulated', settings: { center: 'vip' } },
        { id: 'basic', name: 'Basic desk', type: 'simulated', settings: { center: 'basic' } },
      ],
      centers: { vip: { agents: [{ id: 'v', name: 'Vera' }] }, basic: { agents: [{ id: 'b', name: 'Ben' }] } },
    });
    const flow = tester.flow({
      start: 'tier',
      nodes: {
        tier: { if: ({ profile }) => profile.vip === true, then: 'toVip', else: 'toBasic' },
        toVip: { type: 'handoverToAgent', config: { providerId: 'vip', text: 'VIP line' } },
        toBasic: { type: 'handoverToAgent', config: { providerId: 'basic', text: 'Support line' } },
      },
    });
    const vip = flow.session({ profile: { vip: true } });
    const basic = flow.session({ profile: { vip: false } });
    await vip.send('help');
    await basic.send('help');
    expect(
      tester
        .center('vip')
        .listConversations()
        .map((c) => c.user.id),
    ).toEqual([vip.userId]);
    expect(
      tester
        .center('basic')
        .listConversations()
        .map((c) => c.user.id),
    ).toEqual([basic.userId]);
    expect((await vip.handover())!.providerId).toBe('vip');
    expect(vip.path()).toEqual(['tier', 'toVip']);
    expect(basic.path()).toEqual(['tier', 'toBasic']);
  });

  it('cancel while queued (button or intent) cancels at the contact center and routes the flow', async () => {
    tester = await createFlowTester({ centers: staffed, intents: { cancel: /never ?mind/i } });
    const flow = tester.flow(supportFlow());
    const byButton = flow.session();
    await byButton.send('agent please');
    const quick = byButton.transcript.find((l) => l.from === 'bot' && l.data) as { data: any };
    expect(quick.data._cognigy._default._quickReplies.quickReplies[0]).toMatchObject({
      title: 'Cancel',
      payload: 'Cancel',
    });
    await byButton.click('Cancel');
    expect((await byButton.conversation()).conversation.status).toBe('cancelled');
    expect(byButton.branchesOf('status')).toEqual(['onHandoverQueue', 'onHandoverCancelled']);
    expect(byButton.botSaid().at(-1)).toBe('Handover cancelled.');
    expect(await byButton.agentSaw()).toEqual([]); // "Cancel" never reached an agent

    const byIntent = flow.session();
    await byIntent.send('human');
    await byIntent.send('never mind');
    expect((await byIntent.handover())!.status).toBe('cancelled');
    expect(byIntent.botSaid().at(-1)).toBe('Handover cancelled.');
  });

  it("queue notifications as the kit's texts (opt-in) reach the user at the configured interval", async () => {
    tester = await createFlowTester({
      centers: { default: { agents: [{ id: 'anna', name: 'Anna', status: 'busy' }] } },
    });
    const flow = tester.flow(
      supportFlow({
        sendOnQueueEvent: false,
        getQueuePosition: true,
        updateIntervalQueuePosition: 20,
        sendQueueUpdatesAsText: true,
        queuePositionText: 'Position [[position]]',
      }),
    );
    const chat = flow.session();
    // Nobody is available, so the availability check would send this user to the callback: skip it.
    await tester.center().start('someone-else', {
      idempotencyKey: 'k',
      user: { id: 'x' },
      routing: {},
      transcript: [],
      customAttributes: {},
    });
    tester.center().setAgentStatus('anna', 'available');
    await chat.send('human');
    tester.center().setAgentStatus('anna', 'busy');
    await tester.advance(19_000);
    expect(chat.seen().filter((t) => t.startsWith('Position'))).toEqual([]);
    await tester.advance(1_000);
    expect(chat.seen().filter((t) => t.startsWith('Position'))).toEqual(['Position 2']);
    await tester.advance(40_000);
    expect(chat.seen().filter((t) => t.startsWith('Position'))).toEqual(['Position 2', 'Position 2', 'Position 2']);
  });

  it('inactivity counts 1, 2 and the flow closes the handover', async () => {
    tester = await createFlowTester({ centers: staffed });
    const chat = tester.flow(supportFlow()).session();
    await chat.send('human');
    await chat.agent('anna').accept();
    await tester.advance(60_000);
    expect(chat.botSaid().at(-1)).toBe('Are you still there?');
    await tester.advance(60_000);
    expect(chat.branchesOf('status')).toEqual([
      'onHandoverQueue',
      'onHandoverActive',
      'onHandoverInactivity',
      'onHandoverInactivity',
    ]);
    expect(chat.branchesOf('inactive')).toEqual(['else', 'then']);
    expect(chat.botSaid().at(-1)).toBe('You are back with the bot.');
    expect((await chat.conversation()).conversation.status).toBe('completed');
    expect((await chat.handover())!.status).toBe('completed');
  });

  it('a user message resets the inactivity count', async () => {
    tester = await createFlowTester({ centers: staffed });
    const chat = tester.flow(supportFlow()).session();
    await chat.send('human');
    await chat.agent('anna').accept();
    await tester.advance(60_000);
    await chat.send('sorry, I am here');
    await tester.advance(60_000);
    expect(chat.branchesOf('inactive')).toEqual(['else', 'else']); // count restarted at 1
    expect((await chat.handover())!.status).toBe('active');
  });

  it('Close Handover ends it once; a second close says there is nothing to close', async () => {
    tester = await createFlowTester({ centers: staffed });
    const flow = tester.flow({
      start: 'route',
      nodes: {
        route: { if: ({ input }) => input.text === 'bye', then: 'close', else: 'handover' },
        handover: {
          type: 'handoverToAgent',
          config: { providerId: 'simulated', text: 'Connecting…', sendOnQueueEvent: true },
          next: 'wait',
        },
        wait: { goTo: 'route', waitForInput: true },
        close: { type: 'closeHandover', next: 'after' },
        after: { say: 'closed={{input.handoverClose.closed}} status={{input.handoverClose.status}}' },
      },
    });
    const chat = flow.session();
    await chat.send('hi');
    await chat.send('bye');
    expect(chat.botSaid().at(-1)).toBe('closed=true status=completed');
    expect((await chat.conversation()).conversation.status).toBe('completed');
    await chat.send('bye');
    expect(chat.botSaid().at(-1)).toBe('closed=false status=completed');
    expect(chat.logs.map((l) => l.text)).toContain(
      'Close Handover: no live handover in this session; nothing to close',
    );
  });

  it('a second start in the same session does not start a second handover: "handover already in progress"', async () => {
    tester = await createFlowTester({ centers: staffed });
    const flow = tester.flow({
      start: 'handover',
      nodes: {
        handover: { type: 'handoverToAgent', config: { providerId: 'simulated', text: 'Connecting…' }, next: 'status' },
        status: { type: 'lookupHandoverStatus', branches: { handoverAlreadyInProgress: 'dup' } },
        dup: { say: 'Already with an agent ({{input.handover.data.currentStatus}})' },
      },
    });
    const chat = flow.session();
    await chat.send('help');
    // Another flow of the same session (its context does not know the handover) starts one again:
    chat.state.context = {};
    chat.state.entrypoint = undefined;
    await chat.send('help!');
    expect(tester.center().listConversations()).toHaveLength(1);
    expect(chat.branchesOf('status')).toEqual(['onHandoverAlreadyInProgress']);
    expect(chat.botSaid().at(-1)).toBe('Already with an agent (queue)');
  });

  it("provider events reach the flow as Cognigy's statuses: genericHandoverUpdate (text at input.data.request.text) and agentInject", async () => {
    tester = await createFlowTester({ centers: staffed });
    const chat = tester
      .flow({
        start: 'handover',
        nodes: {
          handover: {
            type: 'handoverToAgent',
            config: { providerId: 'simulated', sendOnQueueEvent: true },
            next: 'status',
          },
          status: {
            type: 'lookupHandoverStatus',
            branches: { queue: 'wait', genericHandoverUpdate: 'relay', agentInject: 'event' },
          },
          relay: { say: '{{input.data.request.text}}', next: 'wait' },
          event: { say: 'event {{input.handover.data.name}} while {{context.handoverKit.status}}', next: 'wait' },
          wait: { goTo: 'status', waitForInput: true },
        },
      })
      .session();
    await chat.send('agent');
    const { center, conversation } = await chat.conversation();
    center.providerEvent(conversation.id, 'genesys-bot-message', undefined, 'All agents are busy, please hold.');
    center.providerEvent(conversation.id, 'conversation-snoozed');
    await tester.settle();
    expect(chat.branchesOf('status')).toEqual(['onHandoverQueue', 'onHandoverGenericUpdate', 'onHandoverEvent']);
    expect(chat.botSaid()).toEqual(['All agents are busy, please hold.', 'event conversation-snoozed while queue']);
    expect((await chat.handover())!.status).toBe('queue'); // the handover's own status is unchanged
  });
});
