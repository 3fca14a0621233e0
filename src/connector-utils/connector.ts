import { EventEmitter } from 'eventemitter3';
import type {
  ConnectorEventMap,
  HandoverConnectorV1,
  HandoverEvent,
  SendMessageResult,
  StartHandoverResult,
} from '../contract';
import { OnceByKey, type BoundedMapOptions } from './memory';

/**
 * Pieces of a connector factory that every connector writes the same way. A connector's own
 * operations are typed by the contract, e.g. `const start: HandoverConnectorV1['doStartHandover'] =
 * async (request, options) => …`, so requests and results need no imports of their own.
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

/** The in-process event channel of a connector that pushes events (`capabilities.pushEvents`). */
export type ConnectorEvents = EventEmitter<ConnectorEventMap>;

/** A push connector's `events`, and `emit` that sends a list of events on it in order. */
export function connectorEvents(): { events: ConnectorEvents; emit: (list: readonly HandoverEvent[]) => void } {
  const events: ConnectorEvents = new EventEmitter<ConnectorEventMap>();
  const emit = (list: readonly HandoverEvent[]) => {
    for (const e of list) events.emit('event', e);
  };
  return { events, emit };
}

/** How many starts or messages the `oncePer…` wrappers remember by default. */
export const REMEMBERED_KEYS = 10_000;

/**
 * `doStartHandover` from a connector's own start: one start per idempotency key. A repeat (at the
 * same time, or later while remembered) gets the first call's promise; a failed start is forgotten,
 * so a retry runs again. The memory is bounded (`max` keys, oldest out first).
 */
export function oncePerIdempotencyKey(
  start: HandoverConnectorV1['doStartHandover'],
  max = REMEMBERED_KEYS,
): HandoverConnectorV1['doStartHandover'] {
  const starts = new OnceByKey<StartHandoverResult>(max);
  return (request, options) => starts.run(request.idempotencyKey, () => start(request, options)).promise;
}

/**
 * `doSendMessage` from a connector's own send, for vendors that cannot tell a repeat themselves: one
 * send per conversation and message id while remembered (`max`, and `ttlMs` when given); a repeat
 * gets the first send's result marked `duplicate: true`. A failed send is forgotten (a retry sends).
 */
export function oncePerMessage(
  send: HandoverConnectorV1['doSendMessage'],
  max = REMEMBERED_KEYS,
  memory: BoundedMapOptions = {},
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
