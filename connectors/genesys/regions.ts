/**
 * Genesys Cloud regions: the environment host of each AWS region, as the platform SDK lists them
 * (`PureCloudRegionHosts`, purecloud-platform-client-v2 259.0.0). The API lives on `api.<host>`, the
 * OAuth server on `login.<host>`.
 */
export const GENESYS_REGIONS = {
  us_east_1: 'mypurecloud.com',
  eu_west_1: 'mypurecloud.ie',
  ap_southeast_2: 'mypurecloud.com.au',
  ap_northeast_1: 'mypurecloud.jp',
  eu_central_1: 'mypurecloud.de',
  us_west_2: 'usw2.pure.cloud',
  ca_central_1: 'cac1.pure.cloud',
  ap_northeast_2: 'apne2.pure.cloud',
  eu_west_2: 'euw2.pure.cloud',
  ap_south_1: 'aps1.pure.cloud',
  us_east_2: 'use2.us-gov-pure.cloud',
  sa_east_1: 'sae1.pure.cloud',
  me_central_1: 'mec1.pure.cloud',
  ap_northeast_3: 'apne3.pure.cloud',
  eu_central_2: 'euc2.pure.cloud',
  mx_central_1: 'mxc1.pure.cloud',
  ap_southeast_1: 'apse1.pure.cloud',
  eusc_de_east_1: 'edee1.eusc-pure.cloud',
} as const;

export type GenesysRegionKey = keyof typeof GENESYS_REGIONS;
export const GENESYS_REGION_HOSTS: readonly string[] = Object.values(GENESYS_REGIONS);

/**
 * Accepts what people paste: `mypurecloud.de`, `https://api.mypurecloud.de/`, `login.mypurecloud.de`,
 * `apps.mypurecloud.de` or a region key such as `eu_central_1`. Returns the environment host, or
 * undefined when it is not a Genesys Cloud region.
 */
export function normalizeRegion(input: string): string | undefined {
  const trimmed = input.trim().toLowerCase();
  if (trimmed in GENESYS_REGIONS) return GENESYS_REGIONS[trimmed as GenesysRegionKey];
  const host = trimmed
    .replace(/^https?:\/\//, '')
    .replace(/\/.*$/, '')
    .replace(/^(api|login|apps)\./, '');
  return GENESYS_REGION_HOSTS.includes(host) ? host : undefined;
}

export function apiBaseUrlFor(regionHost: string): string {
  return `https://api.${regionHost}`;
}

export function loginBaseUrlFor(regionHost: string): string {
  return `https://login.${regionHost}`;
}
