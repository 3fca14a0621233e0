import { createHash } from 'node:crypto';
import { BadSignatureError, type WebhookRequest } from 'handover-kit/contract';
import { headerValue, hmac, safeEqual, requiredHeader } from 'handover-kit/connector-utils';

/**
 * Twilio's request signature (twilio.com/docs/usage/webhooks/webhooks-security):
 * `X-Twilio-Signature` = base64 HMAC-SHA1, keyed with the account's Auth Token, over the full URL
 * Twilio called followed by every POST parameter as name + value, names in case-sensitive byte
 * order. A JSON body is not in the HMAC: Twilio adds `bodySHA256=<hex SHA-256 of the body>` to the
 * URL instead, and the receiver checks that hash too.
 */
export const SIGNATURE_HEADER = 'x-twilio-signature';

/** The string Twilio signs for a form POST: URL + sorted names with their values (repeated names: values sorted). */
export function signedPayload(url: string, params: Iterable<[string, string]>): string {
  const byName = new Map<string, string[]>();
  for (const [name, value] of params) byName.set(name, [...(byName.get(name) ?? []), value]);
  let out = url;
  for (const name of [...byName.keys()].sort()) for (const value of byName.get(name)!.sort()) out += name + value;
  return out;
}

/** The header value Twilio sends for a form POST of `params` to `url`. */
export function signTwilioRequest(authToken: string, url: string, params: Iterable<[string, string]> = []): string {
  return hmac('sha1', authToken, Buffer.from(signedPayload(url, params), 'utf8'), 'base64');
}

export function bodySha256(rawBody: Uint8Array | string): string {
  return createHash('sha256').update(rawBody).digest('hex');
}

/** The URL forms Twilio's own validators accept: as given, and with the default port added or removed. */
export function urlVariants(url: string): string[] {
  const match = /^(https?:\/\/[^/?#:@]+)(?::(\d+))?(.*)$/i.exec(url);
  if (!match) return [url];
  const [, head, port, rest] = match as unknown as [string, string, string | undefined, string];
  const defaultPort = head.toLowerCase().startsWith('https') ? '443' : '80';
  if (port === undefined) return [url, `${head}:${defaultPort}${rest}`];
  return port === defaultPort ? [url, `${head}${rest}`] : [url];
}

/**
 * The public URL Twilio called for this request. Behind a proxy the gateway sees another host (and
 * maybe path), so the configured public URL wins: its origin and path, the request's own query.
 * Without one, the forwarded headers or the Host header are used.
 */
export function publicUrlOf(request: WebhookRequest, configured: string | undefined): string {
  const received = new URL(request.url, 'http://placeholder');
  if (configured) {
    const base = new URL(configured);
    return `${base.origin}${base.pathname}${received.search}`;
  }
  const proto = headerValue(request, 'x-forwarded-proto')?.split(',')[0]?.trim() || 'https';
  const host = headerValue(request, 'x-forwarded-host')?.split(',')[0]?.trim() || headerValue(request, 'host');
  if (!host) throw new BadSignatureError("Cannot rebuild the URL Twilio signed: set the provider's public webhook URL");
  return `${proto}://${host}${received.pathname}${received.search}`;
}

function isJson(request: WebhookRequest): boolean {
  return /^application\/json/i.test(headerValue(request, 'content-type') ?? '');
}

/** Throws `BadSignatureError` unless `X-Twilio-Signature` matches the request. Constant-time compares. */
export function verifyTwilioSignature(request: WebhookRequest, authToken: string, publicUrl: string): void {
  const given = requiredHeader(request, SIGNATURE_HEADER, 'X-Twilio-Signature');
  let params: Array<[string, string]> = [];
  if (isJson(request)) {
    const claimed = new URL(publicUrl).searchParams.get('bodySHA256');
    if (!claimed) throw new BadSignatureError('A JSON webhook must carry bodySHA256 in its URL');
    if (!safeEqual(bodySha256(request.rawBody), claimed.toLowerCase()))
      throw new BadSignatureError('bodySHA256 does not match the body');
  } else {
    params = [...new URLSearchParams(Buffer.from(request.rawBody).toString('utf8'))];
  }
  // Every variant is computed and compared, so timing does not tell which one matched.
  let ok = false;
  for (const url of urlVariants(publicUrl)) ok = safeEqual(signTwilioRequest(authToken, url, params), given) || ok;
  if (!ok) throw new BadSignatureError();
}
