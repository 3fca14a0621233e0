// Small helpers for running a flow on real connectors against their fakes: the fake's webhooks
// reach the tester's handover service as they would reach the gateway, and bounded waits for work
// that happens over loopback HTTP (which the tester's `settle()` cannot see).
import { startWebhookReceiver, type FlowTester, type WebhookReceiver } from 'handover-kit/testing';

export interface WiredWebhooks extends WebhookReceiver {
  /** Ingest calls that failed (a test should expect none). */
  failures: unknown[];
}

/**
 * Starts a loopback receiver that verifies and parses webhooks with the provider's own connector,
 * the way the gateway's `/webhooks/<providerId>` does, and feeds the events to
 * `tester.kit.service.ingest(providerId, …)`. Point the fake's webhook at `url`.
 */
export async function wireWebhooks(tester: FlowTester, providerId: string): Promise<WiredWebhooks> {
  const { connector } = await tester.kit.registry.connector(providerId);
  const failures: unknown[] = [];
  const receiver = await startWebhookReceiver(connector, (events) => {
    tester.kit.service.ingest(providerId, events).catch((error: unknown) => failures.push(error));
  });
  return Object.assign(receiver, { failures });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Lets loopback HTTP finish: settles the tester until `check()` holds, or fails after `timeoutMs`
 * of real time naming `what`.
 */
export async function eventually(tester: FlowTester, check: () => boolean | Promise<boolean>, what: string, timeoutMs = 2000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    await tester.settle();
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(5);
  }
}

/**
 * For connectors that poll on the runtime clock (Genesys: agent joined / conversation ended are
 * only visible by polling the participants): moves the tester's fake clock one poll interval at a
 * time until `check()` holds. A poll in flight re-arms its timer only when its answer arrives, so
 * between steps the loop also waits in real time. Bounded by `timeoutMs` of real time.
 */
export async function pollUntil(tester: FlowTester, intervalMs: number, check: () => boolean | Promise<boolean>, what: string, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    await tester.settle();
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    await tester.advance(intervalMs);
    await sleep(5);
  }
}
