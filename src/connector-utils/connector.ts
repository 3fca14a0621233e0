import { EventEmitter } from 'eventemitter3';
import type { z } from 'zod';
import {
  UnsupportedCapabilityError,
  parseOrThrow,
  type CapabilityName,
  type ConnectorCapabilities,
  type ConnectorEventMap,
  type ConnectorRuntime,
  type HandoverConnectorV1,
  type ConnectorCallOptions,
  type HandoverEvent,
  type SendMessageRequest,
  type SendMessageResult,
  type StartHandoverResult,
} from '../contract';
import { OnceByKey, SingleFlight, type BoundedMapOptions } from './memory';

/**
 * Pieces of a connector factory that every connector writes the same way. A connector's own
 * operations are typed by its connector type, e.g. `const start: GenesysConnector['doStartHandover']
 * = async (request, options) => …`, so requests and results need no imports of their own.
 */

/**
 * What a connector factory returns: the contract's connector with its own `type`, a `dispose` that
 * is always there, and `stats()`: request counters for benchmarks and diagnostics.
 */
export interface BuiltConnector<Type extends string, Stats extends object> extends HandoverConnectorV1 {
  readonly type: Type;
  dispose(): Promise<void>;
  stats(): Stats;
}

/**
 * A connector factory's settings, validated the same way everywhere: a bad field fails with a
 * `HandoverConfigError` naming `settings.<field>`, in `Invalid <vendor> settings: …`.
 */
export function connectorSettings<Schema extends z.ZodType>(
  schema: Schema,
  input: unknown,
  vendor: string,
): z.output<Schema> {
  return parseOrThrow(schema, input, `${vendor} settings`, 'settings');
}

/**
 * A connector's exported factory: validates the settings (`connectorSettings`), then builds the
 * connector from them. `build` reads only valid settings, and the factory's first parameter is the
 * schema's input type (what a user or a test passes, defaults not yet applied).
 */
export function connectorFactory<Schema extends z.ZodType, Built extends HandoverConnectorV1>(
  schema: Schema,
  vendor: string,
  build: (settings: z.output<Schema>, runtime: ConnectorRuntime) => Built,
): (input: z.input<Schema>, runtime: ConnectorRuntime) => Built {
  return (input, runtime) => build(connectorSettings(schema, input, vendor), runtime);
}

/** The in-process event channel of a connector that pushes events (`capabilities.pushEvents`). */
export type ConnectorEvents = EventEmitter<ConnectorEventMap>;

/** A `BuiltConnector` that pushes its events in-process (`capabilities.pushEvents`): `events` is always there. */
export interface PushConnector<Type extends string, Stats extends object> extends BuiltConnector<Type, Stats> {
  readonly events: ConnectorEvents;
}

/** A push connector's `events`, and `emit` that sends a list of events on it in order. */
export function connectorEvents(): { events: ConnectorEvents; emit: (list: readonly HandoverEvent[]) => void } {
  const events: ConnectorEvents = new EventEmitter<ConnectorEventMap>();
  const emit = (list: readonly HandoverEvent[]) => {
    for (const e of list) events.emit('event', e);
  };
  return { events, emit };
}

/**
 * The guard at the top of an operation this provider cannot do because a setting it needs is not
 * set (the capability is off): an `UnsupportedCapabilityError` whose message says what turns it on.
 */
export function assertCapability(
  capabilities: ConnectorCapabilities,
  capability: CapabilityName,
  connectorType: string,
  whatItNeeds: string,
): void {
  if (!capabilities[capability]) throw new UnsupportedCapabilityError(capability, { connectorType }, whatItNeeds);
}

/** What the `oncePer…` wrappers remember: at most `max` keys (default 10 000), oldest out first. */
export interface RememberOptions extends BoundedMapOptions {
  max?: number;
}

const REMEMBERED_KEYS = 10_000;

/**
 * `doStartHandover` from a connector's own start: one start per idempotency key. A repeat (at the
 * same time, or later while remembered) gets the first call's promise; a failed start is forgotten,
 * so a retry runs again.
 */
export function oncePerIdempotencyKey(
  start: HandoverConnectorV1['doStartHandover'],
  { max = REMEMBERED_KEYS, ...memory }: RememberOptions = {},
): HandoverConnectorV1['doStartHandover'] {
  const starts = new OnceByKey<StartHandoverResult>(max, memory);
  return (request, options) => starts.run(request.idempotencyKey, () => start(request, options)).promise;
}

/**
 * `doSendMessage` from a connector's own send, for vendors that cannot tell a repeat themselves: one
 * send per conversation and message id while remembered; a repeat gets the first send's result
 * marked `duplicate: true`. A failed send is forgotten (a retry sends).
 */
export function oncePerMessage(
  send: HandoverConnectorV1['doSendMessage'],
  { max = REMEMBERED_KEYS, ...memory }: RememberOptions = {},
): HandoverConnectorV1['doSendMessage'] {
  const sent = new OnceByKey<SendMessageResult>(max, memory);
  return (request, options) => {
    const { promise, first } = sent.run(`${request.conversationId}\u0000${request.messageId}`, () =>
      send(request, options),
    );
    // The first call gets the send's own promise (no extra async step on the hot path).
    return first ? promise : promise.then((result) => ({ ...result, duplicate: true }));
  };
}

/** A connector's send, given the message's key (see `oncePerMessageInFlight`). */
export type KeyedSend = (
  request: SendMessageRequest,
  key: string,
  options?: ConnectorCallOptions,
) => Promise<SendMessageResult>;

/**
 * `doSendMessage` for a connector that records each message it sent in its state, so a later repeat
 * finds it there: only concurrent repeats are left, and they share the send in flight, answered
 * `duplicate: true` (nothing kept in memory once the send settles). `keyOf` names the message once per
 * call; the send gets that key too (e.g. as the vendor's message id).
 */
export function oncePerMessageInFlight(
  keyOf: (request: SendMessageRequest) => string,
  send: KeyedSend,
): HandoverConnectorV1['doSendMessage'] {
  const inFlight = new SingleFlight<SendMessageResult>();
  return (request, options) => {
    const key = keyOf(request);
    const { promise, shared } = inFlight.run(key, () => send(request, key, options));
    // The first call gets the send's own promise (no extra async step on the hot path).
    return shared ? promise.then((result) => ({ ...result, duplicate: true })) : promise;
  };
}
