import {
  HandoverError,
  VendorApiError,
  VendorNotFoundError,
  type AvailabilityResult,
  type CheckAvailabilityRequest,
  type CloseHandoverRequest,
  type CloseHandoverResult,
  type ConnectorWarning,
  type SendMessageRequest,
  type SendMessageResult,
  type StatusResult,
} from 'handover-kit/contract';
import { otherWarning, unsupported, type ChatwootContext } from './context';
import { agentOf, handoverStatusOf } from './mapping';
import { resolveRouting } from './routing';
import type { VendorAgent } from './vendor';

/** A handover id is Chatwoot's conversation display id. */
export function conversationNumber(conversationId: string): number {
  const id = Number(conversationId);
  if (!Number.isSafeInteger(id) || id <= 0)
    throw new VendorNotFoundError(`"${conversationId}" is not a Chatwoot conversation id`, { vendor: 'chatwoot' });
  return id;
}

/**
 * Available agents = members of the inbox (and of the team, when routing names one) whose
 * `availability_status` is `online`. Queue length = open, unassigned conversations of the inbox/team
 * (`conversations/meta`, cached a few seconds: Chatwoot allows 30 such calls a minute per token).
 * Chatwoot has no wait-time or position API.
 */
export async function checkAvailability(
  ctx: ChatwootContext,
  request: CheckAvailabilityRequest,
  signal?: AbortSignal,
): Promise<AvailabilityResult> {
  const routing = await resolveRouting(ctx, request.routing, {}, signal);
  const warnings: ConnectorWarning[] = routing.warnings.filter((w) => w.feature === 'queueRouting');
  if (request.routing.skills?.length)
    warnings.push(unsupported('skills', 'Chatwoot has no agent skills; availability ignores them.'));
  if (request.routing.languages?.length)
    warnings.push(unsupported('languages', 'Chatwoot has no agent languages; availability ignores them.'));

  const inboxId = routing.inboxId ?? ctx.settings.inboxId;
  let candidates: VendorAgent[] = await ctx.api.inboxMembers(inboxId, signal);
  if (routing.teamId !== undefined) {
    const team = new Set((await ctx.api.teamMembers(routing.teamId, signal)).map((a) => a.id));
    candidates = candidates.filter((a) => team.has(a.id));
  }
  const online = candidates.filter((a) => a.availability_status === 'online').length;
  const queueLength = await queueLengthOf(ctx, inboxId, routing.teamId, warnings, signal);
  return {
    available: online > 0,
    ...(online > 0 ? {} : { reason: 'no-agents' as const }),
    agentsAvailable: online,
    ...(queueLength !== undefined ? { queueLength } : {}),
    ...(warnings.length > 0 ? { warnings } : {}),
  };
}

async function queueLengthOf(
  ctx: ChatwootContext,
  inboxId: number,
  teamId: number | undefined,
  warnings: ConnectorWarning[],
  signal?: AbortSignal,
): Promise<number | undefined> {
  const key = `${inboxId}:${teamId ?? ''}`;
  const cached = ctx.queueLengths.get(key);
  if (cached !== undefined) return cached;
  try {
    const { unassigned } = await ctx.api.openCounts(inboxId, teamId, signal);
    ctx.queueLengths.set(key, unassigned);
    return unassigned;
  } catch (error) {
    // Rate limited, or a token that may not read counts (agent bots): availability stands without it.
    if (signal?.aborted || !HandoverError.isInstance(error)) throw error;
    warnings.push(otherWarning('queueLength', `The queue length is unknown (${error.message}).`));
    return undefined;
  }
}

/**
 * The user's text as an `incoming` message (API inboxes only). `system` notices (user joined / left)
 * become private notes, which agents see and the user's side never echoes back. (A repeated message id
 * is answered from memory by the connector's `oncePerMessage`, without a second call.)
 */
export async function sendMessage(
  ctx: ChatwootContext,
  request: SendMessageRequest,
  signal?: AbortSignal,
): Promise<SendMessageResult> {
  const id = conversationNumber(request.conversationId);
  const warnings: ConnectorWarning[] = [];
  let content = request.text;
  if (request.attachments?.length) {
    content = [content, ...request.attachments.map((a) => `[${a.type}] ${a.name ? `${a.name}: ` : ''}${a.url}`)]
      .filter(Boolean)
      .join('\n');
    warnings.push(
      unsupported(
        'attachments',
        'Chatwoot takes files only as multipart uploads; the attachment links were added to the message text.',
      ),
    );
  }
  const system = request.kind === 'system';
  const vendorId = await ctx.api.createMessage(
    id,
    system
      ? { content, message_type: 'outgoing', private: true }
      : { content, message_type: 'incoming', private: false },
    signal,
  );
  return { duplicate: false, vendorMessageId: String(vendorId), ...(warnings.length > 0 ? { warnings } : {}) };
}

export async function getStatus(
  ctx: ChatwootContext,
  conversationId: string,
  signal?: AbortSignal,
): Promise<StatusResult> {
  const conversation = await ctx.api.getConversation(conversationNumber(conversationId), signal);
  const assignee = conversation.meta?.assignee_type === 'User' ? conversation.meta.assignee : undefined;
  const status = handoverStatusOf(conversation.status, Boolean(assignee));
  return { status, ...(status === 'active' && assignee ? { agent: agentOf(assignee) } : {}) };
}

/**
 * Resolves the conversation from the bot side (`toggle_status {status:"resolved"}`). Already resolved
 * → `alreadyClosed: true` and no write. The optional message reaches the agent as a private note.
 */
export async function closeHandover(
  ctx: ChatwootContext,
  request: CloseHandoverRequest,
  signal?: AbortSignal,
): Promise<CloseHandoverResult> {
  const id = conversationNumber(request.conversationId);
  const conversation = await ctx.api.getConversation(id, signal);
  if (conversation.status === 'resolved') return { alreadyClosed: true };
  const warnings: ConnectorWarning[] = [];
  if (request.message) {
    try {
      await ctx.api.createMessage(id, { content: request.message, message_type: 'outgoing', private: true }, signal);
    } catch (error) {
      if (signal?.aborted || !VendorApiError.isInstance(error)) throw error;
      warnings.push(otherWarning('closeMessage', `The closing note was not posted (${error.message}).`));
    }
  }
  // Remembered before the call: the `resolved` webhook may beat the response.
  await ctx.resolvedByBot.mark(String(id));
  try {
    await ctx.api.toggleStatus(id, 'resolved', signal);
  } catch (error) {
    await ctx.resolvedByBot.unmark(String(id)).catch(() => {});
    throw error;
  }
  return { alreadyClosed: false, ...(warnings.length > 0 ? { warnings } : {}) };
}
