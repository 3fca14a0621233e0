import { EventEmitter } from 'eventemitter3';
import { z } from 'zod';
import {
  HandoverConfigError,
  SPECIFICATION_VERSION,
  UnknownConnectorError,
  UnknownProviderError,
  parseOrThrow,
  secretFields,
  type Clock,
  type ConnectorCapabilities,
  type ConnectorDefinitionV1,
  type ConnectorStateV1,
  type HandoverConnectorV1,
  type Logger,
} from './contract';
import { systemClock } from './clock';
import { silentLogger, type Redactor } from './logger';
import { MemoryStore } from './store/memory';
import { MemoryConnectorState } from './store/connector-state';
import type { HandoverStore } from './store/types';
import type { ProviderRecord } from './model';
import { newObjectId } from './util/ids';

/** Shown instead of a secret. Sending it back in an update keeps the stored secret. */
export const MASKED_SECRET = '********';

/** A provider as the API returns it: the stored record, secrets masked unless asked for. */
export type ProviderView = ProviderRecord;

export interface ProviderExport {
  format: 'handover-kit.providers';
  version: 1;
  exportedAt: number;
  providers: ProviderView[];
}

export type ProviderChange =
  | { type: 'created'; provider: ProviderView }
  | { type: 'updated'; provider: ProviderView }
  | { type: 'deleted'; providerId: string };

export interface RegistryEvents {
  change: [change: ProviderChange];
  /** A connector instance was created for a provider (the service subscribes to its events). */
  connector: [providerId: string, connector: HandoverConnectorV1];
}

const providerIdSchema = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'Use letters, digits, ".", "_" and "-" only');

const createSchema = z
  .object({
    id: providerIdSchema.optional(),
    name: z.string().trim().min(1, 'Name is required').max(200),
    type: z.string().min(1),
    settings: z.record(z.string(), z.unknown()).default({}),
  })
  .strict();

/**
 * Settings every provider has, whatever its connector, kept next to the connector's own (and never
 * passed to it): `assignmentTimeoutSec`, the provider's default wait for an agent.
 */
const kitSettingsSchema = z.object({ assignmentTimeoutSec: z.number().int().min(0).max(86_400).optional() }).strict();
export type KitProviderSettings = z.output<typeof kitSettingsSchema>;
const KIT_KEYS = ['assignmentTimeoutSec'];

function splitKitSettings(settings: unknown): { kit: Record<string, unknown>; rest: unknown } {
  if (!settings || typeof settings !== 'object' || Array.isArray(settings)) return { kit: {}, rest: settings };
  const kit: Record<string, unknown> = {};
  const rest: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(settings)) (KIT_KEYS.includes(k) ? kit : rest)[k] = v;
  return { kit, rest };
}

/** The kit-level settings of a stored provider. */
export function kitSettingsOf(provider: ProviderRecord): KitProviderSettings {
  const parsed = kitSettingsSchema.safeParse(splitKitSettings(provider.settings).kit);
  return parsed.success ? parsed.data : {};
}

const updateSchema = z
  .object({
    name: z.string().trim().min(1, 'Name is required').max(200).optional(),
    settings: z.record(z.string(), z.unknown()).optional(),
  })
  .strict();

const importSchema = z.object({
  format: z.literal('handover-kit.providers'),
  version: z.literal(1),
  providers: z.array(
    z.object({
      id: providerIdSchema,
      name: z.string().min(1),
      type: z.string().min(1),
      settings: z.record(z.string(), z.unknown()),
    }),
  ),
});

export interface ProviderRegistryOptions {
  connectors: readonly ConnectorDefinitionV1[];
  store?: HandoverStore;
  clock?: Clock;
  logger?: Logger;
  /** Secret values are registered here so logs never show them. */
  redactor?: Redactor;
  /** Builds a provider's public webhook URL (the gateway sets this). */
  webhookUrl?: (providerId: string) => string | undefined;
  /** Each provider's shared connector state; in-process by default (the gateway passes Redis's). */
  connectorState?: (providerId: string) => ConnectorStateV1;
}

