// The SAME routing flow with the VIP node's provider set to each connector type in turn, each
// against its fake vendor on 127.0.0.1 (the vendors the contract suite uses: test/contract/vendors).
// Only the `vip` provider changes; the support desk stays a simulated center. Webhooks reach the
// tester's handover service through the vendor's receiver, pushed events through the connector's
// `events` emitter; connectors that poll (Genesys, CXone) poll on the tester's fake clock.
import { afterEach, describe, expect, it } from 'vitest';
import { createFlowTester, type ChatSession, type FlowTester } from 'handover-kit/testing';
import { SimulatedCenters, simulatedConnector } from 'handover-kit/connectors/simulated';
import { VENDORS, type Vendor } from '../../test/contract/vendors';
import { simulatedVendor } from '../../test/contract/vendors/simulated';
import type { FakeEightByEight } from '../../test/fakes/8x8';
import { TEXT, routingFlow } from './routing-flow';
import { connectVendor, eventually, pollUntil } from './wiring';

let cleanup: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const step of cleanup.reverse()) await step();
  cleanup = [];
});

interface Bed {
  tester: FlowTester;
  vendor: Vendor;
  victoria: ChatSession;
  /** Ingest calls that failed (expected: none). */
  failures: unknown[];
}

async function setup(start: () => Promise<Vendor>): Promise<Bed> {
  const vendor = await start();
  cleanup.push(() => vendor.close());
  const basic = { id: 'basic', name: 'Support desk', type: 'simulated', settings: { center: 'basic' } };
  const tester = await createFlowTester({
    // The simulated vendor brings its own definition of the `simulated` type, which serves both desks.
    connectors:
      vendor.type === 'simulated'
        ? [vendor.definition]
        : [vendor.definition, simulatedConnector({ centers: new SimulatedCenters() })],
    providers: [{ id: vendor.providerId, name: 'VIP desk', type: vendor.type, settings: vendor.settings }, basic],
    startTime: Date.now(),
  });
  cleanup.push(async () => {
    await vendor.settled?.();
    await tester.close();
  });
  const failures = await connectVendor(tester, vendor);
  const caps = tester.capabilitiesOf(vendor.providerId);
  if (!caps.availability) {
    // A desk that cannot tell whether agents are free: the flow with the check is refused when built.
    const refusal = `"providerId" needs availability, which provider "${vendor.providerId}" does not support`;
    expect(() => tester.flow(routingFlow({ vip: vendor.providerId, basic: 'basic' }))).toThrow(refusal);
  }
  const options = { vip: vendor.providerId, basic: 'basic', vipAvailabilityCheck: caps.availability };
  const flow = tester.flow(routingFlow(options));
  const victoria = flow.session({ userId: 'victoria', profile: { vip: true, customerId: 'C-100' } });
  return { tester, vendor, victoria, failures };
}

/** The vendor's conversation id of the session's handover (in the kit's store, not in its view). */
async function vendorConversationId({ tester, victoria }: Bed): Promise<string | undefined> {
  const key = `${victoria.userId}\u0000${victoria.sessionId}`;
  const record = await tester.kit.registry.store.findHandoverBySession(key);
  return record?.conversationId;
}

/** Settles until `check()` holds; for a polling connector, moves the fake clock a poll interval per round. */
function until({ tester, vendor }: Bed, check: () => boolean | Promise<boolean>, what: string): Promise<void> {
  const label = `${what} (${vendor.type})`;
  return vendor.pollIntervalMs === undefined
    ? eventually(tester, check, label, 3000)
    : pollUntil(tester, vendor.pollIntervalMs, check, label);
}

/** What one vendor's fake should show beyond the common path (the routing data it takes). */
const VENDOR_CHECKS: Partial<Record<string, (vendor: Vendor, conversationId: string) => void>> = {
  '8x8': (vendor, conversationId) => {
    const fake = (vendor as Vendor & { fake: FakeEightByEight }).fake;
    expect(fake.conversations.get(conversationId)!.user).toMatchObject({
      userId: 'victoria',
      additionalProperties: expect.arrayContaining([
        { key: 'desk', value: 'vip' },
        { key: 'customerId', value: 'C-100' },
      ]),
    });
    const create = fake.requests.find((r) => r.operation === 'create')!.body as { history?: { messages: unknown[] } };
    expect(create.history?.messages).toContainEqual({ authorType: 'user', text: 'I want an agent' });
  },
};

/**
 * The simulated center presented as a connector type that cannot report agent availability, like
 * Salesforce MIAW: the flow with the check is refused when built, the variant without it runs.
 */
