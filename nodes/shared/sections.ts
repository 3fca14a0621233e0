import type { TNodeFieldCondition } from '@cognigy/extension-tools/build/interfaces/descriptor';
import type { CapabilityName, Priority } from '../../src/contract';
import { PRIORITIES } from '../../src/contract/v1/priorities';
import type { ConnectorRouting } from '../../src/model';
import { field, inSection, textField, type ConfigOf, type SectionDef } from './fields';
import type { ProviderInfo } from './types';

/**
 * Cognigy's provider sections, with Cognigy's keys and defaults, shown for providers of the
 * connector type they belong to (Cognigy Live Agent is Chatwoot underneath: the `chatwoot`
 * connector serves both). At run time each section becomes routing for its connector type only,
 * so a fallback provider of another type is not handed keys meant for this one.
 */
export const SECTION_CONNECTOR_TYPES: Record<string, readonly string[]> = {
  liveAgentSettings: ['chatwoot'],
  chatwootSettings: ['chatwoot'],
  genesysSettings: ['genesys'],
  genesysCloudSettings: ['genesys'],
};
const SECTIONED_TYPES = new Set(Object.values(SECTION_CONNECTOR_TYPES).flat());

type Providers = readonly ProviderInfo[] | undefined;
type Condition = TNodeFieldCondition | undefined;
const ids = (providers: readonly ProviderInfo[], keep: (p: ProviderInfo) => boolean) =>
  providers.filter(keep).map((p) => p.id);

/** Shown only for providers of these connector types (when the providers are known where the nodes are built). */
export function forTypes(providers: Providers, types: readonly string[]): Condition {
  return providers?.length ? { key: 'providerId', value: ids(providers, (p) => types.includes(p.type)) } : undefined;
}

/** The kit's generic routing: for connector types Cognigy has no section for, and only where the connector can. */
export function genericRouting(providers: Providers, capability: CapabilityName): { condition?: TNodeFieldCondition } {
  if (!providers?.length) return {};
  const value = ids(providers, (p) => !SECTIONED_TYPES.has(p.type) && p.capabilities[capability]);
  return { condition: { key: 'providerId', value } };
}

export function providerSections(providers: Providers, defs: Array<Omit<SectionDef, 'condition'>>): SectionDef[] {
  return defs.map((d) => {
    const types = SECTION_CONNECTOR_TYPES[d.key];
    const condition = types ? forTypes(providers, types) : undefined;
    return condition ? { ...d, condition } : d;
  });
}

const capitalised = (p: string) => p[0]!.toUpperCase() + p.slice(1);
/** Priority choices in Cognigy's order. */
export const PRIORITY_OPTIONS = ['none', 'urgent', 'high', 'medium', 'low'].map((p) => ({
  label: capitalised(p),
  value: p,
}));
export const priorityValue = { kind: 'enum', values: PRIORITIES, default: 'none' } as const;

const listField = <const K extends string>(key: K, label: string, description?: string) =>
  field(key, { kind: 'list' }, label, 'textArray', description ? { description } : {});

/** Live Agent's inbox, skills and languages (both nodes have them; Handover to Agent explains them). */
const liveAgentFields = (skills?: string, languages?: string) =>
  inSection('liveAgentSettings', [
    textField('liveAgentInboxId', 'Live Agent Inbox Id', {}, 128),
    listField('liveAgentSkills', 'Skills', skills),
    listField('liveAgentLanguages', 'Languages', languages),
  ]);

/** Handover to Agent: Live Agent, Chatwoot and Genesys sections (Cognigy 4.85 keys and defaults). */
export const handoverSectionFields = () => [
  ...liveAgentFields(
    'Only agents with these skills, e.g. technical support, billing.',
    'Only agents speaking these, e.g. english, spanish.',
  ),
  field('liveAgentPriority', priorityValue, 'Priority', 'select', {
    section: 'liveAgentSettings',
    params: { options: PRIORITY_OPTIONS },
  }),
  textField(
    'chatwootInboxId',
    'Chatwoot Inbox Id',
    {
      section: 'chatwootSettings',
      description: 'The inbox this conversation goes to (the provider must list it; see docs/connectors/chatwoot.md).',
    },
    128,
  ),
  ...inSection('genesysSettings', [
    textField('genesysLanguage', 'Language', { description: 'e.g. english' }, 100),
    field('genesysSkills', { kind: 'list', default: [] }, 'Skills', 'textArray', { description: 'e.g. escalation' }),
    textField('genesysPriority', 'Priority', { description: 'e.g. 1 (needs a matching Genesys flow).' }, 100),
    field('genesysCustomAttributes', { kind: 'json' }, 'Custom Attributes', 'json', {
      description: 'JSON; nested objects are flattened (a.b), lists joined.',
    }),
  ]),
];

