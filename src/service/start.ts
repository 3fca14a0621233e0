import { AgentsUnavailableError, HandoverTimeoutError, isLiveStatus, toHandoverError, type HandoverError } from '../contract';
import { toView, type ServiceContext } from './context';
import type { Attempt, ConnectorRouting, HandoverRecord, StartHandoverOutcome, startHandoverInputSchema } from '../model';
import type { CustomAttributes, Routing } from '../contract';

type StartRequest = ReturnType<typeof startHandoverInputSchema.parse>;

/** The generic routing with the part meant for this connector type laid over it. */
export function routingFor(
  connectorType: string,
  req: { routing: Routing; byConnectorType?: Record<string, ConnectorRouting> | undefined; customAttributes?: CustomAttributes; connectorOptions?: Record<string, Record<string, unknown>> | undefined },
) {
  const own = req.byConnectorType?.[connectorType];
  const routing: Routing = own?.routing ? { ...req.routing, ...own.routing } : req.routing;
  const customAttributes = own?.customAttributes ? { ...req.customAttributes, ...own.customAttributes } : (req.customAttributes ?? {});
  const connectorOptions = own?.options ? { ...req.connectorOptions, [connectorType]: { ...req.connectorOptions?.[connectorType], ...own.options } } : req.connectorOptions;
  return { routing, customAttributes, connectorOptions };
}

/** Tries the provider and its fallbacks in order, once each, within the start budget; records every attempt. */
export async function tryProviders(ctx: ServiceContext, startBudgetMs: number, record: HandoverRecord, chain: string[], req: StartRequest): Promise<StartHandoverOutcome> {
  const attempts: Attempt[] = [];
  let lastError: HandoverError | undefined;
  const begun = ctx.clock.now();
  for (const providerId of chain) {
    if (ctx.clock.now() - begun > startBudgetMs - ctx.callTimeoutMs && attempts.length > 0) {
      lastError = new HandoverTimeoutError('No time left to try further providers', { providerId });
      attempts.push({ providerId, ok: false, at: ctx.clock.now(), error: { code: lastError.code, message: lastError.message } });
      break;
    }
    try {
      const connector = await ctx.connector(providerId);
      const own = routingFor(connector.type, req);
      if (req.requireAvailableAgent && connector.capabilities.availability) {
        const availability = await ctx.call('checkAvailability', providerId, (signal) => connector.doCheckAvailability({ routing: own.routing }, { signal }));
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
              ...(idle ? { idleDueAt: ctx.clock.now() + idle * 60_000 } : {}),
            },
      );
      if (!committed) {
        await ctx.call('closeHandover', providerId, (signal) => connector.doCloseHandover({ conversationId: started.conversationId, reason: 'bot-closed' }, { signal })).catch(() => {});
        const ended = (await ctx.store.getHandover(record.id)) ?? record;
        return { handover: toView(ended), alreadyInProgress: false };
      }
      return { handover: toView(committed.after), alreadyInProgress: false };
    } catch (error) {
      lastError = toHandoverError(error);
      attempts.push({ providerId, ok: false, at: ctx.clock.now(), error: { code: lastError.code, message: lastError.message } });
      ctx.logger.warn('handover start failed', { handoverId: record.id, providerId, error: lastError.toJSON() });
    }
  }
  const unavailable = AgentsUnavailableError.isInstance(lastError);
  const committed = await ctx.commit(record.id, (r) => ({
    ...r,
    status: 'error',
    attempts,
    error: {
      reason: 'error',
      message: lastError?.message ?? 'Handover could not be started',
      code: lastError?.code,
      ...(unavailable ? { unavailableReason: (lastError as AgentsUnavailableError).reason } : {}),
    },
  }));
  return { handover: toView(committed!.after), alreadyInProgress: false };
}
