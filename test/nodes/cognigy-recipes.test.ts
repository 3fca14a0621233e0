import { afterEach, describe, expect, it } from 'vitest';
import { createFlowTester, type FlowDefinition, type FlowTester } from 'handover-kit/testing';

/**
 * Cognigy's documented handover recipes, wired node for node as Cognigy's pages describe them
 * (docs.cognigy.com: User Inactivity Detection, Real-Time Queue Notifications, Handover Status,
 * Check Agent Availability), with every node left at its default settings except the fields the
 * pages tell you to set. They must work unchanged.
 */
let tester: FlowTester;
afterEach(() => tester?.close());

const start = { idempotencyKey: '', user: { id: 'x' }, routing: {}, transcript: [], customAttributes: {} };

describe("Cognigy's recipe: User Inactivity Detection", () => {
  // Send Queue / Active Event on; Lookup (Handover Status) with cases queue, active, completed and
  // Default; under queue and active a Once → On First Time → Set Handover Inactivity (1 minute) →
  // Go To the Lookup (wait for input); at the end of the flow an If on inactivityCount >= 2: Else
  // warns the user and sets the timer again, Then closes the handover; then Go To the Lookup.
  const recipe: FlowDefinition = {
    start: 'handover',
    nodes: {
      handover: {
        type: 'handoverToAgent',
        config: {
          providerId: 'simulated',
          text: 'Connecting you to an agent.',
          sendOnQueueEvent: true,
          sendOnActiveEvent: true,
        },
        next: 'lookup',
      },
      lookup: {
        type: 'lookupHandoverStatus',
        branches: { queue: 'onceQueue', active: 'onceActive', completed: 'thanks' },
        next: 'tooQuiet',
      },
      onceQueue: { once: 'armQueue' },
      armQueue: { type: 'handoverInactivityTimer', config: { timer: '1' }, next: 'waitQueue' },
      waitQueue: { goTo: 'lookup', waitForInput: true },
      onceActive: { once: 'armActive' },
      armActive: { type: 'handoverInactivityTimer', config: { timer: '1' }, next: 'waitActive' },
      waitActive: { goTo: 'lookup', waitForInput: true },
      thanks: { say: 'Thanks for chatting with us.' },
      tooQuiet: { if: 'input.handover.inactivityCount >= 2', then: 'close', else: 'stillThere', next: 'loop' },
      stillThere: { say: 'Are you still there? Please reply, or the chat will be closed.', next: 'rearm' },
      rearm: { type: 'handoverInactivityTimer', config: { timer: '1' } },
      close: { type: 'closeHandover', next: 'back' },
      back: { say: 'You are back with the bot now!' },
      loop: { goTo: 'lookup', waitForInput: true },
    },
  };

  it('warns on the first expiry, closes on the second; the events reach the If through the active case', async () => {
    tester = await createFlowTester({ centers: { default: { agents: [{ id: 'anna', name: 'Anna' }] } } });
    const chat = tester.flow(recipe).session();
    await chat.send('I want to talk to a human');
    await chat.agent('anna').accept();
    await chat.agent('anna').say('Hello, Anna here.');
    await tester.advance(60_000);
    expect(chat.botSaid().at(-1)).toBe('Are you still there? Please reply, or the chat will be closed.');
    await tester.advance(60_000);
    expect(chat.botSaid().at(-1)).toBe('You are back with the bot now!');
    expect(chat.branchesOf('lookup')).toEqual([
      'onHandoverQueue',
      'onHandoverActive',
      'onHandoverActive',
      'onHandoverActive',
    ]);
    expect(chat.branchesOf('tooQuiet')).toEqual(['else', 'then']);
    expect((await chat.conversation()).conversation.status).toBe('completed');
    await tester.advance(10 * 60_000);
    expect(chat.branchesOf('tooQuiet')).toHaveLength(2); // closed: no more expiries
  });

  it('a user message resets the count: the user is warned again instead of being dropped', async () => {
    tester = await createFlowTester({ centers: { default: { agents: [{ id: 'anna', name: 'Anna' }] } } });
    const chat = tester.flow(recipe).session();
    await chat.send('agent');
    await chat.agent('anna').accept();
    await tester.advance(60_000);
    await chat.send('Sorry, I am here');
    expect(await chat.agentSaw()).toEqual(['Sorry, I am here']);
    await tester.advance(60_000);
    expect(chat.branchesOf('tooQuiet')).toEqual(['else', 'else']);
    expect((await chat.handover())!.status).toBe('active');
  });
});

