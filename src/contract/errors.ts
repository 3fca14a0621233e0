/**
 * Typed errors. Every error handover-kit throws is a `HandoverError` with a stable `code`
 * and an `isRetryable` flag. `instanceof` breaks when two copies of the package are
 * installed (or the ESM and CJS builds meet), so each class carries a `Symbol.for` marker
 * and a static `isInstance` that checks it.
 */

const BASE_MARKER = Symbol.for('handover-kit.error');

function markerFor(name: string): symbol {
  return Symbol.for(`handover-kit.error.${name}`);
}

export type HandoverErrorCode =
  | 'invalid_config'
  | 'unknown_provider'
  | 'unknown_connector'
  | 'unsupported_capability'
  | 'vendor_error'
  | 'vendor_auth'
  | 'vendor_not_found'
  | 'rate_limited'
  | 'bad_signature'
  | 'bad_request'
  | 'illegal_transition'
  | 'timeout'
  | 'handover_not_found'
  | 'agents_unavailable'
  | 'unauthorized'
  | 'forbidden'
  | 'internal';

export interface ValidationIssue {
  /** Dotted path of the offending field, e.g. `settings.clientSecret` or `routing.skills.0`. */
  path: string;
  message: string;
}

export interface HandoverErrorJSON {
  name: string;
  code: HandoverErrorCode;
  message: string;
  isRetryable: boolean;
  details?: Record<string, unknown>;
}

export interface HandoverErrorOptions {
  cause?: unknown;
  details?: Record<string, unknown>;
  isRetryable?: boolean;
}

export class HandoverError extends Error {
  static readonly marker = markerFor('HandoverError');
  readonly code: HandoverErrorCode;
  readonly isRetryable: boolean;
  /** Safe, secret-free context (ids, statuses). Serialised by `toJSON`. */
  readonly details: Record<string, unknown>;

  constructor(code: HandoverErrorCode, message: string, options: HandoverErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'HandoverError';
    this.code = code;
    this.isRetryable = options.isRetryable ?? false;
    this.details = options.details ?? {};
    Object.defineProperty(this, BASE_MARKER, { value: true });
    // Mark every class in the prototype chain, so `VendorApiError.isInstance(rateLimitError)` holds.
    for (
      let proto = Object.getPrototypeOf(this);
      proto && proto !== Error.prototype;
      proto = Object.getPrototypeOf(proto)
    ) {
      const ctor = proto.constructor as { marker?: symbol };
      if (ctor.marker) Object.defineProperty(this, ctor.marker, { value: true });
    }
  }

  /** True for any handover-kit error, from any copy of the package. */
  static isInstance<T extends abstract new (...args: never[]) => HandoverError>(
    this: T,
    error: unknown,
  ): error is InstanceType<T> {
    if (typeof error !== 'object' || error === null) return false;
    if ((this as unknown) === HandoverError) return (error as Record<symbol, unknown>)[BASE_MARKER] === true;
    return (error as Record<symbol, unknown>)[(this as unknown as { marker: symbol }).marker] === true;
  }

  toJSON(): HandoverErrorJSON {
    const json: HandoverErrorJSON = {
      name: this.name,
      code: this.code,
      message: this.message,
      isRetryable: this.isRetryable,
    };
    if (Object.keys(this.details).length > 0) json.details = this.details;
    return json;
  }
}

/** Invalid node config, provider settings or request; `issues` name each field. */
export class HandoverConfigError extends HandoverError {
  static override readonly marker = markerFor('HandoverConfigError');
  readonly issues: ValidationIssue[];
  constructor(message: string, issues: ValidationIssue[] = [], options: HandoverErrorOptions = {}) {
    super('invalid_config', message, { ...options, details: { ...options.details, issues } });
    this.name = 'HandoverConfigError';
    this.issues = issues;
  }
  /** The first offending field, e.g. `timer`. */
  get field(): string | undefined {
    return this.issues[0]?.path;
  }
}

/** A request that is malformed at the protocol level (bad JSON, wrong shape) — HTTP 400. */
export class BadRequestError extends HandoverError {
  static override readonly marker = markerFor('BadRequestError');
  constructor(message: string, options: HandoverErrorOptions = {}) {
    super('bad_request', message, options);
    this.name = 'BadRequestError';
  }
}

export class UnknownProviderError extends HandoverError {
  static override readonly marker = markerFor('UnknownProviderError');
  readonly providerId: string;
  constructor(providerId: string) {
    super('unknown_provider', `Unknown handover provider "${providerId}"`, { details: { providerId } });
    this.name = 'UnknownProviderError';
    this.providerId = providerId;
  }
}

