import { z } from 'zod';
import {
  VendorNotFoundError,
  parseOrThrow,
  type Agent,
  type CloseHandoverRequest,
  type CloseHandoverResult,
  type ConnectorWarning,
  type HandoverEvent,
  type SendMessageRequest,
  type SendMessageResult,
  type StartHandoverRequest,
  type StartHandoverResult,
  type StatusResult,
  type TranscriptEntry,
} from 'handover-kit/contract';
import type { MessageAuthor, MessageContent, SunshineApi, SunshineConversation } from './api';
import { BoundedMap, OnceByKey, featureWarning } from 'handover-kit/connector-utils';
import { VENDOR } from './errors';
import { META, ORIGIN, handoverMetadata, matchesIntegration } from './metadata';
import { zendeskOptionsSchema, type ZendeskOptions, type ZendeskSettings } from './schema';

/**
 * The handover operations on Sunshine Conversations. The bot owns the SunCo conversation: it is
 * `connectorOptions.zendesk.conversationId` when the user already talks to Zendesk, otherwise the
 * personal conversation of a SunCo user whose externalId is the handover's user id (created on
 * first use). Starting posts the transcript and passes control to the agent integration; the
 * conversation id is the handover id.
 */

const MAX_TEXT = 4096;
const CACHE_SIZE = 10_000;
/** How many relayed message ids the connector remembers (its `oncePerMessage`). */
export const REMEMBERED_MESSAGES = CACHE_SIZE * 10;

export const TICKET_STAYS_OPEN: ConnectorWarning = {
  type: 'unsupported',
  feature: 'closeTicket',
  message:
    'Control is back with the bot, but the Zendesk ticket stays open until an agent (or a trigger) solves and ' +
    'closes it.',
};

interface StartProgress {
  conversationId?: string;
  firstMessageId?: string;
  transcriptPosted?: boolean;
}

export class ZendeskHandovers {
  /** In-flight and finished starts by idempotency key: a repeat returns the same handover. */
  private readonly starts = new OnceByKey<StartHandoverResult>(CACHE_SIZE);
  /** What a failed start already did, so a retry neither creates nor posts twice. */
  private readonly progress = new BoundedMap<string, StartProgress>(CACHE_SIZE);
  /** SunCo user id per conversation (user messages are authored by it). */
  private readonly users = new BoundedMap<string, string>(CACHE_SIZE);
  /** Conversations where an agent has written since the last pass (null: agent without a name). */
  private readonly agents = new BoundedMap<string, Agent | null>(CACHE_SIZE);
  /** Conversations whose pass to the agents failed. */
  private readonly failed = new BoundedMap<string, true>(CACHE_SIZE);

  constructor(
    private readonly api: SunshineApi,
    private readonly settings: ZendeskSettings,
  ) {}

  /** Fed with every event the webhook produces. */
  observe(event: HandoverEvent): void {
    if (event.type === 'agent-message')
      this.agents.set(event.conversationId, event.agent ?? this.agents.get(event.conversationId) ?? null);
    else if (event.type === 'handover-error') this.failed.set(event.conversationId, true);
    else if (event.type === 'handover-completed') this.agents.delete(event.conversationId);
  }

  async start(request: StartHandoverRequest, signal?: AbortSignal): Promise<StartHandoverResult> {
    const options = parseOrThrow(
      zendeskOptionsSchema,
      request.connectorOptions?.zendesk ?? {},
      'Zendesk connector options',
      'connectorOptions.zendesk',
    );
    return this.starts.run(request.idempotencyKey, () => this.runStart(request, options, signal)).promise;
  }

