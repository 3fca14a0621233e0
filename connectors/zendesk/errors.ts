import { VendorApiError } from 'handover-kit/contract';

/** The vendor name in errors and logs. */
export const VENDOR = 'zendesk';

/** Zendesk answers carry their request id here (the Support API also sends x-request-id). */
export const REQUEST_ID_HEADER = 'x-zendesk-request-id';

const str = (v: unknown): string | undefined => (typeof v === 'string' && v.length > 0 ? v : undefined);

/**
 * Pulls the message and code out of a Zendesk error body, never the raw body:
 * - Sunshine Conversations: `{ errors: [{ code, title }] }` (several only on 400);
 * - Support API: `{ error: "RecordNotFound", description }` or `{ error: { title, message } }`.
 */
export function zendeskErrorDetails(body: unknown): { message?: string; code?: string } {
  if (typeof body === 'string') return { message: body.slice(0, 200) };
  if (!body || typeof body !== 'object') return {};
  const b = body as Record<string, unknown>;
  if (Array.isArray(b.errors)) {
    const errors = b.errors.filter((e): e is Record<string, unknown> => !!e && typeof e === 'object');
    const titles = errors.map((e) => str(e.title) ?? str(e.code)).filter(Boolean);
    return { message: titles.length ? titles.join('; ') : undefined, code: str(errors[0]?.code) };
  }
  if (b.error && typeof b.error === 'object') {
    const e = b.error as Record<string, unknown>;
    return { message: str(e.message) ?? str(e.title), code: str(e.title) };
  }
  return { message: str(b.description) ?? str(b.error), code: str(b.error) };
}

/** True for a typed vendor error with this HTTP status. */
export function hasStatus(error: unknown, status: number): boolean {
  return VendorApiError.isInstance(error) && error.status === status;
}
