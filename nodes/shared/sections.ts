import type { TNodeFieldCondition } from '@cognigy/extension-tools/build/interfaces/descriptor';
import { z } from 'zod';
import { PRIORITIES, type CapabilityName, type Priority } from '../../src/contract';
import type { ConnectorRouting } from '../../src/model';
import { nodeField, optionalText, textList, type SectionDef } from './fields';
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

/** Shown only for providers of these connector types (when the providers are known where the nodes are built). */
export function forTypes(providers: readonly ProviderInfo[] | undefined, types: readonly string[]): TNodeFieldCondition | undefined {
  return providers?.length ? { key: 'providerId', value: providers.filter((p) => types.includes(p.type)).map((p) => p.id) } : undefined;
}

/** The kit's generic routing fields: for connector types Cognigy has no section for, and only where the connector can. */
export function genericRouting(providers: readonly ProviderInfo[] | undefined, capability: CapabilityName): { condition?: TNodeFieldCondition } {
  if (!providers?.length) return {};
  return { condition: { key: 'providerId', value: providers.filter((p) => !SECTIONED_TYPES.has(p.type) && p.capabilities[capability]).map((p) => p.id) } };
}

export function providerSections(providers: readonly ProviderInfo[] | undefined, defs: Array<Omit<SectionDef, 'condition'>>): SectionDef[] {
  return defs.map((d) => {
    const types = SECTION_CONNECTOR_TYPES[d.key];
    const condition = types ? forTypes(providers, types) : undefined;
    return condition ? { ...d, condition } : d;
  });
}

const PRIORITY_OPTIONS = ['none', 'urgent', 'high', 'medium', 'low'].map((p) => ({ label: p[0]!.toUpperCase() + p.slice(1), value: p }));

/** JSON given as an object or as its text (Cognigy's json fields); anything unreadable counts as empty. */
export const jsonObject = z.preprocess((v) => {
  if (typeof v === 'string') {
    try {
      v = v.trim() === '' ? {} : JSON.parse(v);
    } catch {
      return v; // fails below with a message naming the field
    }
  }
  return v === null || v === undefined ? {} : v;
}, z.record(z.string(), z.unknown(), { error: 'Enter a JSON object' }));

/** Handover to Agent: Live Agent, Chatwoot and Genesys sections (Cognigy 4.85 keys and defaults). */
export const handoverSectionFields = () => ({
  liveAgentInboxId: nodeField(optionalText(128), { label: 'Live Agent Inbox Id', type: 'cognigyText', section: 'liveAgentSettings' }),
  liveAgentSkills: nodeField(textList(), { label: 'Skills', type: 'textArray', section: 'liveAgentSettings', description: 'Only agents with these skills, e.g. technical support, billing.' }),
  liveAgentLanguages: nodeField(textList(), { label: 'Languages', type: 'textArray', section: 'liveAgentSettings', description: 'Only agents speaking these, e.g. english, spanish.' }),
  liveAgentPriority: nodeField(z.enum(PRIORITIES).default('none'), { label: 'Priority', type: 'select', section: 'liveAgentSettings', params: { options: PRIORITY_OPTIONS } }),
  chatwootInboxId: nodeField(optionalText(128), { label: 'Chatwoot Inbox Id', type: 'cognigyText', section: 'chatwootSettings', description: 'The inbox this conversation goes to (the provider must list it; see docs/connectors/chatwoot.md).' }),
  genesysLanguage: nodeField(optionalText(100), { label: 'Language', type: 'cognigyText', section: 'genesysSettings', description: 'e.g. english' }),
  genesysSkills: nodeField(textList().default([]), { label: 'Skills', type: 'textArray', section: 'genesysSettings', description: 'e.g. escalation' }),
  genesysPriority: nodeField(optionalText(100), { label: 'Priority', type: 'cognigyText', section: 'genesysSettings', description: 'e.g. 1 (needs a matching Genesys flow).' }),
  genesysCustomAttributes: nodeField(jsonObject.default({}), { label: 'Custom Attributes', type: 'json', section: 'genesysSettings', description: 'JSON; nested objects are flattened (a.b), lists joined.' }),
});

/** Check Agent Availability: Genesys Cloud, Live Agent and Chatwoot sections. */
export const availabilitySectionFields = () => ({
  genesysCloudSkills: nodeField(textList(), { label: 'Skills', type: 'textArray', section: 'genesysCloudSettings' }),
  genesysCloudProfileSkills: nodeField(textList(), { label: 'Profile Skills', type: 'textArray', section: 'genesysCloudSettings' }),
  genesysCloudLanguageSkills: nodeField(textList(), { label: 'Language Skills', type: 'textArray', section: 'genesysCloudSettings' }),
  liveAgentInboxId: nodeField(optionalText(128), { label: 'Live Agent Inbox Id', type: 'cognigyText', section: 'liveAgentSettings' }),
  liveAgentSkills: nodeField(textList(), { label: 'Skills', type: 'textArray', section: 'liveAgentSettings' }),
  liveAgentLanguages: nodeField(textList(), { label: 'Languages', type: 'textArray', section: 'liveAgentSettings' }),
  chatwootInboxId: nodeField(optionalText(128), { label: 'Chatwoot Inbox Id', type: 'cognigyText', section: 'chatwootSettings' }),
});

type Sections = Partial<z.output<z.ZodObject<ReturnType<typeof handoverSectionFields>>> & z.output<z.ZodObject<ReturnType<typeof availabilitySectionFields>>>>;

const list = (...lists: Array<string[] | undefined>) => {
  const all = [...new Set(lists.flatMap((l) => l ?? []))];
  return all.length ? all : undefined;
};
const compact = <T extends Record<string, unknown>>(o: T) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;

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
    else value.forEach((v, i) => flattenAttributes(v, `${prefix}.${i}`, out));
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
