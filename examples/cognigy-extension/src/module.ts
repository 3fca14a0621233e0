/**
 * A Cognigy extension with the five handover nodes, built the way a Cognigy developer builds theirs
 * from the npm package (`npx handover-kit extension init` writes a project like this one, plus a node
 * of your own). The nodes reach a handover gateway through the "Handover Gateway" Connection (gateway
 * URL + nodes API key): one HTTP request per node execution. `npm run build:extension` (repository
 * root) runs `handover-kit extension build examples/cognigy-extension`.
 */
import { createExtension } from '@cognigy/extension-tools';
import { createGatewayHandoverNodes, handoverGatewayConnection } from 'handover-kit/extension';

export default createExtension({
  nodes: createGatewayHandoverNodes(),
  connections: [handoverGatewayConnection],
  options: { label: 'Handover Kit' },
});
