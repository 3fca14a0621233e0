import type { FlowDefinition } from 'handover-kit/testing';

/**
 * Availability → handover → Lookup with queue/active/end branches, using the kit's opt-in
 * Inactivity case (test/nodes/cognigy-recipes.test.ts has Cognigy's own recipes, unchanged).
 */
export function supportFlow(handoverConfig: Record<string, unknown> = {}, providerId = 'simulated'): FlowDefinition {
  return {
    start: 'router',
    nodes: {
      router: { if: ({ input }) => /human|agent/i.test(input.text ?? ''), then: 'availability', else: 'botAnswer' },
      botAnswer: { say: 'Bot: I can help with that.' },
      availability: {
        type: 'checkAgentAvailability',
        config: { providerId },
        branches: { available: 'handover', unavailable: 'callback', error: 'callback' },
      },
      callback: { say: 'All agents are busy. Shall we call you back?' },
      handover: {
        type: 'handoverToAgent',
        config: {
          providerId,
          text: 'Connecting you to an agent…',
          quickReply: 'Cancel',
          cancelIntent: 'cancel',
          sendOnQueueEvent: true,
          sendOnActiveEvent: true,
          ...handoverConfig,
        },
        next: 'status',
      },
      status: {
        type: 'lookupHandoverStatus',
        config: { inactivityCase: true },
        branches: {
          queue: 'queued',
          active: 'active',
          inactivity: 'inactive',
          completed: 'done',
          cancelled: 'cancelledSay',
          error: 'errorSay',
          handoverAlreadyInProgress: 'wait',
        },
      },
      queued: { say: 'You are in the queue.', next: 'armTimer' },
      active: { say: 'An agent is with you now.', next: 'armTimer' },
      armTimer: { type: 'handoverInactivityTimer', config: { timer: '1' }, next: 'wait' },
      wait: { goTo: 'status', waitForInput: true },
      inactive: { if: ({ input }) => input.handover.inactivityCount >= 2, then: 'close', else: 'warn' },
      warn: { say: 'Are you still there?', next: 'armTimer' }, // one expiry per arming: re-arm
      close: { type: 'closeHandover', next: 'back' },
      back: { say: 'You are back with the bot.' },
      done: { say: 'The agent closed the chat. Anything else?' },
      cancelledSay: { say: 'Handover cancelled.' },
      errorSay: { say: 'Sorry, something went wrong: {{input.handover.error.message}}' },
    },
  };
}