describe("Cognigy's recipe: Real-Time Queue Notifications", () => {
  // Handover node: Get Queue Position / Get Estimated Wait Time with their intervals, Alternative
  // Update with a maximum position of 5, a maximum wait of 300000 ms and an Alternative Text; a
  // Lookup below with the queue case → If (alternative text present) → Say; Go To the Lookup.
  const alternativeText = 'Thank you for your patience. We are experiencing higher than usual wait times.';
  const recipe: FlowDefinition = {
    start: 'handover',
    nodes: {
      handover: {
        type: 'handoverToAgent',
        config: {
          providerId: 'simulated',
          text: 'Connecting you to an agent.',
          getQueuePosition: true,
          updateIntervalQueuePosition: 30,
          getEstimatedWaitTime: true,
          updateIntervalEstimatedWaitTime: 30,
          alternativeUpdate: true,
          maximumQueuePosition: 5,
          maximumEstimatedWaitTime: 300000,
          alternativeText,
        },
        next: 'lookup',
      },
      lookup: { type: 'lookupHandoverStatus', branches: { queue: 'overMaximum' } },
      overMaximum: {
        if: 'input.handover.data.alternativeText',
        then: 'sayAlternative',
        else: 'sayPosition',
        next: 'loop',
      },
      sayAlternative: { say: '{{input.handover.data.alternativeText}}' },
      // The Handover Status page's own example text, CognigyScript expressions included.
      sayPosition: {
        say: 'Estimated time: {{input?.handover?.data?.estimatedWaitTime / 1000}} seconds and Position: {{input?.handover?.data?.position}}',
      },
      loop: { goTo: 'lookup', waitForInput: true },
    },
  };
  // One busy agent, one minute per conversation: each user ahead adds a minute of waiting.
  const desk = {
    queues: [{ id: 'support', averageHandleTimeSec: 60 }],
    agents: [{ id: 'anna', name: 'Anna', capacity: 1, status: 'busy' as const }],
  };

  it('each update re-enters the flow (eventType queueUpdate) and the Say formats it', async () => {
    tester = await createFlowTester({ centers: { default: desk } });
    await tester.center().start('someone-else', { ...start, idempotencyKey: 'ahead-1' });
    const chat = tester.flow(recipe).session();
    await chat.send('human please');
    await tester.advance(30_000);
    expect(chat.botSaid().slice(1)).toEqual([
      'Estimated time: 120 seconds and Position: 2',
      'Estimated time: 120 seconds and Position: 2',
    ]);
    expect(chat.seen().filter((t) => /queue/i.test(t))).toEqual([]); // no ready-made text from the kit
  });

  it('above the maximum position the alternative text is said instead', async () => {
    tester = await createFlowTester({ centers: { default: desk } });
    for (let i = 0; i < 6; i++) await tester.center().start(`other-${i}`, { ...start, idempotencyKey: `ahead-${i}` });
    const chat = tester.flow(recipe).session();
    await chat.send('human please');
    await tester.advance(30_000);
    expect(chat.botSaid().slice(1)).toEqual([alternativeText, alternativeText]);
    expect(chat.branchesOf('overMaximum')).toEqual(['then', 'then']);
  });
});

describe("Cognigy's recipe: Check Agent Availability → If", () => {
  // Check Agent Availability stores input.availableAgents; an If `input.availableAgents > 0`
  // hands over, its Else says that everyone is busy. The kit's fixed branches are left empty.
  const recipe: FlowDefinition = {
    start: 'check',
    nodes: {
      check: { type: 'checkAgentAvailability', config: { providerId: 'simulated' }, next: 'anyone' },
      anyone: { if: 'input.availableAgents > 0', then: 'handover', else: 'busy' },
      handover: { type: 'handoverToAgent', config: { providerId: 'simulated', text: 'Connecting you to an agent.' } },
      busy: { say: 'All of our agents are currently assisting other customers. Please try again later.' },
    },
  };

  it('hands over when an agent is free', async () => {
    tester = await createFlowTester({ centers: { default: { agents: [{ id: 'anna', name: 'Anna' }] } } });
    const chat = tester.flow(recipe).session();
    await chat.send('agent');
    expect(chat.branchesOf('anyone')).toEqual(['then']);
    expect(chat.botSaid()).toEqual(['Connecting you to an agent.']);
    expect(
      tester
        .center()
        .listConversations()
        .map((c) => c.user.id),
    ).toEqual([chat.userId]);
  });

  it('says everyone is busy when nobody is', async () => {
    tester = await createFlowTester({
      centers: { default: { agents: [{ id: 'anna', name: 'Anna', status: 'busy' }] } },
    });
    const chat = tester.flow(recipe).session();
    await chat.send('agent');
    expect(chat.branchesOf('anyone')).toEqual(['else']);
    expect(chat.botSaid()).toEqual([
      'All of our agents are currently assisting other customers. Please try again later.',
    ]);
    expect(tester.center().listConversations()).toEqual([]);
  });
});

describe('the flow tester evaluates CognigyScript as Cognigy does', () => {
  it("a `{{token}}` in a text field arrives empty; the kit's `[[token]]` survives", async () => {
    tester = await createFlowTester({
      centers: {
        default: {
          queues: [{ id: 'q', averageHandleTimeSec: 60 }],
          agents: [{ id: 'anna', name: 'Anna', capacity: 1, status: 'busy' }],
        },
      },
    });
    await tester.center().start('someone-else', { ...start, idempotencyKey: 'ahead' });
    const flow = tester.flow({
      start: 'handover',
      nodes: {
        handover: {
          type: 'handoverToAgent',
          config: {
            providerId: 'simulated',
            text: 'Hi {{profile.firstname}}, you are number {{position}}.',
            getQueuePosition: true,
            updateIntervalQueuePosition: 10,
            sendQueueUpdatesAsText: true,
            queuePositionText: 'You are number [[position]] in the queue.',
          },
        },
      },
    });
    const chat = flow.session({ profile: { firstname: 'Ada' } });
    await chat.send('agent');
    await tester.advance(10_000);
    expect(chat.seen()).toEqual(['Hi Ada, you are number .', 'You are number 2 in the queue.']);
  });
});