export class UnknownConnectorError extends HandoverError {
  static override readonly marker = markerFor('UnknownConnectorError');
  constructor(type: string, known: string[]) {
    super('unknown_connector', `Unknown connector type "${type}" (known: ${known.join(', ') || 'none'})`, {
      details: { type, known },
    });
    this.name = 'UnknownConnectorError';
  }
}

export class UnsupportedCapabilityError extends HandoverError {
  static override readonly marker = markerFor('UnsupportedCapabilityError');
  /** `target` names the connector type, the configured provider, or both. */
  constructor(capability: string, target: { connectorType?: string; providerId?: string }, message?: string) {
    const what = target.providerId
      ? `Provider "${target.providerId}"`
      : `Connector type "${target.connectorType ?? '?'}"`;
    super('unsupported_capability', message ?? `${what} does not support ${capability}`, {
      details: compact({ capability, connectorType: target.connectorType, providerId: target.providerId }),
    });
    this.name = 'UnsupportedCapabilityError';
  }
}

export interface VendorErrorInit {
  vendor: string;
  status?: number;
  vendorRequestId?: string;
  vendorCode?: string;
  operation?: string;
  cause?: unknown;
}

/** A contact center answered with an error. Retryable on 408, 409, 429 and 5xx. */
export class VendorApiError extends HandoverError {
  static override readonly marker = markerFor('VendorApiError');
  readonly vendor: string;
  readonly status: number | undefined;
  readonly vendorRequestId: string | undefined;
  constructor(message: string, init: VendorErrorInit, code: HandoverErrorCode = 'vendor_error') {
    const retryable =
      init.status === undefined ||
      init.status === 408 ||
      init.status === 409 ||
      init.status === 429 ||
      init.status >= 500;
    super(code, message, {
      cause: init.cause,
      isRetryable: retryable,
      details: compact({
        vendor: init.vendor,
        status: init.status,
        vendorRequestId: init.vendorRequestId,
        vendorCode: init.vendorCode,
        operation: init.operation,
      }),
    });
    this.name = 'VendorApiError';
    this.vendor = init.vendor;
    this.status = init.status;
    this.vendorRequestId = init.vendorRequestId;
  }
}

/** 401/403 from the vendor: wrong or expired credentials. Not retryable. */
export class VendorAuthError extends VendorApiError {
  static override readonly marker = markerFor('VendorAuthError');
  constructor(message: string, init: VendorErrorInit) {
    super(message, init, 'vendor_auth');
    this.name = 'VendorAuthError';
  }
}

/** 404 from the vendor: the conversation, queue or inbox does not exist there. */
export class VendorNotFoundError extends VendorApiError {
  static override readonly marker = markerFor('VendorNotFoundError');
  constructor(message: string, init: VendorErrorInit) {
    super(message, init, 'vendor_not_found');
    this.name = 'VendorNotFoundError';
  }
}

/** 429 from the vendor; `retryAfterMs` is taken from Retry-After when the vendor sends one. */
export class RateLimitError extends VendorApiError {
  static override readonly marker = markerFor('RateLimitError');
  readonly retryAfterMs: number | undefined;
  constructor(message: string, init: VendorErrorInit & { retryAfterMs?: number }) {
    super(message, { ...init, status: init.status ?? 429 }, 'rate_limited');
    this.name = 'RateLimitError';
    this.retryAfterMs = init.retryAfterMs;
    if (init.retryAfterMs !== undefined) this.details.retryAfterMs = init.retryAfterMs;
  }
}

export class BadSignatureError extends HandoverError {
  static override readonly marker = markerFor('BadSignatureError');
  constructor(message = 'Webhook signature is missing or invalid', details: Record<string, unknown> = {}) {
    super('bad_signature', message, { details });
    this.name = 'BadSignatureError';
  }
}

export class IllegalTransitionError extends HandoverError {
  static override readonly marker = markerFor('IllegalTransitionError');
  readonly from: string;
  readonly to: string;
  constructor(from: string, to: string, handoverId?: string) {
    super('illegal_transition', `Illegal handover status transition ${from} → ${to}`, {
      details: compact({ from, to, handoverId }),
    });
    this.name = 'IllegalTransitionError';
    this.from = from;
    this.to = to;
  }
}

export class HandoverTimeoutError extends HandoverError {
  static override readonly marker = markerFor('HandoverTimeoutError');
  constructor(message: string, details: Record<string, unknown> = {}, cause?: unknown) {
    super('timeout', message, { details, isRetryable: true, cause });
    this.name = 'HandoverTimeoutError';
  }
}

