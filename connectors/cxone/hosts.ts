import { z } from 'zod';

/**
 * Where a CXone tenant's APIs live. The global auth host issues the token; the tenant id in its
 * id_token leads to `/.well-known/cxone-configuration`, whose `area` and `domain` name the
 * regional hosts. FedRAMP (area na2) always lives on nicecxone-gov.com.
 */
export const AUTH_HOSTS = {
  commercial: 'https://cxone.niceincontact.com',
  fedramp: 'https://cxone-gov.niceincontact.com',
} as const;

export const FEDRAMP_AREA = 'na2';
export const FEDRAMP_DOMAIN = 'nicecxone-gov.com';
const DEFAULT_DOMAIN = 'niceincontact.com';

/** The fields of `/.well-known/cxone-configuration` the connector reads. */
export const cxoneConfigurationSchema = z.looseObject({
  area: z.string().min(1),
  domain: z.string().nullish(),
  api_endpoint: z.string().nullish(),
  tenantId: z.string().nullish(),
});
export type CxoneConfiguration = z.infer<typeof cxoneConfigurationSchema>;

export interface CxoneHosts {
  area: string;
  domain: string;
  /** DFO REST base (`/dfo/3.0/...` below it). */
  dfo: string;
  /** ACD / real-time data REST base (`/incontactapi/...` below it). */
  api: string;
}

const HOST_PART = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/;

/**
 * Hosts from the configuration document. `current` is the DFO host in use today
 * (`api-de-<area>`); `facade` the API facade NICE is moving DFO to (`api-<area>`).
 */
export function hostsFor(config: CxoneConfiguration, style: 'current' | 'facade'): CxoneHosts | undefined {
  const area = config.area.trim().toLowerCase();
  const domain = area === FEDRAMP_AREA ? FEDRAMP_DOMAIN : config.domain?.trim().toLowerCase() || DEFAULT_DOMAIN;
  if (!HOST_PART.test(area) || !HOST_PART.test(domain)) return undefined;
  const dfo = style === 'facade' ? `https://api-${area}.${domain}` : `https://api-de-${area}.${domain}`;
  const api = safeHttps(config.api_endpoint) ?? `https://api-${area}.${domain}`;
  return { area, domain, dfo, api };
}

function safeHttps(value: string | null | undefined): string | undefined {
  if (!value) return undefined;
  try {
    const url = new URL(value);
    return url.protocol === 'https:' ? url.origin : undefined;
  } catch {
    return undefined;
  }
}

/** Claims of a JWT, unverified (we only read the tenant id out of a token we were just given). */
export function jwtClaims(token: string | undefined): Record<string, unknown> | undefined {
  const payload = token?.split('.')[1];
  if (!payload) return undefined;
  try {
    const claims: unknown = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    return claims && typeof claims === 'object' ? (claims as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** The tenant id from the id_token (or, failing that, the access token). */
export function tenantIdOf(idToken: string | undefined, accessToken: string): string | undefined {
  for (const claims of [jwtClaims(idToken), jwtClaims(accessToken)]) {
    const value = claims?.tenantId ?? claims?.tenant_id;
    if (typeof value === 'string' && value.length > 0) return value;
  }
  return undefined;
}
