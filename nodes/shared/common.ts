import { createNodeDescriptor, type INodeDescriptor } from '@cognigy/extension-tools';
import type { TNodeFieldCondition } from '@cognigy/extension-tools/build/interfaces/descriptor';
import { z } from 'zod';
import {
  HandoverConfigError,
  UnsupportedCapabilityError,
  objectShape,
  parseOrThrow,
  type CapabilityName,
  type ConnectorCapabilities,
  type HandoverError,
} from '../../src/contract';
import { nodeField, optionalText, textList } from './fields';
import type { ProviderInfo } from './types';

/** Fields several nodes share, so their keys, labels and validation never drift apart. */
export function providerField(providers: readonly ProviderInfo[] | undefined, connectionType?: string) {
  const hasList = !!providers && providers.length > 0;
  return nodeField(z.string({ error: 'Choose a handover provider' }).min(1, 'Choose a handover provider').max(128), {
    label: 'Handover Provider',
    type: hasList || connectionType ? 'select' : 'cognigyText',
    description:
      'The contact center this node hands over to: a provider of your handover gateway (gateway console > ' +
      "Providers, or `handover-kit providers list`), not one of Cognigy's Deploy > Handover Providers.",
    params: {
      required: true,
      ...(hasList ? { options: providers!.map((p) => ({ label: `${p.name} (${p.type})`, value: p.id })) } : {}),
    },
    ...(!hasList && connectionType ? { optionsResolver: PROVIDERS_FROM_GATEWAY } : {}),
  });
}

/**
 * Fills the provider select from the gateway (`GET /v1/providers`, nodes key). Cognigy runs a
 * resolver on its own, apart from the extension's code: it must not use anything outside itself.
 */
const PROVIDERS_FROM_GATEWAY = {
  dependencies: ['connection'],
  resolverFunction: async ({ api, config }: { api: { httpRequest?: Function }; config: Record<string, any> }) => {
    const connection = config.connection || {};
    const base = String(connection.url || '').replace(/\/+$/, '');
    if (!base || !api.httpRequest) return [];
    const response = await api.httpRequest({
      method: 'GET',
      url: `${base}/v1/providers`,
      headers: { 'x-api-key': String(connection.apiKey || '') },
    });
    const providers: Array<{ id: string; name: string; type: string }> = response?.data?.providers || [];
    return providers.map((p) => ({ label: `${p.name} (${p.type})`, value: p.id }));
  },
} as never;

/**
 * Shows a field only for providers whose connector has `capability` (when the providers are known
 * where the nodes are created), and-ed with an optional extra condition.
 */
export function whenCapable(
  providers: readonly ProviderInfo[] | undefined,
  capability: CapabilityName,
  extra?: TNodeFieldCondition,
): { condition?: TNodeFieldCondition } {
  const byCapability: TNodeFieldCondition | undefined = providers?.length
    ? { key: 'providerId', value: providers.filter((p) => p.capabilities[capability]).map((p) => p.id) }
    : undefined;
  if (byCapability && extra) return { condition: { and: [byCapability, extra] } };
  const condition = byCapability ?? extra;
  return condition ? { condition } : {};
}

type ShowWhen = (
  providers: readonly ProviderInfo[] | undefined,
  capability: CapabilityName,
) => { condition?: TNodeFieldCondition };

/** The kit's generic routing (not in Cognigy): for connectors Cognigy has no provider section for. */
export const routingFields = (
  section: string,
  providers: readonly ProviderInfo[] | undefined,
  show: ShowWhen = whenCapable,
) => ({
  inboxId: nodeField(optionalText(128), {
    label: 'Queue / Inbox Id',
    type: 'cognigyText',
    section,
    description: 'Queue, inbox or team at the contact center.',
    ...show(providers, 'queueRouting'),
  }),
  skills: nodeField(textList(), {
    label: 'Skills',
    type: 'textArray',
    section,
    description: 'Only agents with all of these skills.',
    ...show(providers, 'skills'),
  }),
  languages: nodeField(textList(), {
    label: 'Languages',
    type: 'textArray',
    section,
    description: 'Only agents speaking one of these.',
    ...show(providers, 'languages'),
  }),
});