interface CachedConnector {
  updatedAt: number;
  connector: HandoverConnectorV1;
}

/**
 * Handover providers as Cognigy has them: named, typed, with settings validated by the connector's
 * zod schema. Creates (and caches) connector instances for the service.
 */
export class ProviderRegistry extends EventEmitter<RegistryEvents> {
  readonly store: HandoverStore;
  private readonly definitions = new Map<string, ConnectorDefinitionV1>();
  private readonly clock: Clock;
  private readonly logger: Logger;
  private readonly redactor?: Redactor;
  private readonly webhookUrl?: (providerId: string) => string | undefined;
  private readonly connectorState: (providerId: string) => ConnectorStateV1;
  private readonly instances = new Map<string, CachedConnector>();
  private readonly creating = new Map<string, Promise<HandoverConnectorV1>>();

  constructor(options: ProviderRegistryOptions) {
    super();
    this.store = options.store ?? new MemoryStore({ clock: options.clock });
    this.clock = options.clock ?? systemClock;
    this.logger = options.logger ?? silentLogger;
    this.redactor = options.redactor;
    this.webhookUrl = options.webhookUrl;
    if (options.connectorState) this.connectorState = options.connectorState;
    else {
      const memory = new MemoryConnectorState(this.clock);
      this.connectorState = (providerId) => memory.forProvider(providerId);
    }
    for (const def of options.connectors) {
      if (def.specificationVersion !== SPECIFICATION_VERSION) {
        throw new HandoverConfigError(
          `Connector "${def.type}" implements spec ${String(def.specificationVersion)}, expected ` +
            `${SPECIFICATION_VERSION}`,
        );
      }
      this.definitions.set(def.type, def);
    }
  }

  /** The connector types this registry can create providers for. */
  connectorTypes(): ConnectorDefinitionV1[] {
    return [...this.definitions.values()];
  }

  definition(type: string): ConnectorDefinitionV1 {
    const def = this.definitions.get(type);
    if (!def) throw new UnknownConnectorError(type, [...this.definitions.keys()]);
    return def;
  }

  async create(input: {
    id?: string;
    name: string;
    type: string;
    settings?: Record<string, unknown>;
  }): Promise<ProviderView> {
    const parsed = parseOrThrow(createSchema, input, 'provider');
    const def = this.definition(parsed.type);
    const settings = this.validateSettings(def, parsed.settings);
    const id = parsed.id ?? newObjectId();
    if (await this.store.getProvider(id)) {
      throw new HandoverConfigError(`A provider with id "${id}" already exists`, [
        { path: 'id', message: 'Already exists' },
      ]);
    }
    const now = this.stamp();
    const record: ProviderRecord = { id, name: parsed.name, type: def.type, settings, createdAt: now, updatedAt: now };
    await this.store.putProvider(record);
    this.rememberSecrets(def, settings);
    const view = this.view(record, false);
    this.emit('change', { type: 'created', provider: view });
    return view;
  }

  async get(id: string, options: { revealSecrets?: boolean } = {}): Promise<ProviderView> {
    return this.view(await this.require(id), options.revealSecrets === true);
  }

  async list(options: { revealSecrets?: boolean } = {}): Promise<ProviderView[]> {
    const records = await this.store.listProviders();
    return records
      .sort((a, b) => a.createdAt - b.createdAt || a.id.localeCompare(b.id))
      .map((r) => this.view(r, options.revealSecrets === true));
  }

