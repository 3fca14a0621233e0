import type { ConnectorCapabilities } from '../../src/contract';
import type { ServiceSource } from './runtime';

/** A provider as the node editor shows it. */
export interface ProviderInfo {
  id: string;
  name: string;
  type: string;
  capabilities: ConnectorCapabilities;
}

export interface CreateHandoverNodesOptions {
  /**
   * The handover service the nodes call: an in-process `HandoverService`, a gateway client
   * (`createGatewayClient`), or a function that picks one per execution from the node's config
   * (e.g. from its Connection).
   */
  service: ServiceSource;
  /**
   * Providers offered in the "Handover Provider" select. Routing and queue fields are then shown
   * only for providers whose connector supports them. Without it the field is free text.
   */
  providers?: readonly ProviderInfo[];
  /** Adds a Connection field of this type to every node (the gateway URL and API key). */
  connection?: { type: string; label?: string };
  /** Prefixes every node type, in case your extension already uses these names. */
  typePrefix?: string;
}

/**
 * Node types, as Cognigy stores them (before any prefix): Cognigy's own type ids where it has the
 * node (`handoverInactivityTimer` is Set Handover Inactivity). Cognigy's Lookup is its generic
 * `switch` node, so the handover Lookup keeps a name of its own. `setHandoverInactivity` is the
 * id of earlier releases, kept so their flows run (the node cannot be added any more).
 */
export const NODE_TYPES = {
  handoverToAgent: 'handoverToAgent',
  checkAgentAvailability: 'checkAgentAvailability',
  lookupHandoverStatus: 'lookupHandoverStatus',
  closeHandover: 'closeHandover',
  handoverInactivityTimer: 'handoverInactivityTimer',
  setHandoverInactivity: 'setHandoverInactivity',
} as const;
