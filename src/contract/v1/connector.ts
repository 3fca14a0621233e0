import type { EventEmitter } from 'eventemitter3';
import type { z } from 'zod';
import type { ConnectorCapabilities } from './capabilities';
import type { ConnectorEventMap, HandoverEvent } from './events';
import type {
  AvailabilityResult,
  CheckAvailabilityRequest,
  CloseHandoverRequest,
  CloseHandoverResult,
  ConnectorCallOptions,
  GetStatusRequest,
  SendMessageRequest,
  SendMessageResult,
  StartHandoverRequest,
  StartHandoverResult,
  StatusResult,
} from './operations';

export const SPECIFICATION_VERSION = 'v1' as const;

/** A webhook exactly as it reached the gateway: verification needs the raw bytes. */
export interface WebhookRequest {
  method: string;
  /** Path and query as received, e.g. `/webhooks/prov_1?token=…` (some vendors sign the URL). */
  url: string;
  /** Lower-cased header names. */
  headers: Readonly<Record<string, string | string[] | undefined>>;
  rawBody: Uint8Array;
  /** Epoch ms when it arrived (for replay windows). */
  receivedAt: number;
}

/** What a connector answers to a request that is not an event delivery (see `handle`). */
export interface WebhookReply {
  status: number;
  headers?: Record<string, string>;
  /** Sent as is; a string is sent as UTF-8. */
  body?: string | Uint8Array;
}

/**
 * For push-based vendors. `verify` throws `BadSignatureError` (constant-time compare, replay window
 * where the vendor signs a timestamp). `parse` turns a verified body into events; events the
 * handover does not care about (the bot's own echoes, private notes) are dropped here. A malformed
 * body is a `BadRequestError`.
 */
export interface ConnectorWebhookV1 {
  verify(request: WebhookRequest): void | Promise<void>;
  parse(request: WebhookRequest): HandoverEvent[] | Promise<HandoverEvent[]>;
  /**
   * Optional: answers requests that are not event deliveries — a subscription handshake
   * (`hub.challenge`), a token or reply endpoint the vendor calls — at `/webhooks/<providerId>` or
   * `/webhooks/<providerId>/<subpath>`, any method. Returning `undefined` falls through to `verify` +
   * `parse` (POST to the bare path only). The connector does its own authentication here. Events it
   * returns in `events` are queued like parsed ones, before the reply is sent.
   */
  handle?(request: WebhookRequest): Promise<(WebhookReply & { events?: HandoverEvent[] }) | undefined>;
}

/**
 * One contact center. Methods are prefixed `do`: only the handover service calls them (it adds
 * idempotency, ordering, the status machine and delivery). Failures are typed `HandoverError`s:
 * `VendorApiError` (+ auth / not found), `RateLimitError`, `HandoverTimeoutError`,
 * `AgentsUnavailableError`.
 */
export interface HandoverConnectorV1 {
  readonly specificationVersion: 'v1';
  /** The connector type, e.g. `simulated`, `genesys` (a *provider* is a configured instance of it). */
  readonly type: string;
  readonly capabilities: ConnectorCapabilities;

  doCheckAvailability(request: CheckAvailabilityRequest, options?: ConnectorCallOptions): Promise<AvailabilityResult>;
  doStartHandover(request: StartHandoverRequest, options?: ConnectorCallOptions): Promise<StartHandoverResult>;
  doSendMessage(request: SendMessageRequest, options?: ConnectorCallOptions): Promise<SendMessageResult>;
  doGetStatus(request: GetStatusRequest, options?: ConnectorCallOptions): Promise<StatusResult>;
  doCloseHandover(request: CloseHandoverRequest, options?: ConnectorCallOptions): Promise<CloseHandoverResult>;

  /** Present when `capabilities.webhooks`. */
  readonly webhook?: ConnectorWebhookV1;
  /** Present when `capabilities.pushEvents`: events emitted in-process. */
  readonly events?: EventEmitter<ConnectorEventMap>;

  /**
   * Test connection (the console's and `providers test`'s): authenticate, then touch every resource
   * the settings name (queue, inbox, integration…), one check each, so a wrong one is named. Build it
   * with `runConnectionChecks` from `handover-kit/connector-utils`. Never starts a conversation.
   */
  doTestConnection?(options?: ConnectorCallOptions): Promise<ConnectionTestResult>;

  /** Releases sockets, timers and subscriptions. */
  dispose?(): Promise<void>;
}

/** One step of a connection test: `auth`, or the resource a setting names (`settings.queueId`). */
export interface ConnectionCheck {
  /** What was checked, e.g. `auth`, `queue`, `inbox`, `integration`. */
  name: string;
  /** The setting it comes from, e.g. `settings.queueId`. */
  field?: string;
  status: 'ok' | 'failed' | 'skipped';
  /** What was found (`queue "Support"`), why it failed, or why it was skipped. */
  message?: string;
  error?: { code: string; message: string };
}

export interface ConnectionTestResult {
  ok: boolean;
  checks: ConnectionCheck[];
}

export interface Clock {
  now(): number;
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

/**
 * State a connector shares across restarts and gateway instances: mappings a webhook needs (user →
 * conversation), cursors, and leases so that exactly one instance runs a poller or holds a stream.
 * Keys are private to the provider. In-process by default; Redis when the gateway runs on Redis.
 * Values are strings (JSON is the connector's business); never store a secret here.
 */
export interface ConnectorStateV1 {
  get(key: string): Promise<string | undefined>;
  set(key: string, value: string, options?: { ttlMs?: number }): Promise<void>;
  delete(key: string): Promise<void>;
  /**
   * Takes the lease `name` for `ttlMs`, or renews it when this instance already holds it. True when
   * this instance holds it afterwards. Renew well before `ttlMs` passes; a crashed holder's lease
   * expires and another instance takes over.
   */
  acquireLease(name: string, ttlMs: number): Promise<boolean>;
  releaseLease(name: string): Promise<void>;
}

/** What the registry hands a connector factory: injected I/O, so tests swap it without patching. */
export interface ConnectorRuntime {
  clock: Clock;
  logger: Logger;
  /** Shared, durable key/value state and leases (see `ConnectorStateV1`). */
  state: ConnectorStateV1;
  /** The provider id these settings belong to. */
  providerId: string;
  /** Public URL of this provider's webhook ingress, when a gateway serves one. */
  webhookUrl?: string;
}

/**
 * A connector type in the catalogue: its settings schema (the single source for validation,
 * masking and forms), static capabilities and a factory. Settings fields that are secrets carry
 * zod metadata `{ secret: true }` (see `secret()`).
 */
export interface ConnectorDefinitionV1<Schema extends z.ZodType = z.ZodType> {
  readonly specificationVersion: 'v1';
  readonly type: string;
  readonly label: string;
  readonly description?: string;
  readonly settingsSchema: Schema;
  readonly capabilities: ConnectorCapabilities;
  create(settings: z.output<Schema>, runtime: ConnectorRuntime): HandoverConnectorV1;
}