  /** Partial update. Settings merge over the stored ones; a masked secret keeps the stored value. */
  async update(id: string, patch: { name?: string; settings?: Record<string, unknown> }): Promise<ProviderView> {
    const parsed = parseOrThrow(updateSchema, patch, 'provider update');
    const current = await this.require(id);
    const def = this.definition(current.type);
    let settings = current.settings;
    if (parsed.settings) {
      const merged: Record<string, unknown> = { ...current.settings };
      for (const [k, v] of Object.entries(parsed.settings)) {
        if (v === MASKED_SECRET) continue;
        if (v === null) delete merged[k];
        else merged[k] = v;
      }
      settings = this.validateSettings(def, merged);
    }
    const record: ProviderRecord = {
      ...current,
      name: parsed.name ?? current.name,
      settings,
      updatedAt: Math.max(this.clock.now(), current.updatedAt + 1),
    };
    await this.store.putProvider(record);
    this.rememberSecrets(def, settings);
    await this.refreshInstance(id, current.settings, record);
    const view = this.view(record, false);
    this.emit('change', { type: 'updated', provider: view });
    return view;
  }

  async delete(id: string): Promise<void> {
    const deleted = await this.store.deleteProvider(id);
    if (!deleted) throw new UnknownProviderError(id);
    await this.dropInstance(id);
    this.emit('change', { type: 'deleted', providerId: id });
  }

  async export(options: { includeSecrets?: boolean } = {}): Promise<ProviderExport> {
    return {
      format: 'handover-kit.providers',
      version: 1,
      exportedAt: this.clock.now(),
      providers: await this.list({ revealSecrets: options.includeSecrets }),
    };
  }

  /**
   * Imports an export. Every provider is validated before anything is written, so a bad file
   * changes nothing. `replace` deletes providers missing from the file; `merge` keeps them.
   */
  async import(
    data: unknown,
    options: { mode?: 'merge' | 'replace' } = {},
  ): Promise<{ created: number; updated: number; deleted: number }> {
    const parsed = parseOrThrow(importSchema, data, 'provider import');
    const prepared = parsed.providers.map((p, i) => {
      const def = this.definition(p.type);
      const masked = Object.entries(p.settings)
        .filter(([, v]) => v === MASKED_SECRET)
        .map(([k]) => k);
      if (masked.length > 0) {
        throw new HandoverConfigError(
          `Provider "${p.id}" was exported without secrets`,
          masked.map((k) => ({
            path: `providers.${i}.settings.${k}`,
            message: 'Secret is masked; export with secrets to import',
          })),
        );
      }
      return { ...p, settings: this.validateSettings(def, p.settings, `providers.${i}.settings`) };
    });
    let created = 0;
    let updated = 0;
    let deleted = 0;
    const now = this.clock.now();
    for (const p of prepared) {
      const existing = await this.store.getProvider(p.id);
      const record = { ...p, createdAt: existing?.createdAt ?? now, updatedAt: now };
      await this.store.putProvider(record);
      this.rememberSecrets(this.definition(p.type), p.settings);
      await this.refreshInstance(p.id, existing?.settings, record);
      if (existing) updated++;
      else created++;
    }
    if (options.mode === 'replace') {
      const keep = new Set(prepared.map((p) => p.id));
      for (const p of await this.store.listProviders()) {
        if (!keep.has(p.id)) {
          await this.delete(p.id);
          deleted++;
        }
      }
    }
    for (const p of prepared)
      this.emit('change', { type: 'updated', provider: this.view({ ...p, createdAt: now, updatedAt: now }, false) });
    return { created, updated, deleted };
  }

  /** What this provider's connector can do, as configured (settings can narrow the type's capabilities). */
  async capabilitiesOf(providerId: string): Promise<{ type: string; capabilities: ConnectorCapabilities }> {
    const { provider, connector } = await this.connector(providerId);
    return { type: provider.type, capabilities: connector.capabilities };
  }

