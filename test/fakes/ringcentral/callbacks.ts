import { createHmac, timingSafeEqual } from 'node:crypto';
import { request } from 'undici';

/** How the fake Engage calls the integration back: signed SDK actions and Webhook API deliveries. */

export function sdkSign(secret: string, body: string): string {
  return createHmac('sha512', secret).update(body).digest('hex');
}

export interface SdkCallResult {
  status: number | 'error';
  body: string;
  /** The response carried a valid X-SMCCSDK-SIGNATURE (Engage discards unsigned answers). */
  signatureValid: boolean;
  json?: unknown;
}

/** One signed SDK request to the source's Base URI. */
export async function postSdk(url: string, secret: string, raw: string): Promise<SdkCallResult> {
  try {
    const res = await request(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-smccsdk-signature': sdkSign(secret, raw) },
      body: raw,
      signal: AbortSignal.timeout(10_000),
    });
    const body = await res.body.text();
    const given = String(res.headers['x-smccsdk-signature'] ?? '');
    const expected = sdkSign(secret, body);
    const signatureValid =
      given.length === expected.length && timingSafeEqual(Buffer.from(given), Buffer.from(expected));
    let json: unknown;
    try {
      json = JSON.parse(body);
    } catch {
      json = undefined;
    }
    return { status: res.statusCode, body, signatureValid, json };
  } catch {
    return { status: 'error', body: '', signatureValid: false };
  }
}

/**
 * Content creation as Engage does it: up to 3 tries while the answer is not a signed 2xx, or is a
 * resource error that is not fatal. Resolves with every attempt.
 */
export async function createContent(
  url: string,
  secret: string,
  envelope: Record<string, unknown>,
): Promise<SdkCallResult[]> {
  const attempts: SdkCallResult[] = [];
  for (let attempt = 0; attempt < 3; attempt++) {
    const params = { ...(envelope.params as Record<string, unknown>), retry: attempt > 0 };
    const result = await postSdk(url, secret, JSON.stringify({ ...envelope, params }));
    attempts.push(result);
    const ok = result.status !== 'error' && result.status >= 200 && result.status < 300 && result.signatureValid;
    const error = (result.json as { error?: { fatal?: boolean } } | undefined)?.error;
    if (ok && (!error || error.fatal)) break;
  }
  return attempts;
}

/** A Webhook API delivery: POST JSON with `X-Dimelo-Secret` (absent when no secret is set). */
export async function postWebhook(url: string, secret: string | undefined, raw: string): Promise<number | 'error'> {
  try {
    const res = await request(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(secret ? { 'x-dimelo-secret': secret } : {}) },
      body: raw,
      signal: AbortSignal.timeout(10_000),
    });
    await res.body.dump();
    return res.statusCode;
  } catch {
    return 'error';
  }
}

/** The subscription check: GET with hub.* parameters; true when the answer is exactly the challenge. */
export async function subscribe(
  url: string,
  verifyToken: string,
  secret: string | undefined,
  challenge: string,
): Promise<{ status: number; ok: boolean }> {
  const target = new URL(url);
  target.searchParams.set('hub.mode', 'subscribe');
  target.searchParams.set('hub.challenge', challenge);
  target.searchParams.set('hub.verify_token', verifyToken);
  const res = await request(target, {
    method: 'GET',
    headers: { 'content-type': 'application/json', ...(secret ? { 'x-dimelo-secret': secret } : {}) },
  });
  const body = await res.body.text();
  return { status: res.statusCode, ok: res.statusCode === 200 && body === challenge };
}
