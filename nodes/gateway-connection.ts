import type { IConnectionSchema, INodeDescriptor } from '@cognigy/extension-tools';
import { createGatewayClient, type GatewayClient } from '../src/client/gateway-client';
import { HandoverConfigError } from '../src/contract/errors';
import type { HandoverApi } from '../src/model';
import { createHandoverNodes } from './create';

/** The Connection a Cognigy extension needs to reach a handover gateway. */
export const HANDOVER_GATEWAY_CONNECTION = 'handover-gateway';

export const handoverGatewayConnection: IConnectionSchema = {
  type: HANDOVER_GATEWAY_CONNECTION,
  label: 'Handover Gateway',
  fields: [{ fieldName: 'url' }, { fieldName: 'apiKey' }],
};

/**
 * Picks the gateway client for a node execution from its Connection (`url`, `apiKey`). Clients are
 * kept per gateway and key, so the keep-alive pool is reused across executions.
 */
export function serviceFromConnection(
  options: { timeoutMs?: number } = {},
): (config: Record<string, unknown>) => HandoverApi {
  const clients = new Map<string, GatewayClient>();
  return (config) => {
    const connection = (config.connection ?? {}) as { url?: unknown; apiKey?: unknown };
    const url = typeof connection.url === 'string' ? connection.url.trim() : '';
    const apiKey = typeof connection.apiKey === 'string' ? connection.apiKey.trim() : '';
    if (!/^https?:\/\//.test(url))
      throw new HandoverConfigError('The Handover Gateway connection needs the gateway URL (http… or https…)', [
        { path: 'connection.url', message: 'Enter the gateway URL' },
      ]);
    if (!apiKey)
      throw new HandoverConfigError('The Handover Gateway connection needs an API key', [
        { path: 'connection.apiKey', message: 'Enter the nodes API key' },
      ]);
    const key = `${url}\u0000${apiKey}`;
    let client = clients.get(key);
    if (!client) {
      if (clients.size >= 16) clients.delete(clients.keys().next().value!);
      client = createGatewayClient({ url, apiKey, ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}) });
      clients.set(key, client);
    }
    return client;
  };
}

/** The five nodes for a Cognigy extension that talks to a gateway through a Connection. */
export function createGatewayHandoverNodes(
  options: { typePrefix?: string; timeoutMs?: number } = {},
): INodeDescriptor[] {
  return createHandoverNodes({
    service: serviceFromConnection({ timeoutMs: options.timeoutMs }),
    connection: { type: HANDOVER_GATEWAY_CONNECTION },
    ...(options.typePrefix ? { typePrefix: options.typePrefix } : {}),
  });
}
