import { HandoverError, type ConnectorWarning } from '../contract';

/**
 * Small pieces every connector's results and logs need: optional warnings, a safe one-line reason
 * for a failure, and a structured form of an error for the logger.
 */

/** `{ warnings }` when there are any, nothing otherwise: spread into an operation's result. */
export function withWarnings(list: ConnectorWarning[]): { warnings?: ConnectorWarning[] } {
  return list.length > 0 ? { warnings: list } : {};
}

/** A warning about a feature that partly failed (`type: 'other'`), e.g. a closing note not delivered. */
export function featureWarning(feature: string | undefined, message: string): ConnectorWarning {
  return feature ? { type: 'other', feature, message } : { type: 'other', message };
}

/**
 * Why an operation failed, for a warning the flow may show: a typed error's message (written by the
 * kit, never a raw vendor body); anything else is 'unexpected error' so internals do not leak.
 */
export function failureReason(error: unknown): string {
  return HandoverError.isInstance(error) ? error.message : 'unexpected error';
}

/** An error as a log field: a typed error's JSON (code, status, request id), otherwise its text. */
export function errorForLog(error: unknown): unknown {
  return HandoverError.isInstance(error) ? error.toJSON() : String(error);
}
