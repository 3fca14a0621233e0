// One shape for "a connector type against its fake vendor", shared by the contract suite
// (test/contract/<name>.test.ts) and the routing example (examples/routing/any-connector.test.ts).
// A vendor starts its fake and its webhook receiver first; the connector is created afterwards by
// whoever hosts it (a ProviderRegistry in the contract suite, the flow tester's kit in the example)
// and bound with `connect`, so the same setup serves both.
import { ProviderRegistry, silentLogger, systemClock, type HandoverEvent } from 'handover-kit';
import type {
  ConnectorDefinitionV1,
  ConnectorWebhookV1,
  HandoverConnectorV1,
  WebhookRequest,
} from 'handover-kit/contract';
import {
  createFakeClock,
  type ConnectorContractHarness,
  type ConnectorContractOptions,
  type ContractOperation,
  type EventCollector,
  type FakeClock,
} from 'handover-kit/testing';

export type Failure = { status: number; retryAfterMs?: number };

export interface Vendor {
  /** The connector type (`genesys`, `8x8`, …). */
  readonly type: string;
  /** The provider id the connector's webhook paths are served under (`/webhooks/<providerId>`). */
  readonly providerId: string;
  /** The connector definition to register (test tuning such as fast retries included). */
  readonly definition: ConnectorDefinitionV1;
  /** Provider settings pointing at the fake. */
  readonly settings: Record<string, unknown>;
  /**
   * Set when agent joined / conversation ended are only seen by polling on the runtime clock:
   * the poll interval. Such a connector is hosted on a fake clock that the test moves.
   */
  readonly pollIntervalMs?: number;
  /** Binds the created connector: its webhooks reach `onEvents` and the fake calls back to it. */
  connect(connector: HandoverConnectorV1, onEvents: (events: HandoverEvent[]) => void): void;
  /** Runs the connector's pending polls once, on the clock it was created on (polling connectors). */
  poll?(clock: FakeClock): Promise<void>;
  /** Acts as an agent at the fake vendor (nothing more: a polling connector still has to poll). */
  agent: ConnectorContractHarness['agent'];
  /** Texts the vendor received from the user for this conversation, in order. */
  userMessagesAtVendor(conversationId: string): Promise<string[]>;
  failNext(operation: ContractOperation, failure: Failure, count?: number): Promise<void>;
  signedWebhook?(conversationId: string): Promise<WebhookRequest>;
  webhookAuth?: ConnectorContractHarness['webhookAuth'];
  stripAuth?: ConnectorContractHarness['stripAuth'];
  /** Waits for the fake's outgoing webhooks in flight (before the connector is disposed). */
  settled?(): Promise<void>;
  /** Closes the receiver and the fake. */
  close(): Promise<void>;
}

/**
 * A webhook handler that forwards to the connector bound later, so a receiver can be listening
 * (and its URL written into the settings) before the connector exists.
 */
export class LateBinding {
  private connector?: HandoverConnectorV1;
  private sink: (events: HandoverEvent[]) => void = () => undefined;

  readonly webhook: ConnectorWebhookV1 = {
    verify: (request) => this.target().verify(request),
    parse: (request) => this.target().parse(request),
    handle: async (request) => this.target().handle?.(request),
  };

  readonly deliver = (events: HandoverEvent[]): void => this.sink(events);

  bind(connector: HandoverConnectorV1, onEvents: (events: HandoverEvent[]) => void): void {
    this.connector = connector;
    this.sink = onEvents;
  }

  bound<T extends HandoverConnectorV1>(): T {
    if (!this.connector) throw new Error('connect() the connector first');
    return this.connector as T;
  }

  private target(): ConnectorWebhookV1 {
    const webhook = this.bound().webhook;
    if (!webhook) throw new Error(`connector ${this.bound().type} takes no webhooks`);
    return webhook;
  }
}

/**
 * The contract suite's harness on a vendor: the connector created through a ProviderRegistry (as
 * the gateway does), pushed and webhook events into the suite's collector, and for polling
 * connectors a poll after each agent action.
 */
export async function contractHarness(
  start: Promise<Vendor>,
  events: EventCollector,
): Promise<ConnectorContractHarness> {
  const vendor = await start;
  const clock = vendor.pollIntervalMs === undefined ? systemClock : createFakeClock(Date.now());
  const registry = new ProviderRegistry({ connectors: [vendor.definition], clock, logger: silentLogger });
  await registry.create({ id: vendor.providerId, name: vendor.type, type: vendor.type, settings: vendor.settings });
  const { connector } = await registry.connector(vendor.providerId);
  const push = (list: HandoverEvent[]) => events.push(list);
  connector.events?.on('event', (e) => push([e as HandoverEvent]));
  vendor.connect(connector, push);
  const polled = (act: (id: string) => Promise<void>) => async (id: string) => {
    await act(id);
    if (vendor.poll) await vendor.poll(clock as FakeClock);
  };
  return {
    connector,
    agent: { join: polled(vendor.agent.join), say: vendor.agent.say, resolve: polled(vendor.agent.resolve) },
    userMessagesAtVendor: (id) => vendor.userMessagesAtVendor(id),
    failNext: (op, failure, count) => vendor.failNext(op, failure, count),
    ...(vendor.signedWebhook ? { signedWebhook: vendor.signedWebhook } : {}),
    ...(vendor.webhookAuth ? { webhookAuth: vendor.webhookAuth } : {}),
    ...(vendor.stripAuth ? { stripAuth: vendor.stripAuth } : {}),
    teardown: async () => {
      await vendor.settled?.();
      await registry.close();
      await vendor.close();
    },
  };
}

/** The contract suite's options for a vendor: a fresh vendor and connector per test. */
export function vendorContract(name: string, start: () => Promise<Vendor>): ConnectorContractOptions {
  return { name, setup: (events) => contractHarness(start(), events) };
}