  private async runStart(
    request: StartHandoverRequest,
    options: ZendeskOptions,
    signal?: AbortSignal,
  ): Promise<StartHandoverResult> {
    const progress = this.progress.get(request.idempotencyKey) ?? {};
    this.progress.set(request.idempotencyKey, progress);
    let conversation: SunshineConversation;
    if (progress.conversationId) {
      conversation = await this.api.getConversation(progress.conversationId, 'start handover', signal);
    } else {
      conversation = await this.resolveConversation(request, options, signal);
      progress.conversationId = conversation.id;
    }
    const id = conversation.id;
    if (matchesIntegration(conversation.activeSwitchboardIntegration, this.settings.agentIntegration)) {
      const agent = this.agents.get(id);
      return {
        conversationId: id,
        status: agent === undefined ? 'queue' : 'active',
        ...(agent ? { agent } : {}),
        warnings: [
          {
            type: 'other',
            feature: 'passControl',
            message: 'The conversation was already with the agent integration; nothing was posted or passed again.',
          },
        ],
      };
    }
    const warnings: ConnectorWarning[] = [];
    const mode = options.transcript ?? (options.conversationId ? 'none' : this.settings.transcript);
    if (mode === 'messages' && !progress.transcriptPosted) {
      progress.firstMessageId = await this.postTranscript(id, request.transcript, warnings, signal);
      progress.transcriptPosted = true;
    }
    const { metadata, warnings: metaWarnings } = handoverMetadata({
      routing: request.routing,
      customAttributes: request.customAttributes,
      options,
      firstMessageId: options.firstMessageId ?? progress.firstMessageId,
    });
    // Forget the previous handover in this conversation before passing: a failure webhook may beat the answer.
    this.agents.delete(id);
    this.failed.delete(id);
    await this.api.passControl(id, this.settings.agentIntegration, metadata, 'start handover', signal);
    this.progress.delete(request.idempotencyKey);
    warnings.push(...metaWarnings);
    return { conversationId: id, status: 'queue', ...(warnings.length ? { warnings } : {}) };
  }

  /** The given conversation, or the personal conversation of the SunCo user for this handover's user. */
  private async resolveConversation(
    request: StartHandoverRequest,
    options: ZendeskOptions,
    signal?: AbortSignal,
  ): Promise<SunshineConversation> {
    if (options.conversationId) {
      const conversation = await this.api.getConversation(options.conversationId, 'start handover', signal);
      if (options.userId) this.users.set(conversation.id, options.userId);
      return conversation;
    }
    const externalId = options.userExternalId ?? request.user.id;
    const email =
      request.user.email && z.email().safeParse(request.user.email).success ? request.user.email : undefined;
    const profile = {
      ...(request.user.name ? { givenName: request.user.name.slice(0, 128) } : {}),
      ...(email ? { email } : {}),
      ...(request.locale ? { locale: request.locale } : {}),
    };
    let user = await this.api.createUser(externalId, profile, signal);
    let conversation: SunshineConversation | undefined;
    if (user) {
      conversation = await this.api.createConversation(user.id, signal);
    } else {
      user = await this.api.getUser(externalId, signal);
      conversation =
        pickPersonal(await this.api.listConversations(user.id, signal)) ??
        (await this.api.createConversation(user.id, signal));
    }
    this.users.set(conversation.id, user.id);
    return conversation;
  }

  /**
   * Posts the latest transcript entries (user lines as the user, the rest as the business); returns the first message
   * id.
   */
  private async postTranscript(
    conversationId: string,
    transcript: TranscriptEntry[],
    warnings: ConnectorWarning[],
    signal?: AbortSignal,
  ) {
    const entries = transcript.filter((e) => e.text.trim().length > 0);
    const limit = this.settings.transcriptLimit;
    if (entries.length > limit) {
      warnings.push(
        featureWarning('transcript', `Only the last ${limit} of ${entries.length} transcript entries were posted.`),
      );
    }
    let firstId: string | undefined;
    for (const entry of entries.slice(-limit)) {
      const author =
        entry.role === 'user' ? await this.userAuthor(conversationId, undefined, signal) : this.businessAuthor();
      const text = entry.text.length > MAX_TEXT ? `${entry.text.slice(0, MAX_TEXT - 1)}…` : entry.text;
      const message = await this.api.postMessage(
        conversationId,
        author,
        { type: 'text', text },
        { [META.origin]: ORIGIN },
        'post transcript',
        signal,
      );
      firstId ??= message.id;
    }
    return firstId;
  }

  /**
   * One SunCo message per text chunk and per attachment; the result names the first. (A repeated message
   * id is answered by the connector's `oncePerMessage`.)
   */
  async send(request: SendMessageRequest, signal?: AbortSignal): Promise<SendMessageResult> {
    const known = this.users.get(request.conversationId);
    const author: MessageAuthor =
      request.kind === 'system'
        ? this.businessAuthor()
        : known
          ? { type: 'user', userId: known }
          : await this.userAuthor(request.conversationId, request.user.id, signal);
    const text = request.text;
    if (!request.attachments?.length && text && text.length <= MAX_TEXT) {
      // The usual message, one text and nothing else: one post, without the chunk and content lists.
      const metadata = { [META.origin]: ORIGIN, [META.messageId]: request.messageId };
      const content: MessageContent = { type: 'text', text };
      const { id } = await this.api.postMessage(
        request.conversationId,
        author,
        content,
        metadata,
        'send message',
        signal,
      );
      return sent(id);
    }
    const contents: MessageContent[] = chunks(text).map((text) => ({ type: 'text', text }));
    for (const a of request.attachments ?? []) {
      contents.push({
        type: a.type === 'image' ? 'image' : 'file',
        mediaUrl: a.url,
        ...(a.name ? { altText: a.name.slice(0, 128) } : {}),
      });
    }
    let firstId: string | undefined;
    for (let i = 0; i < contents.length; i++) {
      const messageId = contents.length > 1 ? `${request.messageId}#${i + 1}` : request.messageId;
      const metadata = { [META.origin]: ORIGIN, [META.messageId]: messageId };
      const message = await this.api.postMessage(
        request.conversationId,
        author,
        contents[i]!,
        metadata,
        'send message',
        signal,
      );
      firstId ??= message.id;
    }
    return sent(firstId);
  }

