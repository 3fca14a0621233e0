/**
 * `handover-kit keys ...`: the encryption keys for secrets at rest.
 *   keys generate [--id <kid>]   prints a new key line for HANDOVER_ENCRYPTION_KEYS
 *   keys rotate [--config <f>]   re-seals every stored secret with the current (first) key
 */
import { parseArgs } from 'node:util';
import { HandoverConfigError, secretFields } from '../contract';
import { loadGatewayConfig } from './config';
import { builtInConnectors } from './connectors';
import { SecretCipher, generateKeyLine, loadEncryptionKeys } from './secrets/cipher';
import type { ProviderAdminClient } from '../client/admin-client';
import { listOutput } from './cli-output';

export const KEYS_USAGE = `  handover-kit keys generate [--id <kid>]
      Prints a new encryption key line (<kid>:<base64 of 32 random bytes>). Put it FIRST in
      HANDOVER_ENCRYPTION_KEYS (keep the old ones after it), restart the instances, then run rotate.
  handover-kit keys rotate [--config <file.json>]
      Re-encrypts every secret stored in Redis (providers, handovers, queued items) with the current
      key, and encrypts any stored in clear. Safe while gateways run. Then old keys can be removed.`;

interface KeysIO {
  stdout(text: string): void;
  stderr(text: string): void;
  env: Record<string, string | undefined>;
}

export async function runKeys(args: string[], io: KeysIO): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    strict: true,
    options: { config: { type: 'string' }, id: { type: 'string' } },
  });
  const [sub] = positionals;
  if (sub === 'generate') {
    io.stdout(`${generateKeyLine(values.id)}\n`);
    return 0;
  }
  if (sub !== 'rotate') throw new HandoverConfigError(`Unknown keys command "${sub ?? ''}" (generate or rotate)`);
  const config = loadGatewayConfig({ env: io.env, file: values.config });
  const keys = loadEncryptionKeys({ keys: config.encryptionKeys, file: config.encryptionKeyFile });
  if (keys.length === 0)
    throw new HandoverConfigError('keys rotate needs HANDOVER_ENCRYPTION_KEYS (or HANDOVER_ENCRYPTION_KEY_FILE)');
  if (!config.redisUrl) {
    io.stdout('No HANDOVER_REDIS_URL: in memory mode nothing is stored across restarts, nothing to rotate.\n');
    return 0;
  }
  const { connectRedis } = await import('./redis/connect');
  const { rotateRedisSecrets } = await import('./secrets/rotate');
  const { silentLogger } = await import('../logger');
  const redis = connectRedis(config.redisUrl, silentLogger);
  try {
    const defs = builtInConnectors({});
    const fieldsOf = (type: string) => {
      const def = defs.find((d) => d.type === type);
      return def ? secretFields(def.settingsSchema) : [];
    };
    const cipher = new SecretCipher(keys);
    const { hashTaggedPrefix, isClusterUrl } = await import('./redis/url');
    const prefix = isClusterUrl(config.redisUrl) ? hashTaggedPrefix(config.redisPrefix) : config.redisPrefix;
    const r = await rotateRedisSecrets(redis, prefix, cipher, fieldsOf);
    const skipped = r.skipped ? `, ${r.skipped} changed meanwhile (run again)` : '';
    io.stdout(
      `Rotated to key "${cipher.currentKid}": ${r.resealed} value(s) re-encrypted in ${r.keys} key(s)${skipped}.\n`,
    );
    return r.skipped > 0 ? 1 : 0;
  } finally {
    await redis.quit().catch(() => redis.disconnect());
  }
}

/** `handover-kit apikeys list|create|revoke` (over HTTP, with an unrestricted admin key). */
export async function apiKeyCommand(
  client: ProviderAdminClient,
  args: string[],
  values: { name?: string; scope?: string; providers?: string; json?: boolean },
  out: (value: unknown) => void,
): Promise<number> {
  const [sub, id] = args;
  switch (sub) {
    case 'list': {
      const items = await client.listApiKeys();
      const when = (t?: number) => (t ? new Date(t).toISOString() : 'never');
      out(
        listOutput(items, {
          json: values.json,
          empty: 'No named API keys.',
          head: ['ID', 'NAME', 'SCOPE', 'PROVIDERS', 'LAST USED'],
          row: (k) => [k.id, k.name, k.scope, k.providers?.join(',') ?? 'all', when(k.lastUsedAt)],
        }),
      );
      return 0;
    }
    case 'create': {
      if (!values.name || (values.scope !== 'nodes' && values.scope !== 'admin'))
        throw new HandoverConfigError('apikeys create needs --name and --scope nodes|admin');
      const providers = values.providers
        ?.split(',')
        .map((s) => s.trim())
        .filter(Boolean);
      const created = await client.createApiKey({
        name: values.name,
        scope: values.scope,
        ...(providers?.length ? { providers } : {}),
      });
      out(
        values.json
          ? created
          : `Created ${created.apiKey.scope} key "${created.apiKey.name}" (${created.apiKey.id}). ` +
              `The key, shown once:\n${created.key}`,
      );
      return 0;
    }
    case 'revoke':
      if (!id) throw new HandoverConfigError('apikeys revoke needs a key id (see apikeys list)');
      await client.revokeApiKey(id);
      out(`Revoked ${id}.`);
      return 0;
    default:
      throw new HandoverConfigError(`Unknown apikeys command "${sub ?? ''}" (list, create or revoke)`);
  }
}
