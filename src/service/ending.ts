import { isLiveStatus, isTerminalStatus, toHandoverError, type CloseReason, type HandoverStatus } from '../contract';
import type { DeliveryItem } from '../delivery';
import type { HandoverFailure, HandoverRecord } from '../model';
import { address } from './apply';
import type { ServiceContext } from './context';
import { tryProviders } from './start';

/**
 * Ends that the service decides on its own: the end race (a message refused because the agent just
 * closed) and the assignment timeout. Callers hold the handover's queue slot.
 */

const DEFAULT_ASSIGNMENT_TIMEOUT_TEXT = 'Sorry, no agent is available right now.';

/**
 * After a refused message: the handover if it is over (the close was ingested meanwhile, or the
 * contact center reports its conversation ended and we end ours the same way); else undefined.
 */
export async function endedUnderUs(ctx: ServiceContext, record: HandoverRecord): Promise<HandoverRecord | undefined> {
  const fresh = await ctx.store.getHandover(record.id);
  if (!fresh || !isLiveStatus(fresh.status)) return fresh;
  let status: HandoverStatus;
  try {
    const connector = await ctx.connector(record.providerId);
    const result = await ctx.call('getStatus', record.providerId, (signal) =>
      connector.doGetStatus({ conversationId: record.conversationId! }, { signal }),
    );
    status = result.status;
  } catch (error) {
    const e = toHandoverError(error).toJSON();
    ctx.logger.warn('a refused message could not be explained: status unknown', { handoverId: record.id, error: e });
    return undefined;
  }
  if (!isTerminalStatus(status)) return undefined;
  // Ended as the contact center says; its own end event, when it arrives, changes nothing.
  const ended = { status, inactivity: undefined, idleDueAt: undefined, pending: undefined };
  const committed = await ctx.commit(record.id, (r) => (isLiveStatus(r.status) ? { ...r, ...ended } : undefined));
  ctx.logger.info('message refused: the conversation had ended; back to the flow', { handoverId: record.id, status });
  return committed?.after ?? (await ctx.store.getHandover(record.id));
}

/**
 * Nobody accepted within the assignment timeout. The conversation is withdrawn at the contact
 * center; the untried fallback providers are tried once each; when none takes it the handover ends
 * in `error` with code `assignment_timeout`: the flow gets that event and the user a notice, in the
 * write that ends it.
 */
export async function assignmentExpired(ctx: ServiceContext, budgetMs: number, record: HandoverRecord): Promise<void> {
  ctx.logger.info('no agent accepted in time', { handoverId: record.id, providerId: record.providerId });
  await closeAtVendor(ctx, record, 'timeout').catch(() => undefined);
  const message = 'No agent accepted the handover in time';
  const error: HandoverFailure = { reason: 'error', code: 'assignment_timeout', message };
  const told = (after: HandoverRecord): DeliveryItem[] => {
    const text = after.behaviour.assignmentTimeoutText ?? DEFAULT_ASSIGNMENT_TIMEOUT_TEXT;
    const notice: DeliveryItem[] = text
      ? [{ type: 'message', id: `${record.id}:assignment-timeout:text`, ...address(after), source: 'system', text }]
      : [];
    const handover = {
      ...{ status: 'error' as const, error, data: { outcome: 'timeout' } },
      ...{ handoverId: after.id, providerId: after.providerId },
    };
    return [...notice, { type: 'event', id: `${record.id}:assignment-timeout`, ...address(after), handover }];
  };
  // The fallbacks are used up before they are tried: tried once, even across a crash.
  const fallback = record.fallback;
  const taken = await ctx.commit(record.id, (r) =>
    r.status === 'queue' ? { ...r, fallback: undefined, assignmentDueAt: undefined } : undefined,
  );
  if (!taken) return;
  const base = fallback?.request ?? { routing: {}, transcript: [], customAttributes: {} };
  const request = { ...base, requireAvailableAgent: false, session: record.session };
  // With no fallback left this only ends it: tryProviders' "every one failed" path, as a timeout.
  await tryProviders(ctx, budgetMs, taken.after, fallback?.providerIds ?? [], request, told, error);
}

/** Closes the conversation at the contact center where the connector can. */
async function closeAtVendor(ctx: ServiceContext, record: HandoverRecord, reason: CloseReason): Promise<void> {
  if (!record.conversationId) return;
  const connector = await ctx.connector(record.providerId);
  if (!connector.capabilities.closeFromBot) return;
  await ctx.call('closeHandover', record.providerId, (signal) =>
    connector.doCloseHandover({ conversationId: record.conversationId!, reason }, { signal }),
  );
}
