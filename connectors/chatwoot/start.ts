import { createHash } from 'node:crypto';
import {
  VendorApiError,
  VendorNotFoundError,
  type ConnectorWarning,
  type HandoverUser,
  type StartHandoverRequest,
  type StartHandoverResult,
} from 'handover-kit/contract';
import { otherWarning, type ChatwootContext } from './context';
import { agentOf } from './mapping';
import { readOptions, resolveRouting, type ResolvedRouting } from './routing';
import { transcriptNote } from './transcript';
import type { CreateContactBody, VendorConversation } from './vendor';

/**
 * Starting a handover on Chatwoot (API inbox):
 *
 * 1. Find the conversation of this idempotency key: in memory, else by its contact-inbox `source_id`
 *    (`hk-<sha256(key)>`), double-checked against `additional_attributes.handover_key`.
 * 2. Otherwise create (or reuse, by `identifier` = the user id) the contact, then the conversation with
 *    status `open`, team, assignee and custom attributes.
 * 3. Hand it to humans. Chatwoot's model: `pending` = the bot owns it, `open` = agents' queue. An inbox
 *    with an active agent bot forces new conversations to `pending`, and a reused conversation may be
 *    pending, snoozed or resolved: any status but `open` gets `toggle_status {status:"open"}`.
 * 4. Priority, labels and (new conversations only) the transcript as a private note. These are
 *    extras: if one fails the handover still stands, and a warning says what is missing.
 */
export async function startHandover(
  ctx: ChatwootContext,
  request: StartHandoverRequest,
  signal?: AbortSignal,
): Promise<StartHandoverResult> {
  const options = readOptions(request.connectorOptions);
  const routing = await resolveRouting(ctx, request.routing, options, signal);
  const warnings = [...routing.warnings];
  const sourceId = sourceIdFor(request.idempotencyKey);

  const inboxId = routing.inboxId ?? ctx.settings.inboxId;
  let conversation = await findExisting(ctx, request.idempotencyKey, sourceId, inboxId, signal);
  const created = conversation === undefined;
  if (!conversation) {
    const contactId = await ensureContact(ctx, request.user, warnings, signal);
    conversation = await ctx.api.createConversation(
      {
        source_id: sourceId,
        inbox_id: inboxId,
        contact_id: contactId,
        status: 'open',
        ...(routing.teamId !== undefined ? { team_id: routing.teamId } : {}),
        ...(routing.assigneeId !== undefined ? { assignee_id: routing.assigneeId } : {}),
        custom_attributes: request.customAttributes,
        additional_attributes: {
          handover_key: sourceId,
          ...(request.locale ? { conversation_language: request.locale } : {}),
        },
      },
      signal,
    );
  }
  ctx.handovers.set(request.idempotencyKey, conversation.id);

  if (conversation.status !== 'open') {
    await ctx.api.toggleStatus(conversation.id, 'open', signal);
    conversation = { ...conversation, status: 'open' };
  }
  const input: ExtrasInput = { ctx, conversation, request, routing };
  const extras = created ? newConversationExtras(input) : reusedConversationExtras(input);
  for (const [feature, step] of extras) {
    try {
      await step(signal);
    } catch (error) {
      if (signal?.aborted || !VendorApiError.isInstance(error)) throw error;
      ctx.logger.warn('chatwoot handover started without one of its extras', {
        feature,
        conversationId: conversation.id,
        status: error.status,
        vendorRequestId: error.vendorRequestId,
      });
      warnings.push(
        otherWarning(
          feature,
          `Chatwoot did not take the ${feature} (${error.message}); the handover went ahead without it.`,
        ),
      );
    }
  }

  const agent =
    conversation.meta?.assignee_type === 'User' && conversation.meta.assignee
      ? agentOf(conversation.meta.assignee)
      : undefined;
  return {
    conversationId: String(conversation.id),
    status: agent ? 'active' : 'queue',
    ...(agent ? { agent } : {}),
    ...(warnings.length > 0 ? { warnings } : {}),
  };
}

/** The contact-inbox source id of a handover: stable per key, opaque, within Chatwoot's limits. */
export function sourceIdFor(idempotencyKey: string): string {
  return `hk-${createHash('sha256').update(idempotencyKey).digest('hex').slice(0, 40)}`;
}

async function findExisting(
  ctx: ChatwootContext,
  key: string,
  sourceId: string,
  inboxId: number,
  signal?: AbortSignal,
): Promise<VendorConversation | undefined> {
  const known = ctx.handovers.get(key);
  if (known !== undefined) {
    try {
      return await ctx.api.getConversation(known, signal);
    } catch (error) {
      if (!VendorNotFoundError.isInstance(error)) throw error;
      ctx.handovers.delete(key); // deleted at Chatwoot: start afresh
    }
  }
  const found = await ctx.api.conversationsBySource(sourceId, inboxId, signal);
  // Builds that ignore the source_id filter list other conversations: only our marker counts.
  return found.find((c) => c.additional_attributes?.handover_key === sourceId);
}

