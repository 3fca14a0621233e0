import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { ForbiddenError, UnauthorizedError } from '../contract';

export type ApiKeyRole = 'nodes' | 'admin';

export interface ApiKeys {
  /** Keys the nodes (the Cognigy extension) use: the handover API only. */
  nodes: readonly string[];
  /** Keys for provider management (and everything the nodes may do). */
  admin: readonly string[];
}

/**
 * Checks API keys without leaking them through timing: the presented key is hashed and compared
 * with every known key's hash in constant time. Keys themselves are never logged or echoed.
 */
export class ApiKeyAuth {
  private readonly entries: Array<{ digest: Buffer; role: ApiKeyRole }>;

  constructor(keys: ApiKeys) {
    this.entries = [
      ...keys.admin.map((k) => ({ digest: digest(k), role: 'admin' as const })),
      ...keys.nodes.map((k) => ({ digest: digest(k), role: 'nodes' as const })),
    ];
  }

  /** The role of the presented key, or undefined when there is none or it is unknown. */
  roleOf(headers: IncomingHttpHeaders): ApiKeyRole | undefined {
    const key = presentedKey(headers);
    if (!key) return undefined;
    const d = digest(key);
    let role: ApiKeyRole | undefined;
    for (const e of this.entries) if (timingSafeEqual(e.digest, d) && role !== 'admin') role = e.role;
    return role;
  }

  /** Throws 401 without a valid key, 403 when the key's role may not use the route. */
  require(headers: IncomingHttpHeaders, allowed: 'nodes' | 'admin'): ApiKeyRole {
    const role = this.roleOf(headers);
    if (!role) throw new UnauthorizedError();
    if (allowed === 'admin' && role !== 'admin') throw new ForbiddenError('This route needs an admin API key');
    return role;
  }
}

function digest(key: string): Buffer {
  return createHash('sha256').update(key).digest();
}

/** `x-api-key: <key>` or `Authorization: Bearer <key>`. */
export function presentedKey(headers: IncomingHttpHeaders): string | undefined {
  const header = headers['x-api-key'];
  const direct = Array.isArray(header) ? header[0] : header;
  if (direct) return direct.trim() || undefined;
  const auth = headers.authorization;
  if (auth) {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(auth);
    if (m) return m[1];
  }
  return undefined;
}
