import { z } from 'zod';
import {
  BadRequestError,
  HandoverError,
  UnknownProviderError,
  secretFields,
  toHandoverError,
  type ConnectionCheck,
  type ConnectorDefinitionV1,
  type HandoverConnectorV1,
  type HandoverErrorJSON,
  type Logger,
} from '../../contract';
import type { ProviderRegistry, ProviderView } from '../../registry';
import type { HandoverApi } from '../../model';
import { parseJson } from '../http/body';
import type { RequestContext, Route } from '../http/server';
import { MemoryProviderChecks, type ProviderCheckRecord, type ProviderChecks } from './provider-checks';

/**
 * Provider management, shaped like Cognigy's REST API v2.0 (`/v2.0/handover/provider` to create and
 * read one, the plural `/v2.0/handover/providers/:id` to update and delete, as Cognigy has it), for
 * admin keys only. Secrets are masked on every read; sending the mask back keeps the stored secret.
 */
export const PROVIDER_ROUTES = {
  create: '/v2.0/handover/provider',
  read: '/v2.0/handover/provider/:id',
  list: '/v2.0/handover/providers',
  update: '/v2.0/handover/providers/:id',
  remove: '/v2.0/handover/providers/:id',
  export: '/v2.0/handover/providers/export',
  import: '/v2.0/handover/providers/import',
  services: '/v2.0/handover/services',
  test: '/v2.0/handover/providers/:id/test',
} as const;

/** A connector type as the console and the CLI see it: enough to render its settings form. */
export interface ConnectorTypeView {
  type: string;
  label: string;
  description?: string;
  capabilities: Record<string, boolean>;
  /** JSON Schema of the settings (input side), with field metadata: `label`, `description`, `secret`. */
  settingsSchema: unknown;
}

export interface ProviderTestResult {
  ok: boolean;
  providerId: string;
  /**
   * `connection` when the connector has a connection test (it authenticates and touches each configured
   * resource: `checks` names them, and which failed); else `availability` when it can answer one;
   * otherwise `connector` (the settings built a connector).
   */
  check: 'connection' | 'availability' | 'connector';
  checks?: ConnectionCheck[];
  durationMs: number;
  result?: unknown;
  error?: HandoverErrorJSON;
}

export function connectorTypeView(def: ConnectorDefinitionV1): ConnectorTypeView {
  let settingsSchema: unknown;
  try {
    settingsSchema = z.toJSONSchema(def.settingsSchema, { io: 'input', unrepresentable: 'any' });
  } catch {
    settingsSchema = { type: 'object' };
  }
  return {
    type: def.type,
    label: def.label,
    ...(def.description ? { description: def.description } : {}),
    capabilities: { ...def.capabilities },
    settingsSchema,
  };
}

const modeSchema = z.enum(['merge', 'replace']);

export interface ProviderRouteExtras {
  /** The URL to paste into the vendor's console, shown with each provider. */
  webhookUrl?: (providerId: string) => string | undefined;
  /** Masks every secret the gateway knows (on top of the provider's own secrets). */
  redact?: (text: string) => string;
}