  /** The connector for a provider, created once per settings version. */
  async connector(providerId: string): Promise<{ provider: ProviderRecord; connector: HandoverConnectorV1 }> {
    const provider = await this.require(providerId);
    const cached = this.instances.get(providerId);
    if (cached && cached.updatedAt === provider.updatedAt) return { provider, connector: cached.connector };
    const key = `${providerId}@${provider.updatedAt}`;
    let pending = this.creating.get(key);
    if (!pending) {
      pending = (async () => {
        if (cached) await this.dropInstance(providerId);
        const def = this.definition(provider.type);
        // Stored settings that no longer validate (a connector upgrade) fail with the field named.
        const connector = def.create(
          parseOrThrow(
            def.settingsSchema,
            splitKitSettings(provider.settings).rest,
            `${def.label} settings of provider "${providerId}"`,
            'settings',
          ),
          {
            clock: this.clock,
            logger: this.logger,
            providerId,
            webhookUrl: this.webhookUrl?.(providerId),
            state: this.connectorState(providerId),
          },
        );
        this.instances.set(providerId, { updatedAt: provider.updatedAt, connector });
        this.emit('connector', providerId, connector);
        return connector;
      })().finally(() => this.creating.delete(key));
      this.creating.set(key, pending);
    }
    return { provider, connector: await pending };
  }

  /** The connector instances alive now (the service subscribes to their pushed events). */
  liveConnectors(): Array<[providerId: string, connector: HandoverConnectorV1]> {
    return [...this.instances.entries()].map(([id, c]) => [id, c.connector]);
  }

  /**
   * After a change: a rename keeps the connector as it is; new settings replace it at once (not on
   * the next call), so a connector that pushes events is listened to without a gap.
   */
  private async refreshInstance(id: string, before: Record<string, unknown> | undefined, after: ProviderRecord) {
    const cached = this.instances.get(id);
    if (!cached) return;
    if (before && JSON.stringify(before) === JSON.stringify(after.settings)) {
      cached.updatedAt = after.updatedAt;
      return;
    }
    await this.dropInstance(id);
    await this.connector(id);
  }

  /** Disposes every connector instance (sockets, timers). */
  async close(): Promise<void> {
    for (const id of [...this.instances.keys()]) await this.dropInstance(id);
  }

  private lastStamp = 0;
  /** Creation times strictly increase, so listing in creation order is stable within a millisecond. */
  private stamp(): number {
    this.lastStamp = Math.max(this.clock.now(), this.lastStamp + 1);
    return this.lastStamp;
  }

  private async require(id: string): Promise<ProviderRecord> {
    const record = await this.store.getProvider(id);
    if (!record) throw new UnknownProviderError(id);
    return record;
  }

  private validateSettings(
    def: ConnectorDefinitionV1,
    settings: unknown,
    prefix = 'settings',
  ): Record<string, unknown> {
    const { kit, rest } = splitKitSettings(settings);
    const parsedKit = parseOrThrow(kitSettingsSchema, kit, 'provider settings', prefix);
    const parsed = parseOrThrow(def.settingsSchema, rest, `${def.label} settings`, prefix);
    return { ...(parsed as Record<string, unknown>), ...parsedKit };
  }

  private rememberSecrets(def: ConnectorDefinitionV1, settings: Record<string, unknown>) {
    if (!this.redactor) return;
    for (const key of secretFields(def.settingsSchema)) this.redactor.add(settings[key]);
  }

  private view(record: ProviderRecord, reveal: boolean): ProviderView {
    const settings = { ...record.settings };
    if (!reveal) {
      const def = this.definitions.get(record.type);
      for (const key of def ? secretFields(def.settingsSchema) : []) {
        if (settings[key] !== undefined && settings[key] !== '') settings[key] = MASKED_SECRET;
      }
    }
    return {
      id: record.id,
      name: record.name,
      type: record.type,
      settings,
      createdAt: record.createdAt,
      updatedAt: record.updatedAt,
    };
  }

  private async dropInstance(id: string) {
    const cached = this.instances.get(id);
    if (!cached) return;
    this.instances.delete(id);
    try {
      await cached.connector.dispose?.();
    } catch (error) {
      this.logger.warn('connector dispose failed', { providerId: id, error });
    }
  }
}
