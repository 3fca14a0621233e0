import { createPublicKey, verify as verifySignature, type JsonWebKey, type KeyObject } from 'node:crypto';
import { BadSignatureError, HandoverError, type Clock, type Logger, type WebhookRequest } from 'handover-kit/contract';
import { BoundedMap, SingleFlight, assertFresh, crc32, requiredHeader } from 'handover-kit/connector-utils';

/**
 * 8x8 signs each webhook with a detached JWS (RFC 7515 compact form with an empty payload part,
 * RFC 7797 unencoded payload, RS256). The signed payload is not the body but a small JSON built from
 * the CRC-32 of the body and the x-8x8-* headers, keys in this order:
 *   {"checksum":<crc32>,"cid":"<customer>","eid":"<event>","retry":<n>,"tid":"<tenant>","tt":<ms>}
 * The key named by `kid` comes from GET /chat-gateway/v1/jwk/{kid}/public.
 */
export const SIGNATURE_HEADERS = {
  signature: 'x-8x8-signature',
  customerId: 'x-8x8-customer-id',
  tenantId: 'x-8x8-tenant-id',
  eventId: 'x-8x8-event-id',
  retry: 'x-8x8-retry',
  transmissionTime: 'x-8x8-transmission-time',
} as const;

export interface SignedHeaders {
  customerId: string;
  tenantId: string;
  eventId: string;
  retry: number;
  transmissionTime: number;
}

/** The detached payload 8x8 signs for this body and these header values. */
export function signedPayload(body: Uint8Array | string, h: SignedHeaders): string {
  const s = JSON.stringify;
  const ids = `"cid":${s(h.customerId)},"eid":${s(h.eventId)},"retry":${h.retry},"tid":${s(h.tenantId)}`;
  return `{"checksum":${crc32(body)},${ids},"tt":${h.transmissionTime}}`;
}

const B64URL = /^[A-Za-z0-9_-]+$/;
const KID = /^[A-Za-z0-9._-]{1,128}$/;

function integer(req: WebhookRequest, name: string): number {
  const value = requiredHeader(req, name);
  if (!/^\d{1,15}$/.test(value)) throw new BadSignatureError(`Malformed ${name} header`);
  return Number(value);
}

/** Reads and checks the signed headers; throws `BadSignatureError` on anything missing or malformed. */
export function readSignedHeaders(req: WebhookRequest): SignedHeaders {
  return {
    customerId: requiredHeader(req, SIGNATURE_HEADERS.customerId),
    tenantId: requiredHeader(req, SIGNATURE_HEADERS.tenantId),
    eventId: requiredHeader(req, SIGNATURE_HEADERS.eventId),
    retry: integer(req, SIGNATURE_HEADERS.retry),
    transmissionTime: integer(req, SIGNATURE_HEADERS.transmissionTime),
  };
}

interface ParsedJws {
  protectedB64: string;
  kid: string;
  signature: Buffer;
}

export function parseDetachedJws(value: string): ParsedJws {
  const parts = value.split('.');
  if (parts.length !== 3 || parts[1] !== '' || !B64URL.test(parts[0]!) || !B64URL.test(parts[2]!)) {
    throw new BadSignatureError('x-8x8-signature is not a detached compact JWS');
  }
  let jose: { alg?: unknown; kid?: unknown; b64?: unknown; crit?: unknown };
  try {
    jose = JSON.parse(Buffer.from(parts[0]!, 'base64url').toString('utf8')) as typeof jose;
  } catch {
    throw new BadSignatureError('x-8x8-signature has an unreadable protected header');
  }
  if (!jose || typeof jose !== 'object')
    throw new BadSignatureError('x-8x8-signature has an unreadable protected header');
  if (jose.alg !== 'RS256') throw new BadSignatureError('x-8x8-signature must use RS256');
  // b64:false (listed in crit) is what makes the payload the raw JSON rather than its base64url.
  if (jose.b64 !== false || !Array.isArray(jose.crit) || !jose.crit.includes('b64')) {
    throw new BadSignatureError('x-8x8-signature must carry an unencoded payload (b64:false, crit:["b64"])');
  }
  if (typeof jose.kid !== 'string' || !KID.test(jose.kid))
    throw new BadSignatureError('x-8x8-signature names no usable key id');
  return { protectedB64: parts[0]!, kid: jose.kid, signature: Buffer.from(parts[2]!, 'base64url') };
}