async function simulatedWithoutAvailability(): Promise<Vendor> {
  const vendor = await simulatedVendor('push');
  const { definition } = vendor;
  // Its own type, so the support desk keeps the plain simulated connector (with availability).
  const type = 'no-availability';
  const capabilities = { ...definition.capabilities, availability: false };
  const create: typeof definition.create = (settings, runtime) =>
    Object.assign(Object.create(definition.create(settings, runtime)), { type, capabilities });
  return { ...vendor, type, definition: { ...definition, type, capabilities, create } };
}

const DESKS: Record<string, () => Promise<Vendor>> = {
  ...VENDORS,
  'a desk without availability': simulatedWithoutAvailability,
};

/** The desks that cannot report availability, so their rows run `vipAvailabilityCheck: false`. */
const WITHOUT_AVAILABILITY = new Set(['salesforce-miaw', 'a desk without availability']);

describe('routing example: the VIP node on any connector, by changing only its provider', () => {
  const name = '%s: availability, handover, agent joined, both ways, end via the Lookup';
  it.each(Object.keys(DESKS))(name, async (desk) => {
    const bed = await setup(DESKS[desk]!);
    const { vendor, victoria, failures } = bed;
    const caps = bed.tester.capabilitiesOf(vendor.providerId);
    expect(caps.availability).toBe(!WITHOUT_AVAILABILITY.has(desk));

    await victoria.send('I want an agent');
    await until(bed, async () => (await vendorConversationId(bed)) !== undefined, 'the vendor conversation id');
    const handover = (await victoria.handover())!;
    expect(handover.providerId).toBe(vendor.providerId);
    expect(victoria.botSaid()[0]).toBe(TEXT.vipConnecting);
    expect(victoria.branchesOf('basicAvailability')).toEqual([]); // the support desk was never asked
    if (caps.availability) expect(victoria.branchesOf('vipAvailability')).toEqual(['onAgentsAvailable']);
    const vipPath = ['router', 'tier', ...(caps.availability ? ['vipAvailability'] : []), 'vipHandover', 'vipStatus'];
    expect(victoria.path().slice(0, vipPath.length)).toEqual(vipPath);
    expect(victoria.branchesOf('vipStatus')[0]).toBe('onHandoverQueue');
    const conversationId = (await vendorConversationId(bed))!;
    VENDOR_CHECKS[desk]?.(vendor, conversationId);

    await vendor.agent.join(conversationId);
    if (caps.agentJoined) {
      const joined = () => victoria.branchesOf('vipStatus').includes('onHandoverActive');
      await until(bed, joined, 'the VIP Lookup to see the agent join');
      expect(victoria.branchesOf('vipStatus')).toEqual(['onHandoverQueue', 'onHandoverActive']);
    }
    await vendor.agent.say(conversationId, 'Hello Victoria, the VIP desk here.');
    await until(bed, () => victoria.agentSaid().length > 0, "the agent's reply to reach Victoria");
    expect(victoria.agentSaid()).toEqual(['Hello Victoria, the VIP desk here.']);
    expect(victoria.branchesOf('vipStatus')).toContain('onHandoverActive');

    const quiet = victoria.botSaid().length;
    await victoria.send('My card was declined');
    const atVendor = () => vendor.userMessagesAtVendor(conversationId);
    await until(bed, async () => (await atVendor()).includes('My card was declined'), 'the user message at the vendor');
    expect((await atVendor()).filter((t) => t === 'My card was declined')).toHaveLength(1); // once
    expect(victoria.botSaid()).toHaveLength(quiet); // the bot stays quiet while the agent talks

    await vendor.agent.resolve(conversationId);
    const ended = () => victoria.branchesOf('vipStatus').at(-1) === 'onHandoverCompleted';
    await until(bed, ended, 'the VIP Lookup to see the end');
    expect(victoria.botSaid().at(-1)).toBe(TEXT.thanks);
    expect((await victoria.handover())!.status).toBe('completed');
    // Queued, agent joined (or, where the vendor does not say, the first reply), the user's message
    // forwarded by the Lookup (no branch), completed; the support desk's Lookup never ran.
    const lookup = ['onHandoverQueue', 'onHandoverActive', undefined, 'onHandoverCompleted'];
    expect(victoria.branchesOf('vipStatus')).toEqual(lookup);
    expect(victoria.branchesOf('basicStatus')).toEqual([]);
    expect(failures).toEqual([]);
  });
});
