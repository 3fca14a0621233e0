// A routing flow as a flow builder would draw it in Cognigy, written down for the flow tester:
// VIP customers (profile.vip === true) go to one contact center, everyone else to another. The
// provider is chosen per node, so the same flow runs on two simulated centers in a unit test and on
// Genesys Cloud (VIPs) + Cognigy Live Agent (basic inquiries) in production.
import type { FlowContextView, FlowDefinition } from 'handover-kit/testing';

export interface RoutingFlowOptions {
  /** Provider of the VIP desk (Genesys Cloud in production). */
  vip: string;
  /** Provider of the support desk (Cognigy Live Agent in production). */
  basic: string;
  /** Team / queue of the support desk (a Live Agent team name or id; a queue id on the simulated center). */
  basicQueue?: string;
  /**
   * Ask the VIP desk for available agents first (default). Set false for a provider that cannot
   * tell: the flow is refused when it is built if the Check Agent Availability node stays.
   */
  vipAvailabilityCheck?: boolean;
}

/** Texts the flow says, exported so tests (and translations) use the same strings. */
export const TEXT = {
  faq: 'I can help with orders and returns. Type "agent" to talk to a person.',
  vipConnecting: 'Connecting you to your personal VIP desk.',
  vipClosed: 'Our VIP desk is not available right now, so I am connecting you to our support team.',
  basicConnecting: 'Connecting you to our support team.',
  callback: 'All our agents are busy right now. Shall we call you back?',
  thanks: 'The agent has closed the chat. Thanks for contacting us!',
  cancelled: 'OK, I cancelled the request. How else can I help?',
} as const;

/** "You are in the queue (about 2 minutes)." when the contact center gives a wait estimate. */
function queued({ input }: FlowContextView): string {
  const ms = input.handover?.data?.estimatedWaitTime;
  return typeof ms === 'number'
    ? `You are in the queue (about ${Math.max(1, Math.round(ms / 60_000))} min).`
    : 'You are in the queue.';
}

/** The Lookup below a handover node and the nodes its cases lead to (one set per desk). */
function lookup(prefix: 'vip' | 'basic', lookupId: string): FlowDefinition['nodes'] {
  return {
    [lookupId]: {
      type: 'lookupHandoverStatus',
      branches: {
        queue: `${prefix}Queued`,
        active: `${prefix}Joined`,
        completed: 'thanks',
        cancelled: 'cancelled',
        error: `${prefix}Failed`,
      },
    },
    [`${prefix}Queued`]: { say: queued, next: `${prefix}Wait` },
    [`${prefix}Joined`]: { say: '{{input.handover.data.agent.name}} has joined the chat.', next: `${prefix}Wait` },
    [`${prefix}Failed`]: { say: 'Sorry, no agent could be reached: {{input.handover.error.message}}' },
    // The next input (or handover event) starts at the Lookup: it forwards user messages to the agent.
    [`${prefix}Wait`]: { goTo: lookupId, waitForInput: true },
  };
}

export function routingFlow(options: RoutingFlowOptions): FlowDefinition {
  const { vip, basic, basicQueue = 'support', vipAvailabilityCheck = true } = options;
  const vipDesk = vipAvailabilityCheck ? 'vipAvailability' : 'vipHandover';
  const vipAvailability: FlowDefinition['nodes'] = {
    vipAvailability: {
      type: 'checkAgentAvailability',
      config: { providerId: vip },
      branches: { available: 'vipHandover', unavailable: 'vipClosed', error: 'vipClosed' },
    },
  };
  return {
    start: 'router',
    nodes: {
      router: { if: ({ input }) => /agent|human|person/i.test(input.text ?? ''), then: 'tier', else: 'faq' },
      faq: { say: TEXT.faq },
      tier: { if: ({ profile }) => profile.vip === true, then: vipDesk, else: 'basicAvailability' },

      // ---- VIP desk (Genesys Cloud): routing happens in the Architect flow, which reads these
      // custom attributes (and the transcript) as participant data. No skills / priority fields:
      // the Genesys connector cannot take them, and the tester rejects them at build time.
      ...(vipAvailabilityCheck ? vipAvailability : {}),
      vipClosed: { say: TEXT.vipClosed, next: 'basicAvailability' },
      vipHandover: {
        type: 'handoverToAgent',
        config: {
          providerId: vip,
          text: TEXT.vipConnecting,
          quickReply: 'Cancel',
          sendOnQueueEvent: true,
          sendOnActiveEvent: true,
          sendTranscriptAsFirstMessage: true,
          customAttributes: { desk: 'vip', customerId: '{{profile.customerId}}' },
        },
        next: 'vipStatus',
      },
      ...lookup('vip', 'vipStatus'),

      // ---- Support desk (Cognigy Live Agent): a team and a priority, the customer id as a
      // conversation attribute (and whether this is a VIP who fell back from the VIP desk).
      basicAvailability: {
        type: 'checkAgentAvailability',
        config: { providerId: basic },
        branches: { available: 'basicHandover', unavailable: 'callback', error: 'callback' },
      },
      callback: { say: TEXT.callback },
      basicHandover: {
        type: 'handoverToAgent',
        config: {
          providerId: basic,
          text: TEXT.basicConnecting,
          quickReply: 'Cancel',
          sendOnQueueEvent: true,
          sendOnActiveEvent: true,
          sendTranscriptAsFirstMessage: true,
          inboxId: basicQueue,
          priority: 'medium',
          customAttributes: { desk: 'support', customerId: '{{profile.customerId}}', vip: '{{profile.vip}}' },
        },
        next: 'basicStatus',
      },
      ...lookup('basic', 'basicStatus'),

      thanks: { say: TEXT.thanks },
      cancelled: { say: TEXT.cancelled },
    },
  };
}