export interface JwkStoreOptions {
  fetch(kid: string): Promise<unknown>;
  clock: Clock;
  logger: Logger;
  /** Key fetches allowed per minute, so forged key ids cannot make us hammer 8x8 (default 10). */
  fetchesPerMinute?: number;
}

/**
 * Public keys by `kid`: fetched on first sight, cached for a day, one fetch per kid in flight. A kid
 * 8x8 does not know is remembered for a minute, and fetches are capped per minute: a flood of made-up
 * key ids costs a bounded number of requests.
 */
export class JwkStore {
  fetches = 0;
  private readonly keys: BoundedMap<string, KeyObject>;
  private readonly unknown: BoundedMap<string, true>;
  private readonly flight = new SingleFlight<KeyObject>();
  private window = { start: 0, count: 0 };

  constructor(private readonly options: JwkStoreOptions) {
    const now = () => options.clock.now();
    this.keys = new BoundedMap(32, { ttlMs: 24 * 3_600_000, now });
    this.unknown = new BoundedMap(256, { ttlMs: 60_000, now });
  }

  async get(kid: string): Promise<KeyObject> {
    const known = this.keys.get(kid);
    if (known) return known;
    if (this.unknown.has(kid)) throw new BadSignatureError('Webhook signed with an unknown key', { kid });
    return this.flight.run(kid, () => this.load(kid)).promise;
  }

  private async load(kid: string): Promise<KeyObject> {
    const now = this.options.clock.now();
    if (now - this.window.start >= 60_000) this.window = { start: now, count: 0 };
    if (this.window.count >= (this.options.fetchesPerMinute ?? 10)) {
      throw new BadSignatureError('Webhook key fetches are rate limited; key not checked', { kid });
    }
    this.window.count++;
    this.fetches++;
    let jwk: unknown;
    try {
      jwk = await this.options.fetch(kid);
    } catch (error) {
      // A 404 means 8x8 has no such key; anything else may be transient and is not remembered.
      if (HandoverError.isInstance(error) && (error as { status?: number }).status === 404) this.unknown.set(kid, true);
      this.options.logger.warn('8x8 webhook key fetch failed', {
        kid,
        error: HandoverError.isInstance(error) ? error.code : 'error',
      });
      throw new BadSignatureError('Webhook signing key could not be fetched', { kid });
    }
    let key: KeyObject;
    try {
      if (!jwk || typeof jwk !== 'object' || (jwk as { kty?: unknown }).kty !== 'RSA')
        throw new Error('not an RSA JWK');
      key = createPublicKey({ key: jwk as JsonWebKey, format: 'jwk' });
    } catch {
      this.unknown.set(kid, true);
      throw new BadSignatureError('8x8 answered an unusable webhook key', { kid });
    }
    this.keys.set(kid, key);
    return key;
  }
}

export interface VerifyOptions {
  keys: JwkStore;
  now: number;
  maxAgeMs: number;
  customerId?: string;
}

/** Verifies one webhook as 8x8 signs it; throws `BadSignatureError` otherwise. Returns the signed headers. */
export async function verifyEightByEightWebhook(req: WebhookRequest, options: VerifyOptions): Promise<SignedHeaders> {
  const jws = parseDetachedJws(requiredHeader(req, SIGNATURE_HEADERS.signature));
  const signed = readSignedHeaders(req);
  assertFresh(signed.transmissionTime, options.now, options.maxAgeMs);
  const key = await options.keys.get(jws.kid);
  const input = Buffer.from(`${jws.protectedB64}.${signedPayload(req.rawBody, signed)}`, 'utf8');
  let ok = false;
  try {
    ok = verifySignature('RSA-SHA256', input, key, jws.signature);
  } catch {
    ok = false;
  }
  if (!ok) throw new BadSignatureError();
  // Checked after the signature, so the values compared are the ones 8x8 vouched for.
  if (options.customerId && signed.customerId !== options.customerId) {
    throw new BadSignatureError('Webhook is for another 8x8 customer', { customerId: signed.customerId });
  }
  return signed;
}
