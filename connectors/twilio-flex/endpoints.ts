/**
 * Every Twilio request the connector makes, by name: host, method and path template exactly as in
 * Twilio's OpenAPI files (twilio_{conversations,flex,taskrouter}_v1.json). The api module builds
 * URLs only from this table, and a unit test checks the table against a list taken from the specs.
 */
export type TwilioApiName = 'conversations' | 'flex' | 'taskrouter';

export interface TwilioEndpoint {
  api: TwilioApiName;
  method: 'GET' | 'POST';
  path: string;
}

export const TWILIO_ENDPOINTS = {
  createConversation: { api: 'conversations', method: 'POST', path: '/v1/Conversations' },
  fetchConversation: { api: 'conversations', method: 'GET', path: '/v1/Conversations/{Sid}' },
  updateConversation: { api: 'conversations', method: 'POST', path: '/v1/Conversations/{Sid}' },
  createParticipant: { api: 'conversations', method: 'POST', path: '/v1/Conversations/{ConversationSid}/Participants' },
  listParticipants: { api: 'conversations', method: 'GET', path: '/v1/Conversations/{ConversationSid}/Participants' },
  createMessage: { api: 'conversations', method: 'POST', path: '/v1/Conversations/{ConversationSid}/Messages' },
  createScopedWebhook: { api: 'conversations', method: 'POST', path: '/v1/Conversations/{ConversationSid}/Webhooks' },
  createInteraction: { api: 'flex', method: 'POST', path: '/v1/Interactions' },
  listInteractionChannels: { api: 'flex', method: 'GET', path: '/v1/Interactions/{InteractionSid}/Channels' },
  updateInteractionChannel: { api: 'flex', method: 'POST', path: '/v1/Interactions/{InteractionSid}/Channels/{Sid}' },
  listTasks: { api: 'taskrouter', method: 'GET', path: '/v1/Workspaces/{WorkspaceSid}/Tasks' },
  queueRealTimeStatistics: {
    api: 'taskrouter',
    method: 'GET',
    path: '/v1/Workspaces/{WorkspaceSid}/TaskQueues/{TaskQueueSid}/RealTimeStatistics',
  },
  queueCumulativeStatistics: {
    api: 'taskrouter',
    method: 'GET',
    path: '/v1/Workspaces/{WorkspaceSid}/TaskQueues/{TaskQueueSid}/CumulativeStatistics',
  },
} as const satisfies Record<string, TwilioEndpoint>;

export type TwilioEndpointName = keyof typeof TWILIO_ENDPOINTS;

/** A path template split once: literal parts at even indexes, placeholder names at odd ones. */
const TEMPLATES = new Map<TwilioEndpointName, string[]>(
  Object.entries(TWILIO_ENDPOINTS).map(([name, e]) => [name as TwilioEndpointName, e.path.split(/\{(\w+)\}/)]),
);

/** Fills `{Name}` placeholders; each value is URL-encoded, and a missing one is a programming error. */
export function endpointPath(name: TwilioEndpointName, params: Record<string, string> = {}): string {
  // Built from the split template: no regex pass and no callback per request (the send path's hot spot).
  const parts = TEMPLATES.get(name)!;
  let path = parts[0]!;
  for (let i = 1; i < parts.length; i += 2) {
    const value = params[parts[i]!];
    if (value === undefined) throw new Error(`twilio endpoint ${name}: missing path parameter ${parts[i]}`);
    path += encodeURIComponent(value) + parts[i + 1];
  }
  return path;
}
