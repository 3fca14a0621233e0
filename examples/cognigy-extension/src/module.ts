/**
 * A Cognigy extension with the five handover nodes. The nodes reach a handover gateway through the
 * "Handover Gateway" Connection (gateway URL + nodes API key): one HTTP request per node execution.
 * Build the tarball Cognigy uploads with `npm run build:extension` (from the repository root).
 */
import { createExtension } from '@cognigy/extension-tools';
import { createGatewayHandoverNodes, handoverGatewayConnection } from 'handover-kit';

export default createExtension({
  nodes: createGatewayHandoverNodes(),
  connections: [handoverGatewayConnection],
  options: { label: 'Handover Kit' },
});
