import { randomUUID } from 'node:crypto';

/**
 * Conversation entries as the MIAW stream carries them: `data` is JSON with `conversationEntry`,
 * whose `entryPayload` is itself a JSON string. Two naming schemes: the web sample app's event
 * names and the mobile SDK's (one typing event, routing work results, `ping`, no close event).
 */
export type EventNaming = 'sample' | 'sdk';

export interface FakeAgent {
  id: string;
  name: string;
}

export interface StreamEvent {
  id: string;
  event: string;
  data: string;
}

export interface EntryInput {
  conversationId: string;
  entryType: string;
  payload: Record<string, unknown>;
  sender: { role: string; subject: string; appType?: string };
  senderDisplayName?: string;
  at: number;
}

/** The `data` JSON of one stream event. */
export function entryData(input: EntryInput): string {
  return JSON.stringify({
    channelPlatformKey: 'fake-platform-key',
    channelType: 'embedded_messaging',
    channelAddressIdentifier: 'fake-channel-address',
    conversationId: input.conversationId,
    conversationEntry: {
      identifier: randomUUID(),
      entryType: input.entryType,
      sender: {
        appType: input.sender.appType ?? 'conversation',
        role: input.sender.role,
        subject: input.sender.subject,
      },
      senderDisplayName: input.senderDisplayName ?? input.sender.role,
      clientTimestamp: input.at,
      transcriptedTimestamp: input.at,
      entryPayload: JSON.stringify({ entryType: input.entryType, ...input.payload }),
      relatedRecords: [],
    },
  });
}

const agentSender = (agent: FakeAgent) => ({ role: 'Agent', subject: agent.id, appType: 'agent' });

export function textMessage(
  conversationId: string,
  agent: FakeAgent,
  text: string,
  at: number,
  attachments: Array<{ name: string; url: string; mimeType: string }> = [],
) {
  const staticContent =
    attachments.length > 0
      ? { formatType: 'Attachments', text, attachments: attachments.map((a) => ({ id: randomUUID(), ...a })) }
      : { formatType: 'Text', text };
  return entryData({
    conversationId,
    entryType: 'Message',
    payload: {
      id: randomUUID(),
      abstractMessage: { messageType: 'StaticContentMessage', id: randomUUID(), staticContent },
      messageReason: null,
    },
    sender: agentSender(agent),
    senderDisplayName: agent.name,
    at,
  });
}

export function userEcho(conversationId: string, subject: string, text: string, messageId: string, at: number) {
  return entryData({
    conversationId,
    entryType: 'Message',
    payload: {
      id: messageId,
      abstractMessage: {
        messageType: 'StaticContentMessage',
        id: messageId,
        staticContent: { formatType: 'Text', text },
      },
    },
    sender: { role: 'EndUser', subject, appType: 'iamessage' },
    senderDisplayName: 'Guest',
    at,
  });
}

export function participantChanged(conversationId: string, agent: FakeAgent, operation: 'add' | 'remove', at: number) {
  return entryData({
    conversationId,
    entryType: 'ParticipantChanged',
    payload: {
      entries: [
        { operation, displayName: agent.name, participant: { role: 'Agent', subject: agent.id, appType: 'agent' } },
      ],
    },
    sender: { role: 'System', subject: 'system', appType: 'conversation' },
    at,
  });
}

export function routingResult(
  conversationId: string,
  options: { type: 'Initial' | 'Transfer'; ewtSeconds: number | null; failure?: string },
  at: number,
) {
  return entryData({
    conversationId,
    entryType: 'RoutingResult',
    payload: {
      routingType: options.type,
      failureType: options.failure ? 'RoutingError' : 'None',
      failureReason: options.failure ?? null,
      errorMessages: options.failure ? [options.failure] : [],
      recordId: `0Mw${randomUUID().replace(/-/g, '').slice(0, 15)}`,
      isExternallyRouted: false,
      estimatedWaitTime: {
        estimatedWaitTimeInSeconds: options.ewtSeconds,
        isEWTRequested: options.ewtSeconds !== null,
      },
    },
    sender: { role: 'Router', subject: 'router', appType: 'conversation' },
    at,
  });
}

export function typing(
  conversationId: string,
  agent: FakeAgent,
  started: boolean,
  naming: EventNaming,
  at: number,
): { event: string; data: string } {
  if (naming === 'sdk') {
    const data = entryData({
      conversationId,
      entryType: 'TypingIndicator',
      payload: { typingIndicatorStatus: started ? 'Started' : 'Stopped' },
      sender: agentSender(agent),
      senderDisplayName: agent.name,
      at,
    });
    return { event: 'CONVERSATION_TYPING_INDICATOR', data };
  }
  const entryType = started ? 'TypingStartedIndicator' : 'TypingStoppedIndicator';
  const data = entryData({
    conversationId,
    entryType,
    payload: {},
    sender: agentSender(agent),
    senderDisplayName: agent.name,
    at,
  });
  return { event: started ? 'CONVERSATION_TYPING_STARTED_INDICATOR' : 'CONVERSATION_TYPING_STOPPED_INDICATOR', data };
}

/** The end of the conversation: a close event (sample app) or a `Closed` routing work result (SDK). */
export function closed(conversationId: string, naming: EventNaming, at: number): { event: string; data: string } {
  if (naming === 'sdk') {
    const data = entryData({
      conversationId,
      entryType: 'RoutingWorkResult',
      payload: { workType: 'Closed' },
      sender: { role: 'System', subject: 'system' },
      at,
    });
    return { event: 'CONVERSATION_ROUTING_WORK_RESULT', data };
  }
  const data = entryData({
    conversationId,
    entryType: 'CloseConversation',
    payload: {},
    sender: { role: 'System', subject: 'system' },
    at,
  });
  return { event: 'CONVERSATION_CLOSE_CONVERSATION', data };
}

/** One event in the wire format. */
export function frame(e: StreamEvent): string {
  return `id: ${e.id}\nevent: ${e.event}\ndata: ${e.data}\n\n`;
}
