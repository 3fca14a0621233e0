// A support flow as a flow builder would draw it in Cognigy, written down for the flow tester.
// Plain CommonJS with no imports, so the same flow runs under vitest, jest and node:test.

/** @param {{ providerId?: string }} [options] */
function supportFlow(options = {}) {
  const providerId = options.providerId ?? 'support';
  return {
    start: 'router',
    nodes: {
      router: { if: ({ input }) => /agent|human|person/i.test(input.text ?? ''), then: 'availability', else: 'faq' },
      faq: { say: 'I can answer questions about orders and returns. Type "agent" to talk to a person.' },

      availability: {
        type: 'checkAgentAvailability',
        config: { providerId },
        branches: { available: 'handover', unavailable: 'callback', error: 'callback' },
      },
      callback: {
        say: 'All our agents are busy right now ({{input.agentAvailability.reason}}). Shall we call you back?',
      },

      handover: {
        type: 'handoverToAgent',
        config: {
          providerId,
          text: 'I am connecting you to an agent.',
          quickReply: 'Cancel',
          sendOnQueueEvent: true,
          sendOnActiveEvent: true,
        },
        next: 'status',
      },
      // Cognigy's User Inactivity Detection recipe: an inactivity event keeps its status (here
      // active) and reaches the If below the Lookup through the Once node's empty "afterwards".
      status: {
        type: 'lookupHandoverStatus',
        branches: {
          queue: 'queuedOnce',
          active: 'activeOnce',
          completed: 'thanks',
          cancelled: 'cancelled',
          error: 'failed',
        },
        next: 'silent',
      },
      queuedOnce: { once: 'armTimer' },
      activeOnce: { once: 'greeted' },
      greeted: { say: 'You are now chatting with {{input.handover.data.agent.name}}.', next: 'armTimer' },
      armTimer: { type: 'handoverInactivityTimer', config: { timer: '2' }, next: 'wait' },
      wait: { goTo: 'status', waitForInput: true },
      silent: {
        if: "input.handover && input.handover.eventType === 'handoverInactivity'",
        then: 'howLong',
        next: 'wait',
      },
      howLong: { if: 'input.handover.inactivityCount >= 2', then: 'close', else: 'nudge' },
      nudge: { say: 'Are you still there?', next: 'armTimer' },
      close: { type: 'closeHandover', next: 'closed' },
      closed: { say: 'We closed the chat because it went quiet. Write again any time.', next: 'restart' },
      restart: { goTo: 'router', waitForInput: true },
      thanks: { say: 'Thanks for chatting with us!' },
      cancelled: { say: 'No problem, I have cancelled the request.' },
      failed: { say: 'Sorry, I could not reach an agent: {{input.handover.error.message}}' },
    },
  };
}

module.exports = { supportFlow };
