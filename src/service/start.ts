import {
  AgentsUnavailableError,
  HandoverTimeoutError,
  isLiveStatus,
  toHandoverError,
  type HandoverError,
} from '../contract';
import { toView, type ServiceContext } from './context';
import type { DeliveryItem } from '../delivery';
import type {
  Attempt,
  ConnectorRouting,
  FallbackRequest,
  HandoverFailure,
  HandoverRecord,
  StartHandoverOutcome,
  startHandoverInputSchema,
} from '../model';
import type { CustomAttributes, Routing } from '../contract';

type StartRequest = Pick<
  ReturnType<typeof startHandoverInputSchema.parse>,
  keyof FallbackRequest | 'requireAvailableAgent' | 'session'
>;

/** The generic routing with the part meant for this connector type laid over it. */
export function routingFor(
  connectorType: string,
  req: {
    routing: Routing;
    byConnectorType?: Record<string, ConnectorRouting> | undefined;
    customAttributes?: CustomAttributes;
    connectorOptions?: Record<string, Record<string, unknown>> | undefined;
  },
) {
  const own = req.byConnectorType?.[connectorType];
  const routing: Routing = own?.routing ? { ...req.routing, ...own.routing } : req.routing;
  const customAttributes = own?.customAttributes
    ? { ...req.customAttributes, ...own.customAttributes }
    : (req.customAttributes ?? {});
  const connectorOptions = own?.options
    ? { ...req.connectorOptions, [connectorType]: { ...req.connectorOptions?.[connectorType], ...own.options } }
    : req.connectorOptions;
  return { routing, customAttributes, connectorOptions };
}

/** Transcript entries kept for starting a fallback provider later. */
const FALLBACK_TRANSCRIPT = 50;

/**
 * Tries the provider and its fallbacks in order, once each, within the start budget; records every
 * attempt. The providers after the one that took it are kept for an assignment timeout. When every
 * one fails, the handover ends in `error` (with `finalError` when given, e.g. the timeout).
 */
export async function tryProviders(
  ctx: ServiceContext,
  startBudgetMs: number,
  record: HandoverRecord,
  chain: string[],
  req: StartRequest,
  deliveries?: (after: HandoverRecord) => DeliveryItem[],
  finalError?: HandoverFailure,
): Promise<StartHandoverOutcome> {
  const attempts: Attempt[] = [...(record.attempts ?? [])];
  let lastError: HandoverError | undefined;
  const begun = ctx.clock.now();
  for (const providerId of chain) {
    if (ctx.clock.now() - begun > startBudgetMs - ctx.callTimeoutMs && attempts.length > 0) {
      lastError = new HandoverTimeoutError('No time left to try further providers', { providerId });
      attempts.push({
        providerId,
        ok: false,
        at: ctx.clock.now(),
        error: { code: lastError.code, message: lastError.message },
      });
      break;
    }
    try {
      const connector = await ctx.connector(providerId);
      const own = routingFor(connector.type, req);
      if (req.requireAvailableAgent && connector.capabilities.availability) {
        const availability = await ctx.call('checkAvailability', providerId, (signal) =>
          connector.doCheckAvailability({ routing: own.routing }, { signal }),
        );
        if (!availability.available) throw new AgentsUnavailableError(availability.reason ?? 'no-agents');
      }
      const started = await ctx.call('startHandover', providerId, (signal) =>
        connector.doStartHandover(
          {
            idempotencyKey: `${record.id}:${providerId}`,
            user: record.user ?? { id: req.session.userId },
            routing: own.routing,
            transcript: req.transcript,
            customAttributes: own.customAttributes,
            ...(req.locale ? { locale: req.locale } : {}),
            ...(own.connectorOptions ? { connectorOptions: own.connectorOptions } : {}),
          },
          { signal },
        ),
      );
      attempts.push({ providerId, ok: true, at: ctx.clock.now() });
      const idle = record.behaviour.idleTimeoutMinutes;
      const waitMs =
        started.status === 'queue' ? await ctx.assignmentTimeoutMs(record.behaviour, providerId) : undefined;
      const rest = chain.slice(chain.indexOf(providerId) + 1);
      const fallback = rest.length > 0 ? { providerIds: rest, request: fallbackRequest(req) } : undefined;
      const committed = await ctx.commit(record.id, (r) =>
        // Ended meanwhile (closed from another gateway instance): do not bring it back to life.
        !isLiveStatus(r.status)
          ? undefined
          : {
              ...r,
              providerId,
              conversationId: started.conversationId,
              status: started.status,
              queuePosition: started.queuePosition,
              estimatedWaitMs: started.estimatedWaitMs,
              agent: started.agent,
              attempts,
              assignmentDueAt: waitMs === undefined ? undefined : ctx.clock.now() + waitMs,
              fallback,
              ...(idle ? { idleDueAt: ctx.clock.now() + idle * 60_000 } : {}),
            },
      );
      if (!committed) {
        await ctx
          .call('closeHandover', providerId, (signal) =>
            connector.doCloseHandover({ conversationId: started.conversationId, reason: 'bot-closed' }, { signal }),
          )
          .catch(() => {});
        const ended = (await ctx.store.getHandover(record.id)) ?? record;
        return { handover: toView(ended), alreadyInProgress: false };
      }
      return { handover: toView(committed.after), alreadyInProgress: false };
    } catch (error) {
      lastError = toHandoverError(error);
      attempts.push({
        providerId,
        ok: false,
        at: ctx.clock.now(),
        error: { code: lastError.code, message: lastError.message },
      });
      ctx.logger.warn('handover start failed', { handoverId: record.id, providerId, error: lastError.toJSON() });
    }
  }
  const unavailable = AgentsUnavailableError.isInstance(lastError);
  const error: HandoverFailure = finalError ?? {
    reason: 'error',
    message: lastError?.message ?? 'Handover could not be started',
    code: lastError?.code,
    ...(unavailable ? { unavailableReason: (lastError as AgentsUnavailableError).reason } : {}),
  };
  const committed = await ctx.commit(
    record.id,
    (r) =>
      isLiveStatus(r.status)
        ? { ...r, status: 'error', attempts, error, assignmentDueAt: undefined, fallback: undefined }
        : undefined,
    deliveries,
  );
  const after = committed?.after ?? (await ctx.store.getHandover(record.id)) ?? record;
  return { handover: toView(after), alreadyInProgress: false };
}

function fallbackRequest(req: StartRequest): FallbackRequest {
  return {
    routing: req.routing,
    transcript: req.transcript.slice(-FALLBACK_TRANSCRIPT),
    customAttributes: req.customAttributes,
    ...(req.locale ? { locale: req.locale } : {}),
    ...(req.connectorOptions ? { connectorOptions: req.connectorOptions } : {}),
    ...(req.byConnectorType ? { byConnectorType: req.byConnectorType } : {}),
  };
}
