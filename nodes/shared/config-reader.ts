import type { INodeFunctionBaseParams } from '@cognigy/extension-tools';
import { type ConfigSchema, configSchema, parseConfig } from './config';
import type { ConfigOf, FieldSpec } from './fields';
import type { CreateHandoverNodesOptions } from './types';

/** Reads a node's config at run time. */
export type NodeConfigReader<C> = (params: INodeFunctionBaseParams) => C;

/**
 * Reads a node's config at run time: without the gateway connection, parsed leniently (as Cognigy's
 * nodes read theirs). The schema is built from the field list on the first execution, not when an
 * extension loads. The config module is imported statically: a lazy `import()` fails under jest
 * (CommonJS without --experimental-vm-modules), where flow tests run.
 */
export function configReader<const F extends readonly FieldSpec[]>(
  fields: F,
  options: CreateHandoverNodesOptions,
  node: string,
): NodeConfigReader<ConfigOf<F>> {
  let schema: ConfigSchema<F> | undefined;
  return (params) => {
    schema ??= configSchema(fields);
    return parseConfig(schema, withoutConnection(params.config, options), node, params.nodeId, true);
  };
}

function withoutConnection(config: unknown, options: CreateHandoverNodesOptions): unknown {
  if (!options.connection || !config || typeof config !== 'object') return config;
  const { connection: _ignored, ...rest } = config as Record<string, unknown>;
  return rest;
}
