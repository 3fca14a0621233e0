/**
 * `npm run demo`: the five handover nodes drive a full conversation on the embedded simulated
 * contact center — no account, no network. Two providers: VIPs go to one desk, everyone else to
 * another. Prints what each person saw and which branch each node took.
 */
import { createFlowTester, type ChatSession, type FlowDefinition, type FlowTester } from '../../src/testing/index';

const providers = [
  { id: 'vip-desk', name: 'VIP desk', type: 'simulated', settings: { center: 'vip' } },
  { id: 'basic-desk', name: 'Support desk', type: 'simulated', settings: { center: 'support' } },
];

function flow(): FlowDefinition {
  const byTier = (vip: string, basic: string) => ({
    if: ({ profile }: { profile: Record<string, any> }) => profile.vip === true,
    then: vip,
    else: basic,
  });
  const handover = (providerId: string) => ({
    type: 'handoverToAgent',
    config: {
      providerId,
      text: 'Connecting you to a human agent. Tap Cancel to stay with me.',
      quickReply: 'Cancel',
      sendOnQueueEvent: true,
      sendOnActiveEvent: true,
      getQueuePosition: true,
      updateIntervalQueuePosition: 30,
      getEstimatedWaitTime: true,
      updateIntervalEstimatedWaitTime: 60,
      priority: providerId === 'vip-desk' ? 'high' : 'none',
    },
    next: 'status',
  });
  return {
    start: 'router',
    nodes: {
      router: { if: ({ input }) => /agent|human/i.test(input.text ?? ''), then: 'tier', else: 'faq' },
      faq: { say: 'I can help with orders and returns. Say "agent" to talk to a person.' },
      tier: byTier('checkVip', 'checkBasic'),
      checkVip: {
        type: 'checkAgentAvailability',
        config: { providerId: 'vip-desk' },
        branches: { available: 'toVip', unavailable: 'toBasicCheck', error: 'toBasicCheck' },
      },
      toBasicCheck: { goTo: 'checkBasic' },
      checkBasic: {
        type: 'checkAgentAvailability',
        config: { providerId: 'basic-desk' },
        branches: { available: 'toBasic', unavailable: 'callback', error: 'callback' },
      },
      callback: { say: 'Everyone is busy ({{input.agentAvailability.reason}}). We will call you back.' },
      toVip: handover('vip-desk'),
      toBasic: handover('basic-desk'),
      status: {
        type: 'lookupHandoverStatus',
        config: { inactivityCase: true }, // the kit's opt-in Inactivity case
        branches: {
          queue: 'queued',
          active: 'joined',
          inactivity: 'silent',
          completed: 'thanks',
          cancelled: 'cancelled',
          error: 'failed',
        },
      },
      // The queue event and each queue update (eventType queueUpdate) carry the figures.
      queued: {
        say: ({ input }) => `You are in the queue (position ${input.handover.data?.position ?? '?'}).`,
        next: 'armTimer',
      },
      joined: { say: '{{input.handover.data.agent.name}} has joined the chat.', next: 'armTimer' },
      armTimer: { type: 'handoverInactivityTimer', config: { timer: '2' }, next: 'wait' },
      wait: { goTo: 'status', waitForInput: true },
      silent: { if: ({ input }) => input.handover.inactivityCount >= 2, then: 'close', else: 'nudge' },
      nudge: { say: 'Are you still there?', next: 'armTimer' }, // one expiry per arming: re-arm
      close: { type: 'closeHandover', next: 'closed' },
      closed: { say: 'The chat went quiet, so I closed it.' },
      thanks: { say: 'The agent has closed the chat. Thanks for contacting us!' },
      cancelled: { say: 'OK, I cancelled the request.' },
      failed: { say: 'Sorry, no agent could be reached: {{input.handover.error.message}}' },
    },
  };
}

const dim = (s: string) => (process.stdout.isTTY ? `\x1b[2m${s}\x1b[22m` : s);
const bold = (s: string) => (process.stdout.isTTY ? `\x1b[1m${s}\x1b[22m` : s);

