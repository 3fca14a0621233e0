// Small helpers for running a flow on real connectors against their fakes (test/contract/vendors):
// the fake's webhooks reach the tester's handover service as they would reach the gateway, and
// bounded waits for work that happens over loopback HTTP (which the tester's `settle()` cannot see).
import type { FlowTester } from 'handover-kit/testing';
import type { Vendor } from '../../test/contract/vendors';

/**
 * Binds the connector the tester created for `vendor`'s provider: the webhooks the fake posts to
 * the vendor's receiver (verified and parsed by the connector, as at the gateway's
 * `/webhooks/<providerId>`) go to `tester.kit.service.ingest`. Pushed events need nothing: the
 * service listens to every connector's `events` emitter. Returns the ingest calls that failed
 * (a test should expect none).
 */
export async function connectVendor(tester: FlowTester, vendor: Vendor): Promise<unknown[]> {
  const failures: unknown[] = [];
  const { connector } = await tester.kit.registry.connector(vendor.providerId);
  vendor.connect(connector, (events) => {
    tester.kit.service.ingest(vendor.providerId, events).catch((error: unknown) => failures.push(error));
  });
  return failures;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Lets loopback HTTP finish: settles the tester until `check()` holds, or fails after `timeoutMs`
 * of real time naming `what`.
 */
export async function eventually(
  tester: FlowTester,
  check: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs = 2000,
): Promise<void> {
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
export async function pollUntil(
  tester: FlowTester,
  intervalMs: number,
  check: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs = 3000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    await tester.settle();
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    await tester.advance(intervalMs);
    await sleep(5);
  }
}
