/**
 * Webhook bodies in the shapes the Sunshine Conversations spec documents (v2 envelope; ids made up),
 * one per case the connector must handle, plus the echoes it must drop.
 */

export const APP_ID = '5ebee0975ac5304b664a12fa';
export const CONVERSATION = 'f52b01137aa6c250bc7251fa';

export interface FixtureEvent {
  id: string;
  createdAt: string;
  type: string;
  payload: Record<string, unknown>;
}

const envelope = (...events: FixtureEvent[]) => ({
  app: { id: APP_ID },
  webhook: { id: '5f4eaef81e3dcc117c7ba48a', version: 'v2' },
  events,
});

export const BOT = {
  id: '5eecde2dcdbffb08f5c3ed37',
  name: 'bot',
  integrationId: '5f11a650e4e987667c2051d1',
  integrationType: 'custom',
};
export const AGENT_WORKSPACE = {
  id: '5ef21b86e933b7355c11c604',
  name: 'zd-agentWorkspace',
  integrationId: '5ef21b86e933b7355c11c605',
  integrationType: 'zd:agentWorkspace',
};
const HUMAN = {
  id: '5eece1cacdbffb08f5c3ed43',
  name: 'human',
  integrationId: '5f11a65ae4e987667c2051d2',
  integrationType: 'custom',
};

const conversation = (active?: object, extra: object = {}) => ({
  id: CONVERSATION,
  type: 'personal',
  ...(active ? { activeSwitchboardIntegration: active } : {}),
  ...extra,
});

export const userMessage = envelope({
  id: '66a0c1d2e3f4a5b6c7d8e901',
  createdAt: '2026-07-01T10:00:00.120Z',
  type: 'conversation:message',
  payload: {
    conversation: conversation(BOT),
    message: {
      id: '66a0c1d2e3f4a5b6c7d8e902',
      received: '2026-07-01T10:00:00.100Z',
      author: {
        type: 'user',
        userId: '26508c10541a4b0ff472e5e2',
        displayName: 'Jane Doe',
        user: { id: '26508c10541a4b0ff472e5e2', externalId: 'crm-42', authenticated: true },
      },
      content: { type: 'text', text: 'I want to talk to a person' },
      source: { type: 'web', integrationId: '5ec69c6e12dda33be985cb1a' },
    },
  },
});

export const agentReply = envelope({
  id: '66a0c2aa00000000000000a1',
  createdAt: '2026-07-01T10:03:12.500Z',
  type: 'conversation:message',
  payload: {
    conversation: conversation(AGENT_WORKSPACE, { brandId: '9477922990333' }),
    message: {
      id: '66a0c2aa00000000000000a2',
      received: '2026-07-01T10:03:12.480Z',
      author: {
        type: 'business',
        displayName: 'Sam (Support)',
        avatarUrl: 'https://example.zendesk.com/avatar.png',
        subtypes: ['agent'],
      },
      content: { type: 'text', text: 'Hi Jane, Sam here. Let me check your order.' },
      source: { type: 'zd:agentWorkspace' },
      futureField: { anything: true },
    },
  },
});

export const agentImage = envelope({
  id: '66a0c2aa00000000000000b1',
  createdAt: '2026-07-01T10:04:00.000Z',
  type: 'conversation:message',
  payload: {
    conversation: conversation(AGENT_WORKSPACE),
    message: {
      id: '66a0c2aa00000000000000b2',
      received: '2026-07-01T10:04:00.000Z',
      author: { type: 'business', displayName: 'Sam (Support)', subtypes: ['agent'] },
      content: {
        type: 'image',
        mediaUrl: 'https://example.zendesk.com/attachments/receipt.png',
        altText: 'receipt.png',
        mediaType: 'image/png',
        mediaSize: 1234,
      },
      source: { type: 'zd:agentWorkspace' },
    },
  },
});

/** Our own transcript line coming back (posted through the API, marked in metadata). */
export const ownBusinessEcho = envelope({
  id: '66a0c2aa00000000000000c1',
  createdAt: '2026-07-01T10:00:01.000Z',
  type: 'conversation:message',
  payload: {
    conversation: conversation(AGENT_WORKSPACE),
    message: {
      id: '66a0c2aa00000000000000c2',
      received: '2026-07-01T10:00:01.000Z',
      author: { type: 'business', displayName: 'Bot' },
      content: { type: 'text', text: 'Let me find someone for you' },
      source: { type: 'api:conversations' },
      metadata: { 'handoverKit.origin': 'handover-kit' },
    },
  },
});

