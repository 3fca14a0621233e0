import type { INodeFunctionBaseParams } from '@cognigy/extension-tools';
import type { ConfigOf, FieldSpec } from './fields';
import type { CreateHandoverNodesOptions } from './types';

type ConfigModule = Pick<typeof import('./config'), 'configSchema' | 'parseConfig'>;
let loaded: ConfigModule | undefined;
let loading: Promise<ConfigModule> | undefined;

/** zod and the config schemas, loaded once, on the first node execution (an extension loads without them). */
function loadConfigModule(): Promise<ConfigModule> {
  // Plain references, not the module namespace: read on every execution.
  loading ??= import('./config').then(({ configSchema, parseConfig }) => (loaded = { configSchema, parseConfig }));
  return loading;
}

export interface NodeConfigReader<C> {
  /** The node's config, parsed, when the validator is loaded; `undefined` only before the first execution. */
  now(params: INodeFunctionBaseParams): C | undefined;
  /** The same, loading the validator first. */
  load(params: INodeFunctionBaseParams): Promise<C>;
}

/**
 * Reads a node's config at run time: without the gateway connection, parsed leniently (as Cognigy's
 * nodes read theirs). The schema is built from the field list on first use. Call it as
 * `reader.now(params) ?? (await reader.load(params))`: no extra await once loaded (the hot path).
 */
export function configReader<const F extends readonly FieldSpec[]>(
  fields: F,
  options: CreateHandoverNodesOptions,
  node: string,
): NodeConfigReader<ConfigOf<F>> {
  let schema: import('./config').ConfigSchema<F> | undefined;
  const read = (m: ConfigModule, params: INodeFunctionBaseParams) => {
    schema ??= m.configSchema(fields);
    return m.parseConfig(schema, withoutConnection(params.config, options), node, params.nodeId, true);
  };
  return {
    now: (params) => (loaded ? read(loaded, params) : undefined),
    load: async (params) => read(await loadConfigModule(), params),
  };
}

function withoutConnection(config: unknown, options: CreateHandoverNodesOptions): unknown {
  if (!options.connection || !config || typeof config !== 'object') return config;
  const { connection: _ignored, ...rest } = config as Record<string, unknown>;
  return rest;
}
