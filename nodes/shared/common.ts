import { createNodeDescriptor, type INodeDescriptor, type INodeFunctionBaseParams } from '@cognigy/extension-tools';
import type { TNodeFieldCondition } from '@cognigy/extension-tools/build/interfaces/descriptor';
import type { CapabilityName, ConnectorCapabilities } from '../../src/contract';
// The errors module itself, not the contract's index: the extension loads no zod schemas.
import { HandoverConfigError, UnsupportedCapabilityError, type HandoverError } from '../../src/contract/errors';
import { editorFrom, field, textField, type ConfigOf, type FieldSpec, type SectionDef } from './fields';
import { configReader, type NodeConfigReader } from './config-reader';
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
) => {
  const list = <const K extends string>(key: K, label: string, capability: CapabilityName, description: string) =>
    field(key, { kind: 'list' }, label, 'textArray', { section, description, ...show(providers, capability) });
  return [
    textField(
      'inboxId',
      'Queue / Inbox Id',
      { section, description: 'Queue, inbox or team at the contact center.', ...show(providers, 'queueRouting') },
      128,
    ),
    list('skills', 'Skills', 'skills', 'Only agents with all of these skills.'),
    list('languages', 'Languages', 'languages', 'Only agents speaking one of these.'),
  ];
};

const STORE_LOCATIONS = { kind: 'enum', values: ['input', 'context'], default: 'input' } as const;
const WHERE_TO_STORE = [
  { label: 'Input', value: 'input' },
  { label: 'Context', value: 'context' },
];

/** Where a node stores its result, as Cognigy's storage options do. */
export const storageFields = (defaultKey: string, note = '') => {
  const key = <const K extends string>(key: K, label: string, where: 'input' | 'context') =>
    field(key, { kind: 'text', max: 200, default: defaultKey }, `${label} Key to store Result${note}`, 'cognigyText', {
      section: 'storage',
      condition: { key: 'storeLocation', value: where },
    });
  return [
    field('storeLocation', STORE_LOCATIONS, `Where to store the result${note}`, 'select', {
      section: 'storage',
      params: { options: WHERE_TO_STORE, required: true },
    }),
    key('inputKey', 'Input', 'input'),
    key('contextKey', 'Context', 'context'),
  ];
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
function childNode(type: string, label: string, parentType: string, color = '#61d188'): INodeDescriptor {
  return createNodeDescriptor({
    type,
    parentType,
    defaultLabel: label,
    constraints: CHILD_CONSTRAINTS as never,
    appearance: { color, textColor: 'white', variant: 'mini' },
  });
}

interface Branch {
  child: string;
  label: string;
  color?: string;
}

/** Tags of the nodes that run a handover (Cognigy's own handover nodes carry these). */
export const HANDOVER_TAGS = ['service', 'livechat', 'chat', 'hand over'];

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

export interface HandoverNodeSpec<F extends readonly FieldSpec[]>
  extends Omit<DescriptorParams, 'type' | 'defaultLabel' | 'fields' | 'sections' | 'form' | 'function'> {
  /** The node type before any prefix. */
  type: string;
  label: string;
  fields: F;
  sections?: readonly SectionDef[];
  /** The node's work; `config` reads its parsed config (zod loads on the first execution). */
  function: (params: INodeFunctionBaseParams, config: NodeConfigReader<ConfigOf<F>>) => Promise<void>;
}

/** A handover node's descriptor: prefixed type, the kit's colour, the editor and the config reader from its fields. */
export function handoverNode<const F extends readonly FieldSpec[]>(
  options: CreateHandoverNodesOptions,
  spec: HandoverNodeSpec<F>,
): INodeDescriptor {
  const { type: base, label, fields, sections, appearance, function: run, ...rest } = spec;
  const config = configReader(fields, options, label);
  return createNodeDescriptor({
    ...rest,
    type: type(options, base),
    defaultLabel: label,
    appearance: { color: HANDOVER_COLOR, ...appearance },
    ...connectionField(options, editorFrom(fields, sections)),
    function: (params: INodeFunctionBaseParams) => run(params, config),
  });
}

/**
 * A handover node with fixed branches (Cognigy creates them with it), from its table of branches: the
 * parent and its branches' descriptors. The node function gets each branch's (prefixed) type by its key.
 */
export function branchedNode<const F extends readonly FieldSpec[], B extends Branch>(
  options: CreateHandoverNodesOptions,
  spec: Omit<HandoverNodeSpec<F>, 'function'> & {
    branches: readonly B[];
    branchKey: (branch: B) => string;
    function: (
      params: INodeFunctionBaseParams,
      config: NodeConfigReader<ConfigOf<F>>,
      branchType: (key: string) => string,
    ) => Promise<void>;
  },
): INodeDescriptor[] {
  const { branches, branchKey, function: run, ...node } = spec;
  const parentType = type(options, node.type);
  const types = new Map(branches.map((b) => [branchKey(b), type(options, b.child)]));
  const children = branches.map((b) => childNode(types.get(branchKey(b))!, b.label, parentType, b.color));
  const branchType = (key: string) => types.get(key)!;
  const parent = handoverNode(options, {
    ...node,
    dependencies: { children: children.map((c) => c.type) },
    function: (params, config) => run(params, config, branchType),
  });
  return [parent, ...children];
}
