import { z } from 'zod';
import {
  agentSchema,
  attachmentSchema,
  closeReasonSchema,
  customAttributesSchema,
  handoverStatusSchema,
  handoverUserSchema,
  routingSchema,
  transcriptEntrySchema,
  unavailableReasonSchema,
  type Agent,
  type AvailabilityResult,
  type HandoverStatus,
} from '../contract';

/**
 * The handover service's own inputs and outputs. The same schemas validate calls in-process and
 * on the gateway's HTTP API, so nodes behave the same either way.
 */

/** Where the user's session lives: what Cognigy's inject/notify API needs to reach it. */
export const sessionSchema = z
  .object({
    userId: z.string().min(1).max(256),
    sessionId: z.string().min(1).max(256),
    /** The Cognigy endpoint's URLToken. */
    urlToken: z.string().max(256).optional(),
    channel: z.string().max(64).optional(),
  })
  .strict();
export type SessionAddress = z.infer<typeof sessionSchema>;

export function sessionKeyOf(session: Pick<SessionAddress, 'userId' | 'sessionId'>): string {
  return `${session.userId}\u0000${session.sessionId}`;
}

const templateText = z.string().max(2000);

/** Seconds between queue updates: any positive number (Cognigy sets no minimum); the service waits at least 1 s. */
const intervalSec = z.number().positive().max(86_400);

export const queueUpdatesSchema = z
  .object({
    /** Send the queue position every `intervalSec` seconds while waiting (unset: every 30 s). */
    position: z.object({ intervalSec: intervalSec.optional() }).strict().optional(),
    /** Send the estimated wait time every `intervalSec` seconds while waiting (unset: every 30 s). */
    waitTime: z.object({ intervalSec: intervalSec.optional() }).strict().optional(),
    /** Above these thresholds the alternative text is sent instead of the figures. */
    alternative: z
      .object({
        maxPosition: z.number().positive().optional(),
        maxWaitMs: z.number().positive().optional(),
        text: templateText.optional(),
      })
      .strict()
      .optional(),
    /**
     * false (Cognigy's way): each update re-enters the flow (`eventType: 'queueUpdate'`, figures in
     * `input.handover.data`). true (the kit's addition): the texts below go straight to the user.
     */
    asText: z.boolean().default(false),
    /** Templates; tokens `[[position]]`, `[[waitMinutes]]`, `[[waitSeconds]]`, `[[estimatedWaitTime]]` (ms). */
    positionText: templateText.optional(),
    waitTimeText: templateText.optional(),
  })
  .strict();
export type QueueUpdates = z.infer<typeof queueUpdatesSchema>;

/** How the handover talks back to the flow and the user: set by the Handover to Agent node. */
export const behaviourSchema = z
  .object({
    /** Inject a `queue` event into the flow when the handover is queued (Cognigy's Send Queue Event). */
    sendQueueEvent: z.boolean().default(false),
    /** Inject an `active` event when an agent joins / first writes (Send Active Event). */
    sendActiveEvent: z.boolean().default(false),
    /** Inject `completed` when the agent resolves (Send resolve event to Virtual Agent). */
    sendResolveEvent: z.boolean().default(true),
    queueUpdates: queueUpdatesSchema.optional(),
    /** Tell the agent when the user joins / leaves the chat. */
    userConnectsMessage: z.boolean().default(true),
    userDisconnectsMessage: z.boolean().default(true),
    /** Text to the user when an agent joins; `[[agentName]]` token. Empty = say nothing. */
    agentJoinedText: templateText.optional(),
    /** Close the handover when neither side wrote for this many minutes. */
    idleTimeoutMinutes: z.number().positive().max(10080).optional(),
    /** While queued, a user message with this intent or exactly this text cancels the handover. */
    cancel: z
      .object({ intent: z.string().max(200).optional(), text: z.string().max(200).optional() })
      .strict()
      .optional(),
    /** Said again to the user on each message while queued (Repeat Handover Accepted Message). */
    repeatMessage: templateText.optional(),
    /**
     * Longest wait for an agent, in seconds (0: wait for ever). Unset: the provider's default, else
     * the service's (10 min). On expiry the untried fallback providers are tried once; when none
     * takes it, the handover ends in `error` with code `assignment_timeout` and the user is told.
     */
    assignmentTimeoutSec: z.number().int().min(0).max(86_400).optional(),
    /** Said to the user when the wait ends with nobody (default: a short apology). Empty = say nothing. */
    assignmentTimeoutText: templateText.optional(),
  })
  .strict();
export type HandoverBehaviour = z.output<typeof behaviourSchema>;

