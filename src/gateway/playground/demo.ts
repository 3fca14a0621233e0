import { randomBytes } from 'node:crypto';
import { attachScriptedAgent, type SimulatedCenters } from '../../../connectors/simulated';

/**
 * The demo a bare `npx handover-kit gateway` starts: a simulated center with a scripted agent (Sam)
 * and a `simulated` provider whose events come back through the gateway's own signed webhook.
 * Loaded only in demo mode.
 */
export function demoProvider(centers: SimulatedCenters) {
  const center = centers.get('default', { queues: [{ id: 'support', name: 'Support' }] });
  attachScriptedAgent(center, {
    id: 'sam',
    name: 'Sam (simulated agent)',
    acceptAfterMs: 2_000,
    greeting: 'Hi, I am Sam from support. How can I help?',
    replies: [{ when: 'bye', reply: 'Goodbye!' }],
    defaultReply: 'Thanks, let me check that for you.',
    resolveAfterMessages: 5,
  });
  return {
    id: 'simulated',
    name: 'Simulated contact center',
    type: 'simulated',
    settings: { center: 'default', delivery: 'webhook', webhookSecret: randomBytes(24).toString('base64url') },
  };
}
