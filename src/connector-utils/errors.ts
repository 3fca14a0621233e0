import type { z } from 'zod';
import { RateLimitError, VendorApiError, VendorAuthError, VendorNotFoundError, type HandoverError } from '../contract';

export interface VendorFailure {
  vendor: string;
  status: number;
  operation?: string;
  /** Response headers, lower-cased (Retry-After, request id). */
  headers?: Record<string, string | string[] | undefined>;
  /** The vendor's own error message, already extracted from its error body (never the raw body). */
  vendorMessage?: string;
  vendorCode?: string;
  /** Header(s) that carry the vendor's request id, e.g. `inin-correlation-id`; the first present wins. */
  requestIdHeader?: string | string[];
}

/** Parses Retry-After (seconds or an HTTP date) into milliseconds. */
export function parseRetryAfter(value: string | string[] | undefined, now = Date.now()): number | undefined {
  const v = Array.isArray(value) ? value[0] : value;
  if (!v) return undefined;
  const seconds = Number(v);
  if (Number.isFinite(seconds)) return Math.max(0, Math.round(seconds * 1000));
  const date = Date.parse(v);
  return Number.isFinite(date) ? Math.max(0, date - now) : undefined;
}

function header(headers: VendorFailure['headers'], name: string): string | undefined {
  const v = headers?.[name];
  return Array.isArray(v) ? v[0] : v;
}

/** Maps a vendor's HTTP failure onto the typed errors, keeping status and request id. */
export function vendorError(failure: VendorFailure): HandoverError {
  const names = [...[failure.requestIdHeader ?? []].flat(), 'x-request-id', 'x-correlation-id'];
  const requestId = names.map((n) => header(failure.headers, n.toLowerCase())).find((v) => v !== undefined);
  const init = {
    vendor: failure.vendor,
    status: failure.status,
    vendorRequestId: requestId,
    vendorCode: failure.vendorCode,
    operation: failure.operation,
  };
  const what = `${failure.vendor}${failure.operation ? ` ${failure.operation}` : ''}`;
  const detail = failure.vendorMessage ? `: ${failure.vendorMessage.slice(0, 300)}` : '';
  if (failure.status === 429) {
    return new RateLimitError(`${what} was rate limited (429)${detail}`, {
      ...init,
      retryAfterMs: parseRetryAfter(failure.headers?.['retry-after']),
    });
  }
  if (failure.status === 401 || failure.status === 403)
    return new VendorAuthError(`${what} was refused (${failure.status})${detail}`, init);
  if (failure.status === 404) return new VendorNotFoundError(`${what} found nothing (404)${detail}`, init);
  return new VendorApiError(`${what} failed (${failure.status})${detail}`, init);
}

/**
 * A success answer the connector cannot use (another shape, no id): a `VendorApiError` carrying the
 * status, so a changed vendor API fails loudly instead of being read as empty.
 */
export function unexpectedAnswer(vendor: string, operation: string, message: string, status = 200): VendorApiError {
  return new VendorApiError(`${vendor} ${message}`, { vendor, status, operation });
}

/** Reads a vendor's success body with `schema` (an empty body as `{}`); another shape throws. */
export function parseVendorBody<S extends z.ZodType>(
  vendor: string,
  operation: string,
  schema: S,
  body: unknown,
  status = 200,
): z.output<S> {
  const parsed = schema.safeParse(body ?? {});
  if (!parsed.success) throw unexpectedAnswer(vendor, operation, `${operation} returned an unexpected body`, status);
  return parsed.data;
}

/** The items of a vendor's list that match `schema`; the others are skipped (lists may mix kinds). */
export function validItems<S extends z.ZodType>(schema: S, list: readonly unknown[] | null | undefined): z.output<S>[] {
  const out: z.output<S>[] = [];
  for (const item of list ?? []) {
    const parsed = schema.safeParse(item);
    if (parsed.success) out.push(parsed.data);
  }
  return out;
}