/**
 * Routing that applies only to providers of one connector type (the node's Cognigy provider
 * sections: Live Agent / Chatwoot keys for `chatwoot`, Genesys keys for `genesys`). Merged over the
 * generic routing for the provider actually tried, so fallbacks of another type keep their own.
 */
export const connectorRoutingSchema = z
  .object({
    routing: routingSchema.optional(),
    customAttributes: customAttributesSchema.optional(),
    options: z.record(z.string(), z.unknown()).optional(),
  })
  .strict();
export type ConnectorRouting = z.infer<typeof connectorRoutingSchema>;
export const byConnectorTypeSchema = z.record(z.string().max(64), connectorRoutingSchema);

export const startHandoverInputSchema = z
  .object({
    providerId: z.string().min(1).max(128),
    /** Tried in order when the provider fails to start or has nobody available. Never loops. */
    fallbackProviderIds: z.array(z.string().min(1).max(128)).max(10).default([]),
    session: sessionSchema,
    /** Defaults to `{ id: session.userId }`. */
    user: handoverUserSchema.partial().optional(),
    routing: routingSchema.default({}),
    transcript: z.array(transcriptEntrySchema).max(1000).default([]),
    customAttributes: customAttributesSchema.default({}),
    locale: z.string().max(35).optional(),
    connectorOptions: z.record(z.string(), z.record(z.string(), z.unknown())).optional(),
    byConnectorType: byConnectorTypeSchema.optional(),
    /** Check availability first (where the connector can) and treat "nobody available" as a failure. */
    requireAvailableAgent: z.boolean().default(false),
    behaviour: behaviourSchema.default(() => behaviourSchema.parse({})),
  })
  .strict();
export type StartHandoverInput = z.input<typeof startHandoverInputSchema>;

export const sessionRefSchema = z.object({
  session: sessionSchema.pick({ userId: true, sessionId: true }).passthrough(),
});

/** A service call about one Cognigy session: the session, then the call's own fields; nothing else. */
function sessionInput<F extends z.ZodRawShape>(fields: F) {
  return z.object({ session: sessionSchema, ...fields }).strict();
}

export const userMessageInputSchema = sessionInput({
  /** Cognigy's inputId; repeats are forwarded once. */
  messageId: z.string().min(1).max(256).optional(),
  text: z.string().max(20000),
  attachments: z.array(attachmentSchema).max(20).optional(),
  /** `connected` / `disconnected`: the user came back to or left the chat (sent to the agent as a notice). */
  presence: z.enum(['connected', 'disconnected']).optional(),
  /** The intent the NLU found, checked against the handover's cancel intent. */
  intent: z.string().max(200).optional(),
});
export type UserMessageInput = z.input<typeof userMessageInputSchema>;

export const closeHandoverInputSchema = sessionInput({
  reason: closeReasonSchema.default('bot-closed'),
  /** Also close at the contact center (Cognigy's closeHandoverInProvider). */
  closeInProvider: z.boolean().default(true),
  message: z.string().max(2000).optional(),
});
export type CloseHandoverInput = z.input<typeof closeHandoverInputSchema>;

export const setInactivityInputSchema = sessionInput({
  /** Minutes of user silence before an inactivity event (Cognigy's `timer`); 0 switches the timer off. */
  minutes: z.number().min(0).max(1440),
  /** Close automatically on this expiry (e.g. 2: warn once, close on the second). */
  autoCloseAfter: z.number().int().positive().max(100).optional(),
});
export type SetInactivityInput = z.input<typeof setInactivityInputSchema>;

export const availabilityInputSchema = z
  .object({
    providerId: z.string().min(1).max(128),
    routing: routingSchema.default({}),
    byConnectorType: byConnectorTypeSchema.optional(),
  })
  .strict();
export type AvailabilityInput = z.input<typeof availabilityInputSchema>;

export const getHandoverInputSchema = z.union([
  sessionInput({}),
  z.object({ handoverId: z.string().min(1).max(128) }).strict(),
]);
export type GetHandoverInput = z.input<typeof getHandoverInputSchema>;

export const attemptSchema = z.object({
  providerId: z.string(),
  ok: z.boolean(),
  at: z.number(),
  error: z.object({ code: z.string(), message: z.string() }).optional(),
});
export type Attempt = z.infer<typeof attemptSchema>;

export const handoverFailureSchema = z.object({
  /** Cognigy's reasons: `error` (the provider failed, nobody available…), `unsupported`. `code` says which. */
  reason: z.enum(['error', 'unsupported']),
  message: z.string(),
  code: z.string().optional(),
  unavailableReason: unavailableReasonSchema.optional(),
});
export type HandoverFailure = z.infer<typeof handoverFailureSchema>;

