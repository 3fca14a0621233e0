/// <reference lib="dom" />
/**
 * The pages' only way to the gateway: the same HTTP API the CLI uses, with the admin key in
 * `x-api-key`. The key lives in sessionStorage (this tab only, gone when it closes), never in a
 * cookie or a URL the server sees. Paths are relative, so the pages also work under a path prefix.
 */

const KEY_ITEM = 'handover-kit.adminKey';

export interface ApiIssue {
  path: string;
  message: string;
}

/** A typed error from the gateway (`{ error: { code, message, details } }`), or a network failure. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'ApiError';
  }

  /** Validation issues (400): `details.issues[].path` names each bad field. */
  get issues(): ApiIssue[] {
    const issues = this.details.issues;
    return Array.isArray(issues)
      ? issues.filter((i): i is ApiIssue => !!i && typeof i.path === 'string' && typeof i.message === 'string')
      : [];
  }
}

export const adminKey = {
  get: (): string | null => sessionStorage.getItem(KEY_ITEM),
  set: (key: string) => sessionStorage.setItem(KEY_ITEM, key),
  clear: () => sessionStorage.removeItem(KEY_ITEM),
};

export function headers(extra: Record<string, string> = {}): Record<string, string> {
  const key = adminKey.get();
  return { accept: 'application/json', ...(key ? { 'x-api-key': key } : {}), ...extra };
}

export async function api<T = unknown>(method: string, path: string, body?: unknown): Promise<T> {
  let res: Response;
  try {
    res = await fetch(path, {
      method,
      headers: headers(body === undefined ? {} : { 'content-type': 'application/json' }),
      body: body === undefined ? undefined : JSON.stringify(body),
      cache: 'no-store',
      credentials: 'omit',
    });
  } catch {
    throw new ApiError(0, 'network', 'The gateway could not be reached. Is it still running?');
  }
  if (res.status === 204) return undefined as T;
  const json = (await res.json().catch(() => undefined)) as
    | { error?: { code?: string; message?: string; details?: Record<string, unknown> } }
    | undefined;
  if (!res.ok) {
    const e = json?.error;
    throw new ApiError(
      res.status,
      e?.code ?? 'internal',
      e?.message ?? `The gateway answered ${res.status}`,
      e?.details ?? {},
    );
  }
  return json as T;
}

/**
 * Picks the key out of `#key=…` (how `handover-kit playground` signs the page in) and removes it from the address bar.
 */
export function takeKeyFromFragment(): void {
  const match = /(?:^#|&)key=([^&]+)/.exec(location.hash);
  if (!match) return;
  try {
    adminKey.set(decodeURIComponent(match[1]!));
  } catch {
    // a mangled fragment: ignore it, the sign-in form will ask
  }
  history.replaceState(null, '', location.pathname + location.search);
}