export class HandoverNotFoundError extends HandoverError {
  static override readonly marker = markerFor('HandoverNotFoundError');
  constructor(message: string, details: Record<string, unknown> = {}) {
    super('handover_not_found', message, { details });
    this.name = 'HandoverNotFoundError';
  }
}

export const UNAVAILABLE_REASONS = ['no-agents', 'outside-business-hours', 'holiday', 'queue-full', 'unknown'] as const;
export type UnavailableReason = (typeof UNAVAILABLE_REASONS)[number];

/** The contact center refused a handover because nobody can take it (closed, holiday, queue full). */
export class AgentsUnavailableError extends HandoverError {
  static override readonly marker = markerFor('AgentsUnavailableError');
  readonly reason: UnavailableReason;
  constructor(reason: UnavailableReason, message?: string) {
    super('agents_unavailable', message ?? `No agent can take the handover (${reason})`, { details: { reason } });
    this.name = 'AgentsUnavailableError';
    this.reason = reason;
  }
}

export class UnauthorizedError extends HandoverError {
  static override readonly marker = markerFor('UnauthorizedError');
  constructor(message = 'Missing or invalid API key') {
    super('unauthorized', message);
    this.name = 'UnauthorizedError';
  }
}

export class ForbiddenError extends HandoverError {
  static override readonly marker = markerFor('ForbiddenError');
  constructor(message = 'This API key may not use this route') {
    super('forbidden', message);
    this.name = 'ForbiddenError';
  }
}

const constructors: Record<HandoverErrorCode, (json: HandoverErrorJSON) => HandoverError> = {
  invalid_config: (j) => new HandoverConfigError(j.message, (j.details?.issues as ValidationIssue[]) ?? []),
  bad_request: (j) => new BadRequestError(j.message, { details: j.details }),
  unknown_provider: (j) => new UnknownProviderError(String(j.details?.providerId ?? '')),
  unknown_connector: (j) =>
    new UnknownConnectorError(String(j.details?.type ?? ''), (j.details?.known as string[]) ?? []),
  unsupported_capability: (j) =>
    new UnsupportedCapabilityError(String(j.details?.capability ?? ''), targetOf(j.details), j.message),
  vendor_error: (j) => new VendorApiError(j.message, vendorInit(j)),
  vendor_auth: (j) => new VendorAuthError(j.message, vendorInit(j)),
  vendor_not_found: (j) => new VendorNotFoundError(j.message, vendorInit(j)),
  rate_limited: (j) =>
    new RateLimitError(j.message, { ...vendorInit(j), retryAfterMs: j.details?.retryAfterMs as number | undefined }),
  bad_signature: (j) => new BadSignatureError(j.message, j.details),
  illegal_transition: (j) =>
    new IllegalTransitionError(String(j.details?.from), String(j.details?.to), j.details?.handoverId as string),
  timeout: (j) => new HandoverTimeoutError(j.message, j.details),
  handover_not_found: (j) => new HandoverNotFoundError(j.message, j.details),
  agents_unavailable: (j) =>
    new AgentsUnavailableError((j.details?.reason as UnavailableReason) ?? 'unknown', j.message),
  unauthorized: (j) => new UnauthorizedError(j.message),
  forbidden: (j) => new ForbiddenError(j.message),
  internal: (j) => new HandoverError('internal', j.message, { details: j.details, isRetryable: j.isRetryable }),
};

/** Rebuilds a typed error from its JSON form (used by the gateway client). */
export function handoverErrorFromJSON(json: HandoverErrorJSON): HandoverError {
  const make = Object.hasOwn(constructors, json.code) ? constructors[json.code] : constructors.internal;
  return make(json);
}

/** Wraps anything thrown into a HandoverError without losing the cause. */
export function toHandoverError(error: unknown, fallbackMessage = 'Unexpected error'): HandoverError {
  if (HandoverError.isInstance(error)) return error;
  const message = error instanceof Error ? error.message : fallbackMessage;
  return new HandoverError('internal', message, { cause: error });
}

function vendorInit(j: HandoverErrorJSON): VendorErrorInit {
  const d = j.details ?? {};
  return {
    vendor: String(d.vendor ?? 'unknown'),
    status: d.status as number | undefined,
    vendorRequestId: d.vendorRequestId as string | undefined,
    vendorCode: d.vendorCode as string | undefined,
    operation: d.operation as string | undefined,
  };
}

function compact(obj: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(obj)) if (v !== undefined) out[k] = v;
  return out;
}

function targetOf(details: Record<string, unknown> | undefined): { connectorType?: string; providerId?: string } {
  return compact({
    connectorType: typeof details?.connectorType === 'string' ? details.connectorType : undefined,
    providerId: typeof details?.providerId === 'string' ? details.providerId : undefined,
  });
}
