import { createHmac, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { request } from 'undici';

/** How the fake Twilio posts webhooks: form-encoded, signed as Twilio signs, one attempt (no retries by default). */

export type FixtureName =
  | 'onMessageAdded'
  | 'onMessageAdded-media'
  | 'onMessageAdded-customer-echo'
  | 'onParticipantAdded'
  | 'onParticipantRemoved'
  | 'onConversationStateUpdated'
  | 'task.canceled';

/** A recorded-style parameter set from fixtures/, as Twilio would post it. */
export function fixture(name: FixtureName, overrides: Record<string, string | undefined> = {}): Record<string, string> {
  const base = JSON.parse(readFileSync(new URL(`./fixtures/${name}.json`, import.meta.url), 'utf8')) as Record<
    string,
    string
  >;
  const out: Record<string, string> = { ...base };
  for (const [k, v] of Object.entries(overrides)) {
    if (v === undefined) delete out[k];
    else out[k] = v;
  }
  return out;
}

/** X-Twilio-Signature, computed independently of the connector: URL + sorted name/value pairs, HMAC-SHA1, base64. */
export function twilioSignature(authToken: string, url: string, params: Record<string, string>): string {
  const data = Object.keys(params)
    .sort()
    .reduce((acc, key) => acc + key + params[key], url);
  return createHmac('sha1', authToken).update(Buffer.from(data, 'utf8')).digest('base64');
}

export interface Delivery {
  url: string;
  params: Record<string, string>;
  status: number | 'error';
}

/**
 * One signed POST. `signedUrl` is the URL Twilio was given (the public one); `deliverTo` is where the
 * bytes actually go (differs behind a proxy).
 */
export async function postSigned(
  authToken: string,
  signedUrl: string,
  deliverTo: string,
  params: Record<string, string>,
): Promise<number | 'error'> {
  try {
    const res = await request(deliverTo, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        'x-twilio-signature': twilioSignature(authToken, signedUrl, params),
        'i-twilio-idempotency-token': randomUUID(),
        'user-agent': 'TwilioProxy/1.1',
      },
      body: new URLSearchParams(params).toString(),
      signal: AbortSignal.timeout(5000), // Conversations gives a webhook 5 s
    });
    await res.body.dump();
    return res.statusCode;
  } catch {
    return 'error';
  }
}
