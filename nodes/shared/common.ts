import { createNodeDescriptor, type INodeDescriptor, type INodeFunctionBaseParams } from '@cognigy/extension-tools';
import type { TNodeFieldCondition } from '@cognigy/extension-tools/build/interfaces/descriptor';
import type { CapabilityName, ConnectorCapabilities } from '../../src/contract';
// The errors module itself, not the contract's index: the extension loads no zod schemas.
import { HandoverConfigError, UnsupportedCapabilityError, type HandoverError } from '../../src/contract/errors';
import { editorFrom, type FieldSpec, type SectionDef } from './fields';
import type { CreateHandoverNodesOptions, ProviderInfo } from './types';

/** Fields several nodes share, so their keys, labels and validation never drift apart. */
export function providerField(providers: readonly ProviderInfo[] | undefined, connectionType?: string) {
  const hasList = !!providers && providers.length > 0;
  return {
    key: 'providerId',
    value: { kind: 'provider' },
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
  } as const satisfies FieldSpec;
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
) =>
  [
    {
      key: 'inboxId',
      value: { kind: 'text', max: 128 },
      label: 'Queue / Inbox Id',
      type: 'cognigyText',
      section,
      description: 'Queue, inbox or team at the contact center.',
      ...show(providers, 'queueRouting'),
    },
    {
      key: 'skills',
      value: { kind: 'list' },
      label: 'Skills',
      type: 'textArray',
      section,
      description: 'Only agents with all of these skills.',
      ...show(providers, 'skills'),
    },
    {
      key: 'languages',
      value: { kind: 'list' },
      label: 'Languages',
      type: 'textArray',
      section,
      description: 'Only agents speaking one of these.',
      ...show(providers, 'languages'),
    },
  ] as const satisfies FieldSpec[];

/** Where a node stores its result, as Cognigy's storage options do. */
export const storageFields = <const D extends string>(defaultKey: D, note = '') => {
  const key = <const W extends 'input' | 'context'>(where: W, label: string) =>
    ({
      key: `${where}Key`,
      value: { kind: 'text', max: 200, default: defaultKey },
      label: `${label} Key to store Result${note}`,
      type: 'cognigyText',
      section: 'storage',
      condition: { key: 'storeLocation', value: where },
    }) as const satisfies FieldSpec;
  return [
    {
      key: 'storeLocation',
      value: { kind: 'enum', values: ['input', 'context'], default: 'input' },
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
    },
    key('input', 'Input'),
    key('context', 'Context'),
  ] as const satisfies FieldSpec[];
};

export const STORAGE_SECTION = { key: 'storage', label: 'Storage Option', defaultCollapsed: true };

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

/** The optional Connection field (gateway URL + key) goes first, as Cognigy extensions do. */
function connectionField(options: CreateHandoverNodesOptions, editor: ReturnType<typeof editorFrom>) {
  if (!options.connection) return editor;
  const field = {
    key: 'connection',
    type: 'connection' as const,
    label: options.connection.label ?? 'Handover Gateway',
    params: { connectionType: options.connection.type, required: true },
  };
  return {
    fields: [field, ...editor.fields],
    sections: editor.sections,
    form: [{ type: 'field' as const, key: 'connection' }, ...editor.form],
  };
}

type DescriptorParams = Parameters<typeof createNodeDescriptor>[0];

export interface HandoverNodeSpec
  extends Omit<DescriptorParams, 'type' | 'defaultLabel' | 'fields' | 'sections' | 'form' | 'function'> {
  /** The node type before any prefix. */
  type: string;
  label: string;
  fields: readonly FieldSpec[];
  sections?: readonly SectionDef[];
  function: (params: INodeFunctionBaseParams) => Promise<void>;
}

/** A handover node's descriptor: prefixed type, the kit's colour, the editor from its field list. */
export function handoverNode(options: CreateHandoverNodesOptions, spec: HandoverNodeSpec): INodeDescriptor {
  const { type: base, label, fields, sections, appearance, ...rest } = spec;
  return createNodeDescriptor({
    ...rest,
    type: type(options, base),
    defaultLabel: label,
    appearance: { color: HANDOVER_COLOR, ...appearance },
    ...connectionField(options, editorFrom(fields, sections)),
  });
}
