import { toHandoverError } from '../../src/contract/errors';
import type { FlowHandoverInput } from '../../src/delivery';
import { FLOW_DATA_KEY } from '../../src/delivery';
import type { HandoverApi, SessionAddress, UserMessageInput, UserMessageOutcome } from '../../src/model';
import { isConfigError } from './common';
import { logFailure, viewToInput, writeState, type NodeRuntime } from './runtime';

/** The service's limits for a forwarded message (longer text is cut, not refused: the user already sent it). */
const MAX_TEXT = 20_000;
const MAX_INTENT = 200;

/**
 * The user wrote while a handover is live: the message goes to the agent and the bot stays quiet.
 * One service call; the service also recognises the cancel intent / button while queued and
 * tells us to repeat the accepted message.
 *
 * Returns `undefined` when the message was forwarded (execution stops), or the handover's final
 * state when it turned out to be over (cancelled now, or ended without the flow hearing of it).
 * A failure to reach the contact center does not end the handover: it is logged and the bot stays
 * quiet (the handover is still live; the next message is tried again). Only a misconfiguration throws.
 */
export function forwardUserInput(
  rt: NodeRuntime,
  service: HandoverApi,
  session: SessionAddress,
  node: string,
): Promise<FlowHandoverInput | undefined> {
  const input = rt.input;
  // Optional fields set only when present (no spread of a throwaway object per field: once per message).
  const message: UserMessageInput = {
    session,
    text: typeof input.text === 'string' ? input.text.slice(0, MAX_TEXT) : '',
  };
  if (input.inputId) message.messageId = String(input.inputId).slice(0, 256);
  if (typeof input.intent === 'string' && input.intent) message.intent = input.intent.slice(0, MAX_INTENT);
  const presence = presenceOf(input);
  if (presence) message.presence = presence;
  // A `then` on the call, not an async frame around it: this runs once per message.
  let sent: Promise<UserMessageOutcome>;
  try {
    sent = service.sendUserMessage(message);
  } catch (error) {
    sent = Promise.reject(error);
  }
  return sent.then(
    (outcome) => forwarded(rt, outcome),
    (error: unknown) => notForwarded(rt, node, error),
  );
}

function forwarded(rt: NodeRuntime, outcome: UserMessageOutcome): FlowHandoverInput | undefined {
  if (outcome.forwarded) {
    if (outcome.reply) rt.api.say(outcome.reply);
    if (outcome.handover) writeState(rt, outcome.handover);
    rt.api.stopExecution();
    return undefined;
  }
  if (!outcome.handover) return undefined;
  return viewToInput(outcome.handover);
}

function notForwarded(rt: NodeRuntime, node: string, error: unknown): undefined {
  const e = toHandoverError(error);
  if (isConfigError(e)) throw e;
  logFailure(rt, `${node}: the message did not reach the agent`, e);
  rt.api.stopExecution();
  return undefined;
}

/** The user came back to / left the chat: `input.data.handoverKit.presence` (set by the channel or the flow). */
function presenceOf(input: Record<string, any>): 'connected' | 'disconnected' | undefined {
  const p = input.data?.[FLOW_DATA_KEY]?.presence;
  return p === 'connected' || p === 'disconnected' ? p : undefined;
}

/** Cognigy's default quick-reply payload: a cancel button under the accepted message. */
export function quickReplies(text: string, buttons: string[]) {
  return {
    _cognigy: {
      _default: {
        _quickReplies: {
          type: 'quick_replies',
          text,
          quickReplies: buttons.map((title, i) => ({ id: i + 1, contentType: 'postback', title, payload: title })),
        },
      },
    },
  };
}
