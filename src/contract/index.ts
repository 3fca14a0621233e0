/**
 * handover-kit/contract — what a contact-center connector implements and what the rest of
 * handover-kit relies on. It depends on zod and eventemitter3's types only.
 *
 * Versioning, one rule:
 * - `v1/` is the versioned connector interface: operations, events, capabilities,
 *   `HandoverConnectorV1`, `ConnectorDefinitionV1`. Its types are never changed after release; a
 *   breaking change ships as `v2/` beside it, and every name carries its version (no unversioned
 *   alias that would have to be repointed).
 * - `errors`, `status` and `settings` sit outside `v1/` and are stable across versions: they only
 *   grow (a new error class, a new helper), never change shape, and every version uses them.
 *
 * Words: a *connector type* (`simulated`, `genesys`) is a kind of contact center; a *provider* is a
 * configured instance of one. `conversationId` is the vendor's id for a conversation; the kit's
 * own record of a handover is `handoverId`.
 */
export * from './errors';
export * from './status';
export * from './settings';
export * from './v1/capabilities';
export * from './v1/operations';
export * from './v1/events';
export * from './v1/connector';

import type { z } from 'zod';
import type { ConnectorDefinitionV1 } from './v1/connector';

/** Identity helper that infers the settings type from the schema. */
export function defineConnector<Schema extends z.ZodType>(
  definition: ConnectorDefinitionV1<Schema>,
): ConnectorDefinitionV1<Schema> {
  return definition;
}