export function providerRoutes(
  registry: ProviderRegistry,
  service: HandoverApi,
  logger: Logger,
  checks: ProviderChecks = new MemoryProviderChecks(),
  extras: ProviderRouteExtras = {},
): Route[] {
  const admin = (method: string, path: string, handler: Route['handler'], providers?: Route['providers']): Route => ({
    method,
    path,
    auth: 'admin',
    handler,
    ...(providers ? { providers } : {}),
  });
  // Reads carry the outcome of the provider's last "test connection" (`lastCheck`), for the console.
  const withChecks = async (
    items: ProviderView[],
  ): Promise<Array<ProviderView & { lastCheck?: ProviderCheckRecord; webhookUrl?: string }>> => {
    const found = await checks.get(items.map((p) => p.id)).catch(() => new Map<string, ProviderCheckRecord>());
    return items.map((p) => {
      const url = extras.webhookUrl?.(p.id);
      const check = found.get(p.id);
      const lastCheck = check?.error
        ? { ...check, error: { ...check.error, message: (extras.redact ?? String)(check.error.message) } }
        : check;
      return { ...p, ...(url ? { webhookUrl: url } : {}), ...(lastCheck ? { lastCheck } : {}) };
    });
  };
  // A vendor error can echo a credential: mask the provider's own secrets (and every known one).
  const redactFor = async (providerId: string, text: string): Promise<string> => {
    let out = extras.redact ? extras.redact(text) : text;
    const provider = await registry.get(providerId, { revealSecrets: true }).catch(() => undefined);
    const def = provider && registry.connectorTypes().find((d) => d.type === provider.type);
    for (const key of def ? secretFields(def.settingsSchema) : []) {
      const v = provider!.settings[key];
      if (typeof v === 'string' && v.length >= 4) out = out.split(v).join('[redacted]');
    }
    return out;
  };
  return [
    admin('POST', PROVIDER_ROUTES.create, async (ctx) => {
      const provider = await registry.create(objectBody(await ctx.json()) as never);
      logger.info('provider created', { requestId: ctx.requestId, providerId: provider.id, type: provider.type });
      return {
        status: 201,
        body: provider,
        headers: { location: `/v2.0/handover/provider/${encodeURIComponent(provider.id)}` },
      };
    }),
    admin(
      'GET',
      PROVIDER_ROUTES.read,
      async (ctx) => ({ status: 200, body: (await withChecks([await registry.get(ctx.params.id!)]))[0] }),
      'param',
    ),
    admin(
      'GET',
      PROVIDER_ROUTES.list,
      async (ctx) => {
        const allowed = ctx.principal?.providers;
        const items = await withChecks((await registry.list()).filter((p) => !allowed || allowed.includes(p.id)));
        return { status: 200, body: { items, total: items.length } };
      },
      'filter',
    ),
    admin('GET', PROVIDER_ROUTES.export, async (ctx) => {
      const includeSecrets = booleanQuery(ctx, 'includeSecrets');
      logger.info('audit', {
        action: 'providers exported',
        by: ctx.principal?.name,
        requestId: ctx.requestId,
        revealed: includeSecrets,
      });
      return { status: 200, body: await registry.export({ includeSecrets }) };
    }),
    admin('POST', PROVIDER_ROUTES.import, async (ctx) => {
      const mode = modeSchema.safeParse(ctx.query.get('mode') ?? 'merge');
      if (!mode.success)
        throw new BadRequestError('Query parameter "mode" must be "merge" or "replace"', {
          details: { field: 'mode' },
        });
      const result = await registry.import(parseJson(await ctx.body()), { mode: mode.data });
      logger.info('providers imported', { requestId: ctx.requestId, mode: mode.data, ...result });
      return { status: 200, body: result };
    }),
    admin(
      'GET',
      PROVIDER_ROUTES.services,
      async () => ({ status: 200, body: { items: registry.connectorTypes().map(connectorTypeView) } }),
      'filter',
    ),
    admin(
      'PATCH',
      PROVIDER_ROUTES.update,
      async (ctx) => {
        const provider = await registry.update(ctx.params.id!, objectBody(await ctx.json()) as never);
        logger.info('provider updated', { requestId: ctx.requestId, providerId: provider.id });
        return { status: 200, body: provider };
      },
      'param',
    ),
    admin(
      'DELETE',
      PROVIDER_ROUTES.remove,
      async (ctx) => {
        await registry.delete(ctx.params.id!);
        await checks.remove(ctx.params.id!).catch(() => {});
        logger.info('provider deleted', { requestId: ctx.requestId, providerId: ctx.params.id });
        return { status: 204 };
      },
      'param',
    ),
    admin(
      'POST',
      PROVIDER_ROUTES.test,
      async (ctx) => {
        const result = await testProvider(registry, service, ctx.params.id!);
        if (result.error)
          result.error = JSON.parse(
            await redactFor(result.providerId, JSON.stringify(result.error)),
          ) as HandoverErrorJSON;
        const record: ProviderCheckRecord = {
          ok: result.ok,
          check: result.check,
          at: Date.now(),
          durationMs: result.durationMs,
        };
        if (result.error) record.error = { code: result.error.code, message: result.error.message };
        await checks
          .set(result.providerId, record)
          .catch((error) => logger.warn('recording a provider check failed', { error: (error as Error).message }));
        return { status: 200, body: result };
      },
      'param',
    ),
  ];
}

/** Test connection: an availability check where the connector has one, else building the connector. */
export async function testProvider(
  registry: ProviderRegistry,
  service: HandoverApi,
  providerId: string,
): Promise<ProviderTestResult> {
  const started = Date.now();
  let connector: HandoverConnectorV1;
  try {
    ({ connector } = await registry.connector(providerId));
  } catch (error) {
    if (UnknownProviderError.isInstance(error)) throw error;
    return { ok: false, providerId, check: 'connector', durationMs: Date.now() - started, error: safeJSON(error) };
  }
  if (connector.doTestConnection) {
    try {
      const { ok, checks } = await connector.doTestConnection();
      const failed = checks.find((c) => c.status === 'failed');
      const error = failed && {
        name: 'HandoverError',
        code: (failed.error?.code ?? 'internal') as HandoverErrorJSON['code'],
        message: failed.message ?? failed.name,
        isRetryable: false,
        details: { check: failed.name, ...(failed.field ? { field: failed.field } : {}) },
      };
      return {
        ok,
        providerId,
        check: 'connection',
        durationMs: Date.now() - started,
        checks,
        ...(error ? { error } : {}),
      };
    } catch (error) {
      return { ok: false, providerId, check: 'connection', durationMs: Date.now() - started, error: safeJSON(error) };
    }
  }
  if (!connector.capabilities.availability)
    return { ok: true, providerId, check: 'connector', durationMs: Date.now() - started };
  try {
    const result = await service.checkAvailability({ providerId });
    return { ok: true, providerId, check: 'availability', durationMs: Date.now() - started, result };
  } catch (error) {
    return { ok: false, providerId, check: 'availability', durationMs: Date.now() - started, error: safeJSON(error) };
  }
}

function safeJSON(error: unknown): HandoverErrorJSON {
  const typed = toHandoverError(error);
  if (typed.code === 'internal' && !HandoverError.isInstance(error))
    return {
      name: 'HandoverError',
      code: 'internal',
      message: 'The connector failed unexpectedly',
      isRetryable: false,
    };
  return typed.toJSON();
}

function objectBody(value: unknown): Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    throw new BadRequestError('Request body must be a JSON object');
  return value as Record<string, unknown>;
}

function booleanQuery(ctx: RequestContext, name: string): boolean {
  const v = ctx.query.get(name);
  if (v === null || v === '' || v === 'false' || v === '0') return false;
  if (v === 'true' || v === '1') return true;
  throw new BadRequestError(`Query parameter "${name}" must be true or false`, { details: { field: name } });
}
