import { createHmac, type KeyObject } from 'node:crypto';
import { BadSignatureError, type WebhookRequest } from 'handover-kit/contract';
import { headerValue, safeEqual, configuredSecret, requiredHeader, matchesSecret } from 'handover-kit/connector-utils';

/**
 * The Channel SDK's signature, used in both directions: Engage signs what it sends to our source
 * endpoint and expects our responses signed; we sign what we send to the Send API. Lowercase hex
 * HMAC-SHA512 of the exact body bytes, keyed with the source's access token.
 */
export const SDK_SIGNATURE_HEADER = 'x-smccsdk-signature';

/** `secret` may be a KeyObject made once from the token (cheaper per signature than the string). */
export function signSdk(secret: string | KeyObject, body: string | Uint8Array): string {
  return createHmac('sha512', secret).update(body).digest('hex');
}

/** True when the request carries an SDK signature (header, or the `signature` query fallback). */
export function sdkSignatureOf(request: WebhookRequest): string | undefined {
  const header = headerValue(request, SDK_SIGNATURE_HEADER)?.trim();
  if (header) return header;
  const query = new URL(request.url, 'http://gateway').searchParams.get('signature');
  return query?.trim() || undefined;
}

/** Throws `BadSignatureError` unless the body is signed with `secret` (constant-time compare). */
export function verifySdk(request: WebhookRequest, secret: string | undefined): void {
  const key = configuredSecret(secret, 'realtime access token');
  const given = sdkSignatureOf(request);
  if (!given) throw new BadSignatureError('Missing X-SMCCSDK-SIGNATURE');
  if (!/^[0-9a-f]{128}$/i.test(given)) throw new BadSignatureError('Malformed X-SMCCSDK-SIGNATURE');
  if (!safeEqual(signSdk(key, request.rawBody), given.toLowerCase())) throw new BadSignatureError();
}

/** The webhooks' shared secret (not an HMAC: it authenticates the sender, not the body). */
export const DIMELO_SECRET_HEADER = 'x-dimelo-secret';

export function verifyDimeloSecret(request: WebhookRequest, secret: string | undefined): void {
  const expected = configuredSecret(secret);
  const given = requiredHeader(request, DIMELO_SECRET_HEADER, 'X-Dimelo-Secret');
  if (!matchesSecret(given, expected)) throw new BadSignatureError();
}
