import { z } from 'zod';
import { field, secret } from '../contract';

/**
 * Zod builders for the settings most connectors share (base URLs, tokens, timeouts), so every
 * connector validates them the same way and shows the same labels in forms.
 */

/** Hosts where plain http is accepted: the test fakes and a local proxy. */
export const LOOPBACK_HOSTS: readonly string[] = ['127.0.0.1', 'localhost', '[::1]'];

/** True for an https URL, or an http one on a loopback host. */
export function isHttpsOrLoopback(value: string): boolean {
  const url = new URL(value);
  return url.protocol === 'https:' || (url.protocol === 'http:' && LOOPBACK_HOSTS.includes(url.hostname));
}

/** An absolute URL: https anywhere, plain http only on loopback. `what` prefixes the messages. */
export function httpsUrl(what?: string) {
  const useHttps = 'use https (plain http is only allowed on 127.0.0.1 / localhost)';
  return z
    .url(what ? `${what} must be an absolute URL` : 'Must be an absolute URL')
    .refine(isHttpsOrLoopback, what ? `${what}: ${useHttps}` : `U${useHttps.slice(1)}`);
}

/** A blank string (how a Cognigy Connection hands over "not set") reads as undefined. */
export function blankAsUnset(value: unknown): unknown {
  return typeof value === 'string' && value.trim() === '' ? undefined : value;
}

/** A required, trimmed text whose error names the setting. */
export function requiredText(what: string) {
  return z
    .string({ error: `${what} is required` })
    .trim()
    .min(1, `${what} is required`);
}

/** An optional base URL override, for tests and proxies. */
export function baseUrlOverride(label: string, description = 'Tests and proxies only.') {
  return field(httpsUrl().optional(), { label: `${label} base URL override`, description });
}

/** A secret that may be left empty (then read from an environment variable or not used). */
export function optionalSecret(minLength: number, tooShort: string, meta: { label: string; description?: string }) {
  return secret(z.string().min(minLength, tooShort).optional(), meta);
}

/** Deadline of one request attempt to the vendor, 100 ms to 60 s, default 10 s. */
export function requestTimeoutMs(attempt: string) {
  return field(z.coerce.number().int().min(100, 'At least 100 ms').max(60_000, 'At most 60000 ms').default(10_000), {
    label: 'Request timeout (ms)',
    description: `Deadline per ${attempt} attempt (default 10000).`,
  });
}

/** Reports a cross-field problem on one setting (inside a settings schema's `superRefine`). */
export function settingIssue(ctx: z.RefinementCtx, path: string, message: string): void {
  ctx.addIssue({ code: 'custom', path: [path], message });
}
