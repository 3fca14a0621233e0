import type {
  AvailabilityInput,
  CloseHandoverInput,
  GetHandoverInput,
  HandoverApi,
  SetInactivityInput,
  StartHandoverInput,
  UserMessageInput,
} from '../../model';
import type { ProviderRegistry } from '../../registry';
import { ForbiddenError } from '../../contract';
import { sessionKeyOf } from '../../model';
import type { Reply, RequestContext, Route } from '../http/server';

/**
 * The nodes' API: one route per service operation, one request per node execution. Bodies are the
 * service's inputs and are validated by the service's own zod schemas (a 400 naming the field).
 */
export const NODE_ROUTES = {
  availability: '/v1/handover/availability',
  start: '/v1/handover/start',
  message: '/v1/handover/message',
  get: '/v1/handover/get',
  close: '/v1/handover/close',
  inactivity: '/v1/handover/inactivity',
  /** GET: providers as the node editor needs them (id, name, type, capabilities) — no settings. */
  providers: '/v1/providers',
} as const;

export function nodeRoutes(service: HandoverApi, registry: ProviderRegistry): Route[] {
  const post = (path: string, run: (body: unknown) => Promise<unknown>): Route => ({
    method: 'POST',
    path,
    auth: 'nodes',
    providers: 'filter',
    handler: async (ctx: RequestContext): Promise<Reply> => {
      const body = await ctx.json();
      const allowed = ctx.principal?.providers;
      if (allowed) await checkProviderOf(body, allowed, registry);
      return { status: 200, body: await run(body) };
    },
  });
  return [
    post(NODE_ROUTES.availability, (b) => service.checkAvailability(b as AvailabilityInput)),
    post(NODE_ROUTES.start, (b) => service.startHandover(b as StartHandoverInput)),
    post(NODE_ROUTES.message, (b) => service.sendUserMessage(b as UserMessageInput)),
    post(NODE_ROUTES.get, async (b) => ({ handover: await service.getHandover(b as GetHandoverInput) })),
    post(NODE_ROUTES.close, (b) => service.closeHandover(b as CloseHandoverInput)),
    post(NODE_ROUTES.inactivity, (b) => service.setInactivity(b as SetInactivityInput)),
    {
      method: 'GET',
      path: NODE_ROUTES.providers,
      auth: 'nodes',
      providers: 'filter',
      handler: async (ctx): Promise<Reply> => {
        const allowed = ctx.principal?.providers;
        const providers = (await registry.list()).filter((p) => !allowed || allowed.includes(p.id));
        const withCapabilities = await Promise.all(
          providers.map(async (p) => ({
            id: p.id,
            name: p.name,
            type: p.type,
            capabilities: (
              await registry
                .capabilitiesOf(p.id)
                .catch(() => ({ capabilities: registry.definition(p.type).capabilities }))
            ).capabilities,
          })),
        );
        return { status: 200, body: { providers: withCapabilities } };
      },
    },
  ];
}

/**
 * A key limited to some providers: the request's `providerId`, or the provider of the session's
 * handover, must be one of them (a session without a handover has nothing to reveal).
 */
async function checkProviderOf(body: unknown, allowed: readonly string[], registry: ProviderRegistry): Promise<void> {
  const b = (body ?? {}) as { providerId?: unknown; session?: { userId?: unknown; sessionId?: unknown } };
  let providerId = typeof b.providerId === 'string' ? b.providerId : undefined;
  if (providerId === undefined && typeof b.session?.userId === 'string' && typeof b.session.sessionId === 'string') {
    providerId = (
      await registry.store.findHandoverBySession(
        sessionKeyOf({ userId: b.session.userId, sessionId: b.session.sessionId }),
      )
    )?.providerId;
  }
  if (providerId !== undefined && !allowed.includes(providerId))
    throw new ForbiddenError('This API key may not use this provider');
}
