// URL parsing only: no ioredis here, so the gateway can redact a Redis URL without loading the client.

/**
 * Where the gateway's Redis is, parsed from its URL:
 * - `redis://[user:pass@]host:port[/db]` or `rediss://…`: one server (ioredis parses it);
 * - `redis+sentinel://[user:pass@]host:port,host:port/<masterName>[/db]`: the sentinels and the master
 *   set they watch; the client asks them for the master and follows a failover;
 * - `redis+cluster://[user:pass@]host:port,host:port`: seed nodes of a Redis Cluster.
 * `rediss+sentinel://` / `rediss+cluster://` turn TLS on. The credentials are those of the data nodes.
 */
export type RedisTarget =
  | { kind: 'single'; url: string }
  | {
      kind: 'sentinel' | 'cluster';
      nodes: Array<{ host: string; port: number }>;
      name?: string;
      db?: number;
      username?: string;
      password?: string;
      tls: boolean;
    };

const MULTI =
  /^(rediss?)\+(sentinel|cluster):\/\/(?:([^:@/]*)(?::([^@/]*))?@)?([^/?#]+)(?:\/([^/?#]*))?(?:\/(\d+))?\/?$/;

export function parseRedisTarget(url: string): RedisTarget {
  if (/^rediss?:\/\//.test(url)) return { kind: 'single', url };
  const m = MULTI.exec(url);
  if (!m) throw new TypeError('Not a redis://, rediss://, redis+sentinel:// or redis+cluster:// URL');
  const [, scheme, kind, user, pass, hosts, name, db] = m;
  const nodes = hosts!.split(',').map((h) => {
    const hp = /^\[?([^\]]+?)\]?(?::(\d+))?$/.exec(h.trim());
    if (!hp) throw new TypeError('Bad host in the Redis URL');
    return { host: hp[1]!, port: hp[2] ? Number(hp[2]) : kind === 'sentinel' ? 26379 : 6379 };
  });
  if (kind === 'sentinel' && !name)
    throw new TypeError('redis+sentinel:// needs the master name: redis+sentinel://host:port,…/mymaster');
  return {
    kind: kind as 'sentinel' | 'cluster',
    nodes,
    ...(name ? { name: decodeURIComponent(name) } : {}),
    ...(db ? { db: Number(db) } : {}),
    ...(user ? { username: decodeURIComponent(user) } : {}),
    ...(pass ? { password: decodeURIComponent(pass) } : {}),
    tls: scheme === 'rediss',
  };
}

/** The password in a Redis URL of any of the accepted forms (to redact it), if any. */
export function redisUrlPassword(url: string): string | undefined {
  const m = /^[a-z+]+:\/\/[^:@/]*:([^@/]*)@/.exec(url);
  return m?.[1] || undefined;
}

/** True when `url` names a Redis Cluster: every key of the gateway must then share one hash tag. */
export function isClusterUrl(url: string): boolean {
  return /^rediss?\+cluster:\/\//.test(url);
}

/**
 * The key prefix with a hash tag: `hk:` → `{hk}:`. In a Cluster, a script or MULTI may only touch keys
 * of one slot, and the scripts derive keys (a queue partition, the session's previous handover) from
 * the prefix; with every key under one tag they all land in the same slot.
 */
export function hashTaggedPrefix(prefix: string): string {
  if (/\{[^}]+\}/.test(prefix)) return prefix;
  const bare = prefix.replace(/:$/, '');
  return `{${bare}}${prefix.slice(bare.length)}`;
}