const E164 = /^\+[1-9]\d{1,14}$/;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** The contact for this user: created, or found by `identifier` when it already exists. */
async function ensureContact(
  ctx: ChatwootContext,
  user: HandoverUser,
  warnings: ConnectorWarning[],
  signal?: AbortSignal,
): Promise<number> {
  const identifier = user.id;
  const cached = ctx.contacts.get(identifier);
  if (cached !== undefined) return cached;
  const body: CreateContactBody = { identifier, ...(user.name ? { name: user.name } : {}) };
  if (user.email && EMAIL.test(user.email)) body.email = user.email;
  if (user.phone) {
    const phone = user.phone.replace(/[\s()-]/g, '');
    if (E164.test(phone)) body.phone_number = phone;
    else
      warnings.push(
        otherWarning(
          'contact',
          'The phone number is not in E.164 form (+4912345…), so the contact was created without it.',
        ),
      );
  }
  let id: number;
  try {
    id = (await ctx.api.createContact(body, signal)).id;
  } catch (error) {
    if (!VendorApiError.isInstance(error) || error.status !== 422) throw error;
    const existing = (await ctx.api.searchContacts(identifier, signal)).find((c) => c.identifier === identifier);
    if (existing) id = existing.id;
    else if (body.email || body.phone_number) {
      // The email or phone belongs to another contact: keep the handover going without them.
      warnings.push(
        otherWarning(
          'contact',
          'The email or phone number belongs to another Chatwoot contact, so the contact was created without them.',
        ),
      );
      id = (await ctx.api.createContact({ identifier, ...(user.name ? { name: user.name } : {}) }, signal)).id;
    } else throw error;
  }
  ctx.contacts.set(identifier, id);
  return id;
}

type Extra = [feature: string, step: (signal?: AbortSignal) => Promise<unknown>];

/** What the steps after creating or finding the conversation depend on. */
interface ExtrasInput {
  ctx: ChatwootContext;
  conversation: VendorConversation;
  request: StartHandoverRequest;
  routing: ResolvedRouting;
}

function newConversationExtras({ ctx, conversation, request, routing }: ExtrasInput): Extra[] {
  const extras: Extra[] = [];
  // A new conversation has no priority yet: "none" needs no call.
  if (routing.priority) extras.push(['priority', (s) => ctx.api.togglePriority(conversation.id, routing.priority!, s)]);
  if (routing.labels.length > 0) extras.push(['labels', (s) => ctx.api.setLabels(conversation.id, routing.labels, s)]);
  const note = ctx.settings.transcriptNote ? transcriptNote(request.transcript) : undefined;
  if (note)
    extras.push([
      'transcript',
      (s) => ctx.api.createMessage(conversation.id, { content: note, message_type: 'outgoing', private: true }, s),
    ]);
  return extras;
}

/** A conversation found again (a retried start): bring routing and attributes up to date, no second transcript. */
function reusedConversationExtras({ ctx, conversation, request, routing }: ExtrasInput): Extra[] {
  const extras: Extra[] = [];
  const id = conversation.id;
  if (routing.teamId !== undefined && conversation.meta?.team?.id !== routing.teamId)
    extras.push(['queueRouting', (s) => ctx.api.assign(id, { team_id: routing.teamId! }, s)]);
  if (routing.assigneeId !== undefined && conversation.meta?.assignee?.id !== routing.assigneeId)
    extras.push(['assignee', (s) => ctx.api.assign(id, { assignee_id: routing.assigneeId! }, s)]);
  if (routing.priority !== undefined && (conversation.priority ?? null) !== routing.priority)
    extras.push(['priority', (s) => ctx.api.togglePriority(id, routing.priority!, s)]);
  const current = conversation.labels ?? [];
  const labels = [...new Set([...current, ...routing.labels])];
  if (labels.length !== current.length) extras.push(['labels', (s) => ctx.api.setLabels(id, labels, s)]);
  const attributes = conversation.custom_attributes ?? {};
  if (Object.entries(request.customAttributes).some(([k, v]) => attributes[k] !== v)) {
    // Chatwoot replaces the whole hash: merge ours over what agents or automations set.
    extras.push([
      'customAttributes',
      (s) => ctx.api.setCustomAttributes(id, { ...attributes, ...request.customAttributes }, s),
    ]);
  }
  return extras;
}
