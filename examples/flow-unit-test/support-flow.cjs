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
      callback: { say: 'All our agents are busy right now ({{input.agentAvailability.reason}}). Shall we call you back?' },

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
      status: {
        type: 'lookupHandoverStatus',
        branches: { queue: 'armTimer', active: 'greeted', inactivity: 'silent', completed: 'thanks', cancelled: 'cancelled', error: 'failed' },
      },
      greeted: { say: 'You are now chatting with {{input.handover.data.agent.name}}.', next: 'armTimer' },
      armTimer: { type: 'setHandoverInactivity', config: { timer: '2' }, next: 'wait' },
      wait: { goTo: 'status', waitForInput: true },
      silent: { if: ({ input }) => input.handover.inactivityCount >= 2, then: 'close', else: 'nudge' },
      nudge: { say: 'Are you still there?', next: 'wait' },
      close: { type: 'closeHandover', next: 'closed' },
      closed: { say: 'We closed the chat because it went quiet. Write again any time.' },
      thanks: { say: 'Thanks for chatting with us!' },
      cancelled: { say: 'No problem, I have cancelled the request.' },
      failed: { say: 'Sorry, I could not reach an agent: {{input.handover.error.message}}' },
    },
  };
}

module.exports = { supportFlow };
