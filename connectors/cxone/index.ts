/**
 * NiCE CXone — bring your own channel (Digital First Omnichannel).
 *
 * Setup at CXone (admin):
 * 1. Digital › Bring Your Own Channel › Add: Integration Box URL `https://<gateway>/webhooks/<providerId>`,
 *    Authorization URL `https://<gateway>/webhooks/<providerId>/1.0/token`, and a Client ID / Client
 *    Secret of your choice — the same pair goes into `channelClientId` / `channelClientSecret`. Leave
 *    "Use DFO 3.0 Outbound API for replies" off (or set `replyPath` to the path it uses).
 * 2. Create a channel (point of contact) on that integration; its id → `channelId`. Route it with a
 *    digital skill and a Studio script; the skill id → `skillId` for availability and wait figures.
 * 3. An access key for the CXone user the connector acts as → `accessKeyId` / `accessKeySecret`, and
 *    the OAuth application NICE registered for you → `clientId` / `clientSecret`.
 *
 * User → agent: `POST {dfo}/dfo/3.0/channels/{channelId}/messages` with the thread's external id (the
 * handover's conversationId). Agent → user: CXone posts replies to our reply endpoint with a bearer
 * token from our token endpoint (401 → token → retry), both served by `webhook.handle`. Agent joined /
 * left / ended: polled from the contact's status by one poller per provider (lease in runtime.state).
 * Setup page and what to confirm on a real tenant: docs/connectors/cxone.md.
 */
import { SPECIFICATION_VERSION, defineConnector } from 'handover-kit/contract';
import { CXONE_CAPABILITIES, createCxoneConnector } from './connector';
import { cxoneSettingsSchema } from './schema';

export { CXONE_CAPABILITIES, createCxoneConnector, type CxoneConnector } from './connector';
export { cxoneSettingsSchema, type CxoneSettings, type CxoneSettingsInput } from './schema';
export { AUTH_HOSTS, FEDRAMP_AREA, FEDRAMP_DOMAIN, hostsFor, tenantIdOf, type CxoneHosts } from './hosts';
export { TOKEN_REFRESH_MARGIN_MS } from 'handover-kit/connector-utils';
export { ContactPoller, POLLER_LEASE, MAX_TRACKED, NOT_FOUND_LIMIT } from './poller';
export { diffContact, statusOf, ENDED_STATUSES } from './mapping';
export { readReply, type ParsedReply } from './reply';
export { matchPath, subPathOf } from './webhook';
export { threadIdFor, messageIdFor } from './threads';
export { addedMessageId } from './api';
export { startText, DEFAULT_START_TEXT } from './messages';

/** The connector definition for the provider registry. */
export function cxoneConnector() {
  return defineConnector({
    specificationVersion: SPECIFICATION_VERSION,
    type: 'cxone',
    label: 'NiCE CXone (bring your own channel)',
    description:
      'Hands chats to NiCE CXone through a Digital First Omnichannel BYOC channel. Agent joined / ended are ' +
      "polled from the contact status; wait and availability come from the skill's queue figures.",
    settingsSchema: cxoneSettingsSchema,
    capabilities: CXONE_CAPABILITIES,
    create: (settings, runtime) => createCxoneConnector(settings, runtime),
  });
}