/** Prints what happened since the last call: new lines of the transcript, and the path with branches. */
function narrator(tester: FlowTester, start: number) {
  const printed = new Map<ChatSession, { lines: number; branches: number }>();
  const clock = () => {
    const s = Math.round((tester.clock.now() - start) / 1000);
    return `${String(Math.floor(s / 60)).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`;
  };
  return async (chat: ChatSession, name: string) => {
    const seen = printed.get(chat) ?? { lines: 0, branches: 0 };
    for (const line of chat.transcript.slice(seen.lines)) {
      const who = line.from === 'user' ? name : line.from === 'agent' ? `agent ${line.agent ?? ''}`.trim() : line.from;
      console.log(`  ${dim(`[${clock()}]`)} ${who.padEnd(12)} ${line.from === 'user' ? '>' : '<'} ${line.text}`);
    }
    const steps = chat.branches.slice(seen.branches);
    if (steps.length > 0) {
      const byExecution = new Map<number, string[]>();
      const label = (b: (typeof steps)[number]) =>
        b.branch
          ? `${b.nodeId} → ${b.branch}`
          : b.stopped && b.trigger === 'user' && !b.branch
            ? `${b.nodeId} (to the agent; the bot stays quiet)`
            : b.nodeId;
      for (const b of steps) byExecution.set(b.execution, [...(byExecution.get(b.execution) ?? []), label(b)]);
      for (const path of byExecution.values()) console.log(`  ${' '.repeat(9)}${dim(`flow: ${path.join(' · ')}`)}`);
    }
    const handover = await chat.handover();
    if (handover && (steps.length > 0 || chat.transcript.length > seen.lines)) {
      const line = `handover ${handover.id.slice(0, 10)}… at ${handover.providerId}: ${handover.status}`;
      console.log(`  ${' '.repeat(9)}${dim(line)}`);
    }
    printed.set(chat, { lines: chat.transcript.length, branches: chat.branches.length });
  };
}

async function main() {
  const tester = await createFlowTester({
    providers,
    centers: {
      vip: {
        queues: [{ id: 'vip', averageHandleTimeSec: 180 }],
        agents: [{ id: 'vera', name: 'Vera', skills: ['vip'] }],
      },
      support: {
        queues: [{ id: 'support', averageHandleTimeSec: 240 }],
        agents: [{ id: 'ben', name: 'Ben', capacity: 1 }],
      },
    },
  });
  const show = narrator(tester, tester.clock.now());
  const app = tester.flow(flow());
  const step = (title: string) => console.log(`\n${bold(title)}`);

  console.log(bold('handover-kit demo — five Cognigy handover nodes on the simulated contact center'));
  console.log(
    dim(
      'Providers: vip-desk (center "vip", agent Vera) · basic-desk (center "support", agent Ben, one chat at a time)',
    ),
  );

  const kim = app.session({ userId: 'kim', profile: { vip: false } });
  const alex = app.session({ userId: 'alex', profile: { vip: false } });
  const vic = app.session({ userId: 'victoria', profile: { vip: true } });

  step('1. Kim asks for an agent; Ben takes the chat');
  await kim.send('agent please');
  await kim.agent('ben').accept();
  await show(kim, 'Kim');

  step('2. Alex talks to the bot, then asks for a human: Ben is busy, so Alex waits in the queue');
  await alex.send('where is my order?');
  await show(alex, 'Alex');
  await alex.send('I want to talk to a human');
  await show(alex, 'Alex');

  step('3. Queue updates while Alex waits (position every 30 s, wait time every 60 s)');
  await tester.advance(60_000);
  await show(alex, 'Alex');

  step('4. Ben finishes with Kim and takes Alex; messages go both ways; the bot stays quiet');
  await kim.agent('ben').resolve();
  await show(kim, 'Kim');
  await alex.agent('ben').accept();
  await alex.agent('ben').say('Hi Alex, Ben here. How can I help?');
  await alex.send('My order 1234 has not arrived');
  await alex.agent('ben').typing();
  await alex.agent('ben').say('It left the warehouse today; you will have it tomorrow.');
  await show(alex, 'Alex');
  console.log(`  ${' '.repeat(9)}${dim(`Ben's screen shows: ${JSON.stringify(await alex.agentSaw())}`)}`);

  step('5. Alex goes silent: the inactivity timer fires after 2 minutes');
  await tester.advance(2 * 60_000);
  await show(alex, 'Alex');
  await alex.send('Sorry, still here. Thanks!');
  await show(alex, 'Alex');

  step('6. Ben closes the chat; Alex is back with the bot');
  await alex.agent('ben').resolve();
  await show(alex, 'Alex');
  await alex.send('one more question about returns');
  await show(alex, 'Alex');

  step('7. A VIP customer goes to the VIP desk');
  await vic.send('agent');
  await vic.agent('vera').accept();
  await vic.agent('vera').say('Good afternoon Victoria, Vera from the VIP desk.');
  await vic.agent('vera').resolve();
  await show(vic, 'Victoria');

  await tester.close();
  console.log(
    `\n${dim('Done. Next: npm test, or see examples/ for routing, flow unit tests and the Cognigy extension.')}`,
  );
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