/** A handover as nodes and API clients see it. */
export const handoverViewSchema = z.object({
  id: z.string(),
  providerId: z.string(),
  status: handoverStatusSchema,
  createdAt: z.number(),
  updatedAt: z.number(),
  queuePosition: z.number().optional(),
  estimatedWaitMs: z.number().optional(),
  agent: agentSchema.optional(),
  inactivityCount: z.number(),
  attempts: z.array(attemptSchema),
  error: handoverFailureSchema.optional(),
});
export type HandoverView = z.infer<typeof handoverViewSchema>;

export interface StartHandoverOutcome {
  handover: HandoverView;
  /** True when the session already had a live handover and no new one was started. */
  alreadyInProgress: boolean;
}

export interface UserMessageOutcome {
  /** False when the session has no live handover: the bot should answer. */
  forwarded: boolean;
  duplicate: boolean;
  /** The message matched the cancel intent / cancel button while queued: the handover is cancelled. */
  cancelled?: boolean;
  /** Text the node should say to the user now (the repeated accepted message while queued). */
  reply?: string;
  /**
   * The contact center refused the message because the conversation had just ended (the agent
   * closed while it was on its way): not forwarded, the handover is over (`handover.status`), and
   * the message is the flow's again: the bot answers it.
   */
  returned?: boolean;
  handover: HandoverView | null;
}

export interface CloseHandoverOutcome {
  /** False when there was no live handover to close. */
  closed: boolean;
  handover: HandoverView | null;
  /** The contact center failed to close its side; the user is back with the bot regardless. */
  providerError?: { code: string; message: string };
}

export interface SetInactivityOutcome {
  armed: boolean;
  handover: HandoverView | null;
}

export type AvailabilityOutcome = AvailabilityResult & { providerId: string };

/** What nodes need. The in-process service and the gateway client both implement it. */
export interface HandoverApi {
  checkAvailability(input: AvailabilityInput): Promise<AvailabilityOutcome>;
  startHandover(input: StartHandoverInput): Promise<StartHandoverOutcome>;
  sendUserMessage(input: UserMessageInput): Promise<UserMessageOutcome>;
  getHandover(input: GetHandoverInput): Promise<HandoverView | null>;
  closeHandover(input: CloseHandoverInput): Promise<CloseHandoverOutcome>;
  setInactivity(input: SetInactivityInput): Promise<SetInactivityOutcome>;
}

/** The stored form of a handover. Kept small: 100 000 live handovers must fit in ~200 MB. */
export interface HandoverRecord {
  id: string;
  /** Bumped on every write; stores compare-and-set on it. */
  version: number;
  providerId: string;
  /** The connector's id for the handover (set once the vendor accepted it). */
  conversationId?: string;
  session: SessionAddress;
  /** Omitted when it is just `{ id: session.userId }`. */
  user?: z.infer<typeof handoverUserSchema>;
  status: HandoverStatus;
  createdAt: number;
  updatedAt: number;
  behaviour: HandoverBehaviour;
  queuePosition?: number;
  estimatedWaitMs?: number;
  agent?: Agent;
  /** Last applied connector `sequence`. */
  lastSequence?: number;
  /** Ids of the last applied events (bounded), written with the state they changed: exact dedupe across a crash. */
  recentEventIds?: string[];
  /** Events that arrived ahead of a gap in `sequence`, waiting for it. */
  pending?: import('../contract').HandoverEvent[];
  inactivity?: {
    timeoutMs: number;
    count: number /** Unset: expired (or switched off) and not re-armed. */;
    dueAt?: number;
    autoCloseAfter?: number;
  };
  idleDueAt?: number;
  /** While queued: when the wait for an agent runs out. */
  assignmentDueAt?: number;
  /** Providers of the start's fallback chain not tried yet, and what to start them with. */
  fallback?: { providerIds: string[]; request: FallbackRequest };
  attempts?: Attempt[];
  error?: HandoverFailure;
}

/** What a fallback provider is started with after an assignment timeout (the transcript's tail only). */
export interface FallbackRequest {
  routing: z.output<typeof routingSchema>;
  transcript: Array<z.output<typeof transcriptEntrySchema>>;
  customAttributes: z.output<typeof customAttributesSchema>;
  locale?: string;
  connectorOptions?: Record<string, Record<string, unknown>>;
  byConnectorType?: z.output<typeof byConnectorTypeSchema>;
}

export interface ProviderRecord {
  id: string;
  name: string;
  /** Connector type, e.g. `genesys`. */
  type: string;
  settings: Record<string, unknown>;
  createdAt: number;
  updatedAt: number;
}
