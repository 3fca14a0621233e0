import { BadRequestError, HandoverError, type HandoverErrorCode, type HandoverErrorJSON } from '../../contract';

/**
 * How typed errors become HTTP answers. The body is always `{ error: HandoverErrorJSON }`, which the
 * gateway client turns back into the same typed error with `handoverErrorFromJSON`.
 */
const STATUS_BY_CODE: Record<HandoverErrorCode, number> = {
  invalid_config: 400,
  bad_request: 400,
  unknown_connector: 400,
  unsupported_capability: 400,
  unauthorized: 401,
  bad_signature: 401,
  forbidden: 403,
  unknown_provider: 404,
  handover_not_found: 404,
  agents_unavailable: 409,
  illegal_transition: 409,
  rate_limited: 429,
  vendor_error: 502,
  vendor_auth: 502,
  vendor_not_found: 502,
  timeout: 504,
  internal: 500,
};

/** A protocol-level rejection with its own status (404 no route, 405, 413, 415). */
export class HttpStatusError extends BadRequestError {
  readonly status: number;
  readonly headers: Record<string, string>;
  constructor(status: number, message: string, headers: Record<string, string> = {}) {
    super(message, { details: { status } });
    this.status = status;
    this.headers = headers;
  }
}

export interface ErrorReply {
  status: number;
  body: { error: HandoverErrorJSON };
  headers: Record<string, string>;
  /** Unexpected (a bug or an outage): log it with its stack. */
  internal: boolean;
}

/** Maps anything thrown to a status and a safe body. Internal errors never show their message. */
export function errorReply(error: unknown, requestId: string): ErrorReply {
  if (error instanceof HttpStatusError) {
    return { status: error.status, body: { error: error.toJSON() }, headers: error.headers, internal: false };
  }
  const typed = HandoverError.isInstance(error) ? error : undefined;
  if (!typed || typed.code === 'internal') {
    const json: HandoverErrorJSON = {
      name: 'HandoverError',
      code: 'internal',
      message: `Internal error (request ${requestId})`,
      isRetryable: typed?.isRetryable ?? false,
    };
    return { status: 500, body: { error: json }, headers: {}, internal: true };
  }
  const status = STATUS_BY_CODE[typed.code] ?? 500;
  const headers: Record<string, string> = {};
  const retryAfterMs = typed.details.retryAfterMs;
  if (status === 429 && typeof retryAfterMs === 'number')
    headers['retry-after'] = String(Math.ceil(retryAfterMs / 1000));
  return {
    status,
    body: { error: typed.toJSON() },
    headers,
    internal: status >= 500 && typed.code !== 'timeout' && !typed.code.startsWith('vendor'),
  };
}

export function statusForCode(code: HandoverErrorCode): number {
  return STATUS_BY_CODE[code] ?? 500;
}
