/**
 * `handover-kit/extension`: what a Cognigy extension bundles — the five nodes wired to a handover
 * gateway through the "Handover Gateway" Connection, and the `node:http` gateway client. Nothing of
 * the in-process service, the registry, the gateway server or the connectors, so the extension's
 * `build/module.js` stays small and loads fast. Build one with `npx handover-kit extension build`.
 */
export {
  createGatewayHandoverNodes,
  handoverGatewayConnection,
  serviceFromConnection,
  HANDOVER_GATEWAY_CONNECTION,
} from '../nodes/gateway-connection';
export { createHandoverNodes, NODE_TYPES, type CreateHandoverNodesOptions } from '../nodes/create';
export { createGatewayClient, type GatewayClient, type GatewayClientOptions } from './client/gateway-client';
export { HandoverError, HandoverConfigError } from './contract/errors';
