/**
 * handover-kit connector specification, version 1.
 *
 * Everything a contact-center connector implements and everything the rest of handover-kit
 * relies on: operations, events, capabilities, the status machine and typed errors. It depends
 * on nothing but zod (and eventemitter3's types). Types are never edited after release: a breaking
 * change ships as `v2` beside `v1`.
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
export function defineConnector<Schema extends z.ZodType>(definition: ConnectorDefinitionV1<Schema>): ConnectorDefinitionV1<Schema> {
  return definition;
}