export const storageFields = (defaultKey: string, note = '') => ({
  storeLocation: nodeField(z.enum(['input', 'context']).default('input'), {
    label: `Where to store the result${note}`,
    type: 'select',
    section: 'storage',
    params: {
      options: [
        { label: 'Input', value: 'input' },
        { label: 'Context', value: 'context' },
      ],
      required: true,
    },
  }),
  inputKey: nodeField(optionalText(200).default(defaultKey), {
    label: `Input Key to store Result${note}`,
    type: 'cognigyText',
    section: 'storage',
    condition: { key: 'storeLocation', value: 'input' },
  }),
  contextKey: nodeField(optionalText(200).default(defaultKey), {
    label: `Context Key to store Result${note}`,
    type: 'cognigyText',
    section: 'storage',
    condition: { key: 'storeLocation', value: 'context' },
  }),
});

export const STORAGE_SECTION = { key: 'storage', label: 'Storage Option', defaultCollapsed: true };

const parsedConfigs = new WeakMap<z.ZodType, Map<string, { raw: unknown; parsed: unknown }>>();

/**
 * Validates a node's config; the error names the field, e.g. `timer: Enter the minutes …`.
 * A node runs with the same config over and over: the last valid result per node is kept and
 * reused while the config is unchanged (comparing is far cheaper than validating thirty fields).
 */
export function parseConfig<T extends z.ZodType>(
  schema: T,
  config: unknown,
  node: string,
  nodeId = '',
  lenient = false,
): z.output<T> {
  if (lenient) config = knownFieldsOnly(schema, config);
  let cache = parsedConfigs.get(schema);
  if (!cache) parsedConfigs.set(schema, (cache = new Map()));
  const known = cache.get(nodeId);
  if (known && sameValue(known.raw, config)) return known.parsed as z.output<T>;
  const parsed = parseOrThrow(schema, config ?? {}, `${node} config`);
  if (cache.size >= 256) cache.delete(cache.keys().next().value!);
  cache.set(nodeId, { raw: structuredClone(config), parsed: Object.freeze(parsed) });
  return parsed;
}

/**
 * At run time a stored config may still carry a field an older release had: drop what the schema
 * does not know instead of failing every execution. (Where a flow is built, unknown fields are errors.)
 */
function knownFieldsOnly(schema: z.ZodType, config: unknown): unknown {
  const shape = objectShape(schema);
  if (!shape || !config || typeof config !== 'object') return config;
  const raw = config as Record<string, unknown>;
  for (const k in raw)
    if (!(k in shape)) return Object.fromEntries(Object.entries(raw).filter(([key]) => key in shape));
  return config;
}

/** Deep equality for JSON-like values (node configs). */
function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!sameValue(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  const ak = Object.keys(a);
  if (ak.length !== Object.keys(b).length) return false;
  for (const k of ak)
    if (!sameValue((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k])) return false;
  return true;
}

/** Errors that mean the node itself is misconfigured: the node fails with them instead of routing. */
export function isConfigError(error: HandoverError): boolean {
  return [
    'invalid_config',
    'unknown_provider',
    'unknown_connector',
    'unsupported_capability',
    'forbidden',
    'unauthorized',
  ].includes(error.code);
}

/** Checks that every provider a node uses can do what the node asks; the error names the field. */
export function requireCapabilities(
  node: string,
  wants: Array<{ field: string; capability: CapabilityName; used: boolean }>,
  providers: Array<{ id: string; capabilities: ConnectorCapabilities }>,
): void {
  for (const p of providers) {
    for (const w of wants) {
      if (w.used && !p.capabilities[w.capability]) {
        const e = new UnsupportedCapabilityError(
          w.capability,
          { providerId: p.id },
          `${node}: "${w.field}" needs ${w.capability}, which provider "${p.id}" does not support`,
        );
        e.details.field = w.field;
        throw e;
      }
    }
  }
}

export function configError(message: string, field: string): HandoverConfigError {
  return new HandoverConfigError(message, [{ path: field, message }]);
}

const CHILD_CONSTRAINTS = {
  editable: false,
  deletable: false,
  creatable: false,
  movable: false,
  placement: { predecessor: { whitelist: [] } },
};

/** A fixed branch under a node (auto-created by Cognigy with its parent). */
export function childNode(type: string, label: string, parentType: string, color = '#61d188'): INodeDescriptor {
  return createNodeDescriptor({
    type,
    parentType,
    defaultLabel: label,
    constraints: CHILD_CONSTRAINTS as never,
    appearance: { color, textColor: 'white', variant: 'mini' },
  });
}

export const HANDOVER_COLOR = '#1d6fe0';

/** The node type with the configured prefix (`handoverToAgent` → `acmeHandoverToAgent`). */
export function type(options: { typePrefix?: string }, base: string): string {
  return options.typePrefix ? `${options.typePrefix}${base[0]!.toUpperCase()}${base.slice(1)}` : base;
}