/** Check Agent Availability: Genesys Cloud, Live Agent and Chatwoot sections. */
export const availabilitySectionFields = () => [
  ...inSection('genesysCloudSettings', [
    listField('genesysCloudSkills', 'Skills'),
    listField('genesysCloudProfileSkills', 'Profile Skills'),
    listField('genesysCloudLanguageSkills', 'Language Skills'),
  ]),
  ...liveAgentFields(),
  textField('chatwootInboxId', 'Chatwoot Inbox Id', { section: 'chatwootSettings' }, 128),
];

type Sections = Partial<
  ConfigOf<ReturnType<typeof handoverSectionFields>> & ConfigOf<ReturnType<typeof availabilitySectionFields>>
>;

const list = (...lists: Array<string[] | undefined>) => {
  const all = [...new Set(lists.flatMap((l) => l ?? []))];
  return all.length ? all : undefined;
};
const compact = <T extends Record<string, unknown>>(o: T) =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;

/**
 * Each section's keys as routing for its connector type. A Chatwoot / Live Agent inbox id picks the
 * inbox (`inbox:<id>`), not a team; Genesys routes in its Architect flow, so its priority (free text)
 * travels as the participant attribute `handover.routing.priority`, like the rest of its routing.
 */
export function sectionRouting(c: Sections): Record<string, ConnectorRouting> {
  const out: Record<string, ConnectorRouting> = {};
  const inbox = c.liveAgentInboxId ?? c.chatwootInboxId;
  const chatwoot = compact({
    queue: inbox ? `inbox:${inbox.trim()}` : undefined,
    skills: list(c.liveAgentSkills),
    languages: list(c.liveAgentLanguages),
    priority: c.liveAgentPriority && c.liveAgentPriority !== 'none' ? c.liveAgentPriority : undefined,
  });
  if (Object.keys(chatwoot).length) out.chatwoot = { routing: chatwoot };
  const priority = c.genesysPriority?.trim();
  const known = priority && (PRIORITIES as readonly string[]).includes(priority) ? (priority as Priority) : undefined;
  const genesysRouting = compact({
    skills: list(c.genesysSkills, c.genesysCloudSkills, c.genesysCloudProfileSkills),
    languages: list(c.genesysLanguage ? [c.genesysLanguage.trim()] : undefined, c.genesysCloudLanguageSkills),
    priority: known,
  });
  const flat = flattenAttributes(c.genesysCustomAttributes);
  const attributes = Object.keys(flat).length ? flat : undefined;
  const genesys: ConnectorRouting = compact({
    routing: Object.keys(genesysRouting).length ? genesysRouting : undefined,
    customAttributes: attributes as ConnectorRouting['customAttributes'],
    options: priority && !known ? { customAttributes: { 'handover.routing.priority': priority } } : undefined,
  });
  if (Object.keys(genesys).length) out.genesys = genesys;
  return out;
}

/** Cognigy flattens nested custom attributes (a.b), joins scalar arrays and skips the rest: so do we. */
export function flattenAttributes(value: unknown, prefix = '', out: Record<string, string | number | boolean> = {}) {
  if (value === null || value === undefined) return out;
  if (typeof value !== 'object') {
    if (prefix) out[prefix] = value as string | number | boolean;
    return out;
  }
  if (Array.isArray(value)) {
    if (value.every((v) => typeof v !== 'object')) out[prefix] = value.join(',');
    else for (const [i, v] of value.entries()) flattenAttributes(v, `${prefix}.${i}`, out);
    return out;
  }
  for (const [k, v] of Object.entries(value)) flattenAttributes(v, prefix ? `${prefix}.${k}` : k, out);
  return out;
}

/** Keys of Cognigy's nodes the kit has no use for (other providers, Copilot): accepted and ignored, never an error. */
export const IGNORED_COGNIGY_KEYS = [
  'agentAssistInitMessage',
  'allowAgentInject',
  'buttonId',
  'salesforcePrechatEntities',
  'salesforcePrechatDetails',
  'eightByEightChannelId',
  'eightByEightQueueId',
  'eightByEightJSONProps',
  'additionalCategoryIds',
] as const;
