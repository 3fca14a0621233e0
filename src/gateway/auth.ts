import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { ForbiddenError, UnauthorizedError } from '../contract';
import { NamedApiKeys } from './keys/named';

export type ApiKeyRole = 'nodes' | 'admin';

export interface ApiKeys {
  /** Keys the nodes (the Cognigy extension) use: the handover API only. */
  nodes: readonly string[];
  /** Keys for provider management (and everything the nodes may do). */
  admin: readonly string[];
}

/** Who is calling: the key's scope and name (audit lines), and the providers it is limited to. */
export interface Principal {
  role: ApiKeyRole;
  /** `env:admin` / `env:nodes` for the keys from the environment, else the named key's name. */
  name: string;
  keyId?: string;
  /** Only these providers (undefined: all). */
  providers?: readonly string[];
}

/**
 * Checks API keys without leaking them through timing: the presented key is hashed and compared
 * with every known key's hash in constant time. Keys themselves are never logged or echoed.
 */
export class ApiKeyAuth {
  private readonly entries: Array<{ digest: Buffer; role: ApiKeyRole }>;

  constructor(
    keys: ApiKeys,
    /** Named keys from the store (created and revoked through the API, no restart). */
    readonly named?: NamedApiKeys,
  ) {
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

  /** The caller: an environment key, else a named key from the store; undefined when unknown. */
  async authenticate(headers: IncomingHttpHeaders): Promise<Principal | undefined> {
    const role = this.roleOf(headers);
    if (role) return { role, name: `env:${role}` };
    const key = presentedKey(headers);
    if (!key || !this.named || !NamedApiKeys.looksNamed(key)) return undefined;
    const record = await this.named.verify(key);
    return (
      record && {
        role: record.scope,
        name: record.name,
        keyId: record.id,
        ...(record.providers ? { providers: record.providers } : {}),
      }
    );
  }

  /** Throws 401 without a valid key, 403 when the key's scope may not use the route. */
  async require(headers: IncomingHttpHeaders, allowed: 'nodes' | 'admin'): Promise<Principal> {
    const principal = await this.authenticate(headers);
    if (!principal) throw new UnauthorizedError();
    if (allowed === 'admin' && principal.role !== 'admin')
      throw new ForbiddenError('This route needs an admin API key');
    return principal;
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
