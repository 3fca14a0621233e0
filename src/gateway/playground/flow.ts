import type { FlowDefinition } from '../../testing/flow/types';

export interface SampleFlowOptions {
  providerId: string;
  /** Seconds between queue updates (position and wait time) while the customer waits; at least 5. */
  queueUpdateSeconds: number;
  /** Seconds of customer silence before an inactivity event; the second one closes the chat. */
  inactivitySeconds: number;
}

/** Words that ask for a person. */
export const AGENT_REQUEST = /\b(agent|human|person|someone)\b/i;

const minutes = (seconds: number) => String(Math.round((seconds / 60) * 1000) / 1000);

/**
 * The playground's flow, built from the five handover nodes as a Cognigy flow builder would:
 * availability check → handover → queue updates → agent → inactivity (warn, then close) → back to
 * the bot. Labels are what the timeline shows.
 */
export function sampleFlow(o: SampleFlowOptions): FlowDefinition {
  return {
    start: 'router',
    nodes: {
      router: {
        label: 'If: asks for an agent?',
        if: ({ input }) => AGENT_REQUEST.test(String(input.text ?? '')),
        then: 'availability',
        else: 'faq',
      },
      faq: {
        label: 'Say: bot answer',
        say:
          'I am the demo bot. I can answer questions about orders and returns — or type "agent" to talk to a ' +
          'person.',
      },
      availability: {
        label: 'Check Agent Availability',
        type: 'checkAgentAvailability',
        config: { providerId: o.providerId },
        branches: { available: 'handover', unavailable: 'nobody', error: 'nobody' },
      },
      nobody: {
        label: 'Say: nobody available',
        say: 'Sorry, no agent is available right now. Please try again later.',
      },
      handover: {
        label: 'Handover to Agent',
        type: 'handoverToAgent',
        config: {
          providerId: o.providerId,
          text: 'Connecting you to an agent. Tap Cancel to stay with me.',
          quickReply: 'Cancel',
          cancelIntent: 'cancel',
          sendOnQueueEvent: true,
          sendOnActiveEvent: true,
          // Each update re-enters the flow (eventType queueUpdate, as in Cognigy) with the position
          // and the wait estimate; the Say below formats it.
          getQueuePosition: true,
          updateIntervalQueuePosition: o.queueUpdateSeconds,
        },
        next: 'status',
      },
      status: {
        label: 'Lookup handover status',
        type: 'lookupHandoverStatus',
        config: { inactivityCase: true }, // the kit's Inactivity case (Cognigy's way: see docs/nodes.md)
        branches: {
          queue: 'queued',
          active: 'joined',
          inactivity: 'silent',
          completed: 'thanks',
          cancelled: 'cancelled',
          error: 'failed',
          handoverAlreadyInProgress: 'wait',
        },
      },
      queued: {
        label: 'Say: queue update',
        say: ({ input }) => queueText(input.handover),
        next: 'armTimer',
      },
      joined: {
        label: 'Say: agent joined',
        say: '{{input.handover.data.agent.name}} has joined the chat.',
        next: 'armTimer',
      },
      armTimer: {
        label: 'Set Handover Inactivity',
        type: 'handoverInactivityTimer',
        config: { timer: minutes(o.inactivitySeconds) },
        next: 'wait',
      },
      wait: { label: 'Go To: wait for input', goTo: 'status', waitForInput: true },
      silent: {
        label: 'If: second inactivity?',
        if: ({ input }) => Number(input.handover?.inactivityCount ?? 0) >= 2,
        then: 'close',
        else: 'nudge',
      },
      nudge: {
        label: 'Say: still there?',
        say: 'Are you still there? The chat closes if it stays quiet.',
        next: 'armTimer',
      },
      close: { label: 'Close Handover', type: 'closeHandover', next: 'closed' },
      closed: { label: 'Say: closed for inactivity', say: 'The chat was quiet, so I closed it. I am the bot again.' },
      thanks: { label: 'Say: agent closed', say: 'The agent closed the chat. Thanks! I am the bot again.' },
      cancelled: { label: 'Say: cancelled', say: 'OK, I cancelled the request. I am still here.' },
      failed: { label: 'Say: handover error', say: 'Sorry, the handover failed: {{input.handover.error.message}}' },
    },
  };
}

/** The queue event says "in the queue"; each update the position and, when known, the wait. */
function queueText(handover: { eventType?: string; data?: Record<string, unknown> } | undefined): string {
  const data = handover?.data ?? {};
  if (handover?.eventType !== 'queueUpdate') return 'You are in the queue.';
  const ms = typeof data.estimatedWaitTime === 'number' ? data.estimatedWaitTime : undefined;
  const wait = ms === undefined ? '' : ` Estimated wait: about ${Math.max(1, Math.ceil(ms / 60_000))} min.`;
  return `You are number ${String(data.position ?? '?')} in the queue.${wait}`;
}
