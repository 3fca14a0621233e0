import { createSecretKey, type KeyObject } from 'node:crypto';
import type { z } from 'zod';
import { VendorApiError, VendorAuthError, VendorNotFoundError, type Clock } from 'handover-kit/contract';
import { HttpClient, type HttpRequest, parseVendorBody } from 'handover-kit/connector-utils';
import type { RingcentralSettings } from './schema';
import { SDK_SIGNATURE_HEADER, signSdk } from './sdk';
import {
  agentStatusListSchema,
  errorBodySchema,
  interventionListSchema,
  type interventionSchema,
  threadListSchema,
} from './vendor-types';

export const VENDOR = 'ringcentral';

export function engageErrorDetails(body: unknown): { message?: string; code?: string } {
  if (typeof body === 'string') return { message: body.slice(0, 200) };
  const parsed = errorBodySchema.safeParse(body);
  if (!parsed.success) return {};
  const { error, message } = parsed.data;
  const code = typeof error === 'string' ? error : undefined;
  return { message: message ?? code, code };
}

interface CallOptions {
  signal?: AbortSignal;
}

/** One Send API action: `{action, params}`, e.g. `messages.create`. */
export interface SdkAction {
  action: string;
  params: Record<string, unknown>;
}

/** `a[]=x&a[]=y`: Rails-style arrays, which HttpClient's flat query cannot express. */
function arrayQuery(name: string, values: readonly string[]): string {
  return values.map((v) => `${encodeURIComponent(name)}=${encodeURIComponent(v)}`).join('&');
}

const enc = encodeURIComponent;
const ignore = () => {};

/**
 * Engage's two hosts: the REST API (`<account>.api.<platform>/1.0`, bearer token) and the Channel SDK
 * Send API on the real-time host (`<account>.<platform>/realtime/sdk/<source>`, HMAC-signed body).
 */
export class EngageApi {
  readonly rest: HttpClient;
  readonly realtime: HttpClient;
  private readonly realtimePath: string;
  private readonly signingKey: KeyObject;

  constructor(settings: RingcentralSettings, clock: Clock) {
    const common = { vendor: VENDOR, timeoutMs: settings.requestTimeoutMs, errorDetails: engageErrorDetails, clock };
    this.rest = new HttpClient({
      ...common,
      baseUrl: settings.baseApiUrl,
      headers: () => ({ authorization: `Bearer ${settings.apiAccessToken}` }),
      retry: { maxAttempts: 3, baseDelayMs: 250, maxDelayMs: 10_000 },
    });
    // Origin only: the Send API path is used as configured, with no trailing slash added.
    const realtime = new URL(settings.realtimeEndpointUrl);
    this.realtimePath = realtime.pathname.replace(/^\/+|\/+$/g, '');
    this.realtime = new HttpClient({ ...common, baseUrl: realtime.origin });
    this.signingKey = createSecretKey(Buffer.from(settings.realtimeAccessToken, 'utf8'));
  }

  /** Requests sent on both hosts (retries included). */
  get requestCount(): number {
    return this.rest.requestCount + this.realtime.requestCount;
  }

  /**
   * POST one action to the Send API. Never repeated: Engage answers `ok` only once it has the
   * content, and a repeat would be a second content unless its id matched. A 422 names what is wrong.
   */
  send(body: SdkAction, operation: string, options: CallOptions = {}): Promise<void> {
    // Serialised once: the signed bytes are the bytes sent.
    const text = JSON.stringify(body);
    const headers: Record<string, string> = {};
    headers[SDK_SIGNATURE_HEADER] = signSdk(this.signingKey, text);
    // A `then` rather than an async try/catch: this is every relayed message's path.
    return this.realtime
      .send({
        method: 'POST',
        path: this.realtimePath,
        jsonText: text,
        headers,
        operation,
        idempotent: false,
        signal: options.signal,
      })
      .then(ignore, (error: unknown) => {
        throw sendApiError(error, operation);
      });
  }

  /** The Engage thread our source thread (foreign id) became, or undefined while it is not imported yet. */
  async findThread(foreignId: string, sourceId: string, options: CallOptions = {}) {
    const q = `foreign:"${foreignId}" source:"${sourceId}"`;
    const res = await this.call({
      method: 'GET',
      path: 'content_threads',
      query: { q, limit: 1 },
      operation: 'find thread',
      signal: options.signal,
    });
    return parse(threadListSchema, res, 'find thread').records.find(
      (t) => t.foreign_id == null || t.foreign_id === foreignId,
    );
  }

  /** Replaces the thread's categories (idempotent: the same set twice is the same state). */
  async categorize(
    threadId: string,
    categoryIds: readonly string[],
    operation: string,
    options: CallOptions = {},
  ): Promise<void> {
    const query = arrayQuery('thread_category_ids[]', categoryIds);
    const path = `content_threads/${enc(threadId)}/update_categories?${query}`;
    await this.call({ method: 'PUT', path, operation, signal: options.signal });
  }

  /** Interventions on the thread, newest first. */
  async interventions(threadId: string, options: CallOptions & { retry?: boolean } = {}) {
    const res = await this.call({
      method: 'GET',
      path: 'interventions',
      query: { thread_id: threadId, sort: 'created_at', limit: 10 },
      operation: 'get status',
      ...(options.retry === false ? { retry: false } : {}),
      signal: options.signal,
    });
    return parse(interventionListSchema, res, 'get status').records;
  }

  /** Closes (agent replied) or cancels (no reply yet) an intervention, as Engage allows either only. */
  async endIntervention(intervention: z.infer<typeof interventionSchema>, options: CallOptions = {}): Promise<void> {
    const replied = (intervention.user_replies_count ?? 0) > 0;
    await this.call({
      method: replied ? 'PUT' : 'DELETE',
      path: `interventions/${enc(intervention.id)}/${replied ? 'close' : 'cancel'}`,
      operation: 'close handover',
      signal: options.signal,
    });
  }

  /** Connected agents with their per-channel status, filtered on the source and categories. */
  async agentStatus(sourceId: string, categoryIds: readonly string[], options: CallOptions = {}) {
    const filters = [arrayQuery('source_ids[]', [sourceId]), arrayQuery('category_ids[]', categoryIds)].filter(Boolean);
    const path = `status?${filters.join('&')}`;
    const res = await this.call({ method: 'GET', path, operation: 'check availability', signal: options.signal });
    return parse(agentStatusListSchema, res, 'check availability');
  }

  async close(): Promise<void> {
    await this.rest.close();
    await this.realtime.close();
  }

  private async call(req: HttpRequest): Promise<unknown> {
    return (await this.rest.send<unknown>(req)).body;
  }
}

/** The Send API reports a bad signature or an unknown source as 422: those are configuration faults. */
function sendApiError(error: unknown, operation: string): unknown {
  if (!VendorApiError.isInstance(error) || error.status !== 422) return error;
  const init = { vendor: VENDOR, status: 422, operation, cause: error };
  if (/signature/i.test(error.message))
    return new VendorAuthError(
      `${VENDOR} ${operation}: the Send API refused the signature (check the Realtime Access Token)`,
      init,
    );
  if (/source not found/i.test(error.message))
    return new VendorNotFoundError(
      `${VENDOR} ${operation}: the Send API knows no such source (check the Realtime Endpoint URL)`,
      init,
    );
  return error;
}

function parse<S extends z.ZodType>(schema: S, body: unknown, operation: string): z.output<S> {
  return parseVendorBody(VENDOR, operation, schema, body);
}