/** Another API integration writing as the business while agents have the conversation. */
export const foreignApiMessage = envelope({
  id: '66a0c2aa00000000000000d1',
  createdAt: '2026-07-01T10:00:02.000Z',
  type: 'conversation:message',
  payload: {
    conversation: conversation(AGENT_WORKSPACE),
    message: {
      id: '66a0c2aa00000000000000d2',
      author: { type: 'business' },
      content: { type: 'text', text: 'Automated notice' },
      source: { type: 'api:conversations' },
    },
  },
});

/** The system message Zendesk writes when the ticket closes. */
export const ticketClosedActivity = envelope({
  id: '66a0c2aa00000000000000e1',
  createdAt: '2026-07-05T08:59:59.000Z',
  type: 'conversation:message',
  payload: {
    conversation: conversation(AGENT_WORKSPACE),
    message: {
      id: '66a0c2aa00000000000000e2',
      author: { type: 'business', subtypes: ['activity'] },
      content: { type: 'text', text: 'Ticket closed' },
      activity: { type: 'ticket:closed' },
      source: { type: 'zd:agentWorkspace' },
    },
  },
});

/** Our own passControl to Agent Workspace, echoed with its metadata. */
export const passToAgents = envelope({
  id: '66a0c1e000000000000000b1',
  createdAt: '2026-07-01T10:00:05.000Z',
  type: 'switchboard:passControl',
  payload: {
    conversation: conversation(AGENT_WORKSPACE),
    metadata: {
      first_message_id: '66a0c1d2e3f4a5b6c7d8e902',
      'dataCapture.systemField.tags': 'handover,vip',
      'dataCapture.ticketField.360001234567': 'order-991',
    },
  },
});

export const handbackTicketClosed = envelope({
  id: '66a1000000000000000000c1',
  createdAt: '2026-07-05T09:00:00.000Z',
  type: 'switchboard:passControl',
  payload: { conversation: conversation(BOT), reason: 'ticketClosed' },
});

export const releaseTicketClosed = envelope({
  id: '66a1000000000000000000d1',
  createdAt: '2026-07-05T09:00:00.000Z',
  type: 'switchboard:releaseControl',
  payload: { conversation: conversation(), reason: 'ticketClosed', metadata: {} },
});

/** Our own close (passControl back to the bot), echoed. */
export const ownCloseEcho = envelope({
  id: '66a1000000000000000000d9',
  createdAt: '2026-07-05T09:00:00.000Z',
  type: 'switchboard:passControl',
  payload: {
    conversation: conversation(BOT),
    metadata: {
      'handoverKit.origin': 'handover-kit',
      'handoverKit.closedBy': 'bot',
      'handoverKit.closeReason': 'bot-closed',
    },
  },
});

export const offerControl = envelope({
  id: '66a1000000000000000000e1',
  createdAt: '2026-07-01T10:00:05.000Z',
  type: 'switchboard:offerControl',
  payload: {
    conversation: conversation(BOT, { pendingSwitchboardIntegration: HUMAN }),
    metadata: { reason: 'escalation' },
  },
});

export const acceptControl = envelope({
  id: '66a1000000000000000000f1',
  createdAt: '2026-07-01T10:00:09.000Z',
  type: 'switchboard:acceptControl',
  payload: { conversation: conversation(HUMAN) },
});

export const passFailure = envelope({
  id: '66a1000000000000000000a9',
  createdAt: '2026-07-01T10:00:05.000Z',
  type: 'switchboard:passControl:failure',
  payload: {
    conversation: conversation(BOT),
    error: { code: 'switchboard_invalid_target', message: 'Switchboard invalid target' },
    metadata: { first_message_id: '66a0c1d2e3f4a5b6c7d8e902' },
  },
});

export const userTyping = envelope({
  id: '66a1000000000000000000b7',
  createdAt: '2026-07-01T10:02:00.000Z',
  type: 'conversation:typing',
  payload: {
    conversation: conversation(AGENT_WORKSPACE),
    activity: {
      type: 'typing:start',
      author: {
        type: 'user',
        userId: '7283cdd6f586679a5fc43cfb',
        user: { id: '7283cdd6f586679a5fc43cfb', authenticated: false },
      },
      source: { type: 'web', integrationId: '5ecff63ffc3ab25f4561c8a0' },
    },
  },
});

export const agentTyping = envelope({
  id: '66a1000000000000000000b8',
  createdAt: '2026-07-01T10:02:30.000Z',
  type: 'conversation:typing',
  payload: {
    conversation: conversation(AGENT_WORKSPACE),
    activity: {
      type: 'typing:stop',
      author: { type: 'business', displayName: 'Sam (Support)' },
      source: { type: 'zd:agentWorkspace' },
    },
  },
});
