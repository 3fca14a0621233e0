import { generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';
import { request } from 'undici';
import { crc32 } from 'handover-kit/connector-utils';

/**
 * How the fake 8x8 signs a webhook, written from 8x8's description (not from the connector): a
 * detached JWS, RS256, with an unencoded payload built from the body's CRC-32 and the x-8x8-* headers.
 */
export interface SigningKey {
  kid: string;
  privateKey: KeyObject;
  publicJwk: Record<string, unknown>;
}

export function generateSigningKey(kid = randomBytes(16).toString('base64url')): SigningKey {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { kid, privateKey, publicJwk: { ...publicKey.export({ format: 'jwk' }), kid } };
}

export interface WebhookIdentity {
  customerId: string;
  tenantId: string;
}

/** The x-8x8-* headers of one delivery attempt of `body`, signed with `key`. */
export function signedHeaders(
  body: string,
  key: SigningKey,
  who: WebhookIdentity,
  attempt: { eventId: string; retry: number; transmissionTime: number },
): Record<string, string> {
  const payload = JSON.stringify({
    checksum: crc32(Buffer.from(body, 'utf8')),
    cid: who.customerId,
    eid: attempt.eventId,
    retry: attempt.retry,
    tid: who.tenantId,
    tt: attempt.transmissionTime,
  });
  const protectedHeader = Buffer.from(
    JSON.stringify({ b64: false, crit: ['b64'], kid: key.kid, alg: 'RS256' }),
  ).toString('base64url');
  const signature = sign('RSA-SHA256', Buffer.from(`${protectedHeader}.${payload}`), key.privateKey).toString(
    'base64url',
  );
  return {
    'content-type': 'application/json',
    'x-8x8-customer-id': who.customerId,
    'x-8x8-tenant-id': who.tenantId,
    'x-8x8-event-id': attempt.eventId,
    'x-8x8-retry': String(attempt.retry),
    'x-8x8-transmission-time': String(attempt.transmissionTime),
    'x-8x8-signature': `${protectedHeader}..${signature}`,
  };
}

export interface DeliveryOptions {
  key?: SigningKey;
  /** Changes the headers and/or the body after signing (tests of forged deliveries). */
  tamper?: (headers: Record<string, string>, body: string) => string;
}

/**
 * 8x8's delivery: a signed POST, redelivered after a short delay on a non-2xx answer (here up to 3
 * times) with a new transmission time and retry count, the same event id. Returns every attempt.
 */
export async function deliverSigned(
  url: string,
  body: string,
  key: SigningKey,
  who: WebhookIdentity,
  options: DeliveryOptions & { retryDelayMs: number },
): Promise<Array<{ body: string; status: number | 'error'; retry: number }>> {
  const eventId = randomBytes(16).toString('base64url');
  const attempts: Array<{ body: string; status: number | 'error'; retry: number }> = [];
  for (let retry = 0; retry <= 3; retry++) {
    if (retry > 0) await new Promise((r) => setTimeout(r, options.retryDelayMs));
    const headers = signedHeaders(body, key, who, { eventId, retry, transmissionTime: Date.now() });
    const sent = options.tamper ? options.tamper(headers, body) : body;
    let status: number | 'error' = 'error';
    try {
      const res = await request(url, { method: 'POST', headers, body: sent, signal: AbortSignal.timeout(5000) });
      await res.body.dump();
      status = res.statusCode;
    } catch {
      status = 'error';
    }
    attempts.push({ body: sent, status, retry });
    if (status !== 'error' && status < 300) break;
  }
  return attempts;
}