  private businessAuthor(): MessageAuthor {
    return { type: 'business', ...(this.settings.botDisplayName ? { displayName: this.settings.botDisplayName } : {}) };
  }

  /** The conversation's SunCo user (cached; looked up from the participants once after a restart). */
  private async userAuthor(
    conversationId: string,
    fallbackExternalId: string | undefined,
    signal?: AbortSignal,
  ): Promise<MessageAuthor> {
    let userId = this.users.get(conversationId);
    if (!userId) {
      userId = await this.api.participantUserId(conversationId, signal);
      if (userId) this.users.set(conversationId, userId);
    }
    if (userId) return { type: 'user', userId };
    if (fallbackExternalId) return { type: 'user', userExternalId: fallbackExternalId };
    throw new VendorNotFoundError(`${VENDOR} conversation has no user participant to write as`, {
      vendor: VENDOR,
      operation: 'list participants',
    });
  }

  async status(conversationId: string, signal?: AbortSignal): Promise<StatusResult> {
    const conversation = await this.api.getConversation(conversationId, 'get status', signal);
    if (matchesIntegration(conversation.activeSwitchboardIntegration, this.settings.agentIntegration)) {
      const agent = this.agents.get(conversationId);
      return agent === undefined ? { status: 'queue' } : { status: 'active', ...(agent ? { agent } : {}) };
    }
    return { status: this.failed.has(conversationId) ? 'error' : 'completed' };
  }

  /**
   * Takes control back by passing it to the bot's own integration (releaseControl would answer
   * 403 to an integration key that is not active). Idempotent: nothing is called when the bot
   * already has control or nobody has. The ticket stays open.
   */
  async close(request: CloseHandoverRequest, signal?: AbortSignal): Promise<CloseHandoverResult> {
    const conversation = await this.api.getConversation(request.conversationId, 'close handover', signal);
    const active = conversation.activeSwitchboardIntegration;
    if (!active || matchesIntegration(active, this.settings.botIntegration)) return { alreadyClosed: true };
    if (request.message?.trim()) {
      const text = request.message.slice(0, MAX_TEXT);
      await this.api.postMessage(
        request.conversationId,
        this.businessAuthor(),
        { type: 'text', text },
        { [META.origin]: ORIGIN },
        'close handover',
        signal,
      );
    }
    const metadata = { [META.origin]: ORIGIN, [META.closedBy]: 'bot', [META.closeReason]: request.reason };
    await this.api.passControl(
      request.conversationId,
      this.settings.botIntegration,
      metadata,
      'close handover',
      signal,
    );
    this.agents.delete(request.conversationId);
    return { alreadyClosed: false, warnings: [TICKET_STAYS_OPEN] };
  }
}

const sent = (vendorMessageId: string | undefined): SendMessageResult =>
  vendorMessageId === undefined ? { duplicate: false } : { duplicate: false, vendorMessageId };

/** The user's default personal conversation, else the most recently active personal one. */
function pickPersonal(conversations: SunshineConversation[]): SunshineConversation | undefined {
  const personal = conversations.filter((c) => !c.type || c.type === 'personal');
  return (
    personal.find((c) => c.isDefault) ??
    [...personal].sort((a, b) => (b.lastUpdatedAt ?? '').localeCompare(a.lastUpdatedAt ?? ''))[0]
  );
}

function chunks(text: string): string[] {
  if (!text) return [];
  if (text.length <= MAX_TEXT) return [text];
  const out: string[] = [];
  for (let i = 0; i < text.length; i += MAX_TEXT) out.push(text.slice(i, i + MAX_TEXT));
  return out;
}
