import { newHexId } from './http';

/** The fake's state: switchboard, users, conversations with their messages and tickets. */

export interface SwitchboardIntegration {
  id: string;
  name: string;
  integrationId: string;
  integrationType: string;
  nextSwitchboardIntegrationId: string | null;
  deliverStandbyEvents: boolean;
}

export interface FakeUser {
  id: string;
  externalId?: string;
  profile: Record<string, unknown>;
  metadata: Record<string, unknown>;
  signedUpAt: string;
}

export interface FakeMessage {
  id: string;
  received: string;
  author: Record<string, unknown> & { type: 'user' | 'business'; userId?: string };
  content: Record<string, unknown> & { type: string; text?: string };
  source: { type: string; integrationId?: string };
  metadata?: Record<string, unknown>;
  activity?: { type: string };
}

export interface FakeTicket {
  id: number;
  status: 'new' | 'open' | 'solved' | 'closed';
  assignee?: string;
  /** The passControl metadata that created it (first_message_id, dataCapture.*). */
  metadata: Record<string, unknown>;
}

export interface FakeConversation {
  id: string;
  type: 'personal' | 'sdkGroup';
  userId: string;
  isDefault: boolean;
  createdAt: string;
  lastUpdatedAt: string;
  activeId?: string;
  messages: FakeMessage[];
  tickets: FakeTicket[];
}

export interface FakeAgent {
  id: number;
  groupIds?: number[];
  messaging?: 'online' | 'away' | 'offline' | 'transfers_only';
  workItems?: number;
  maxCapacity?: number;
}

export function switchboardIntegration(
  name: string,
  integrationType: string,
  next: string | null,
  deliverStandbyEvents: boolean,
): SwitchboardIntegration {
  return {
    id: newHexId(),
    name,
    integrationId: newHexId(),
    integrationType,
    nextSwitchboardIntegrationId: next,
    deliverStandbyEvents,
  };
}

export const sbView = (sb: SwitchboardIntegration) => ({
  id: sb.id,
  name: sb.name,
  integrationId: sb.integrationId,
  integrationType: sb.integrationType,
});

export const userView = (u: FakeUser) => ({
  id: u.id,
  externalId: u.externalId ?? null,
  signedUpAt: u.signedUpAt,
  toBeRetained: false,
  authenticated: false,
  profile: { locale: 'en-US', localeOrigin: 'apiRequest', ...u.profile },
  metadata: u.metadata,
  identities: [],
});

/** The conversation as the REST API shows it (the webhook's truncated form is the first keys). */
export function conversationView(c: FakeConversation, integrations: SwitchboardIntegration[], full = true) {
  const active = integrations.find((i) => i.id === c.activeId);
  const truncated = {
    id: c.id,
    type: c.type,
    metadata: {},
    ...(active ? { activeSwitchboardIntegration: sbView(active) } : {}),
  };
  if (!full) return truncated;
  return {
    ...truncated,
    isDefault: c.isDefault,
    displayName: null,
    description: null,
    iconUrl: null,
    businessLastRead: null,
    lastUpdatedAt: c.lastUpdatedAt,
    createdAt: c.createdAt,
  };
}

/** One page of `agent_availabilities` in Zendesk's JSON:API shape. */
export function availabilityPage(agents: FakeAgent[], baseUrl: string, hasMore: boolean) {
  const id = (a: FakeAgent) => `agent_availabilities|${a.id}`;
  return {
    data: agents.map((a) => ({
      type: 'agent_availabilities',
      id: id(a),
      attributes: { agent_id: a.id, group_ids: a.groupIds ?? [], skills: [], version: 1 },
      relationships: { channels: { data: [{ type: 'channels', id: `${id(a)}|channels|messaging` }] } },
      links: { self: `${baseUrl}/api/v2/agent_availabilities/${a.id}` },
    })),
    included: agents.map((a) => ({
      type: 'channels',
      id: `${id(a)}|channels|messaging`,
      attributes: {
        name: 'messaging',
        status: a.messaging ?? 'online',
        work_item_count: a.workItems ?? 0,
        ...(a.maxCapacity !== undefined ? { max_capacity: a.maxCapacity } : {}),
        updated_at: new Date().toISOString(),
      },
    })),
    links: hasMore ? { next: `${baseUrl}/api/v2/agent_availabilities?page[after]=${agents.at(-1)?.id}` } : {},
    meta: { has_more: hasMore, after_cursor: hasMore ? String(agents.at(-1)?.id) : null, before_cursor: null },
  };
}
