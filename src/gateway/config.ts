import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { HandoverConfigError, type ValidationIssue } from '../contract';
import { loadEncryptionKeys } from './secrets/cipher';
import { parseRedisTarget } from './redis/url';

/**
 * The gateway's configuration: environment variables over an optional JSON file
 * (`HANDOVER_GATEWAY_CONFIG=/etc/handover/gateway.json`), validated with zod at start. Errors name the
 * variable (or the file and the field) that is wrong.
 */
const logLevels = ['debug', 'info', 'warn', 'error', 'silent'] as const;
const apiKey = z.string().min(16, 'API keys must be at least 16 characters');

const providerSchema = z
  .object({
    id: z.string().min(1).optional(),
    name: z.string().min(1),
    type: z.string().min(1),
    settings: z.record(z.string(), z.unknown()).optional(),
  })
  .strict();

export const gatewayConfigSchema = z
  .object({
    host: z.string().min(1).default('127.0.0.1'),
    port: z.coerce.number().int().min(0).max(65_535).default(8080),
    publicUrl: z.url().optional(),
    nodeKeys: z.array(apiKey).default([]),
    adminKeys: z.array(apiKey).default([]),
    redisUrl: z
      .string()
      .regex(/^rediss?(\+(sentinel|cluster))?:\/\//, 'Must be a redis(s)://, redis+sentinel:// or redis+cluster:// URL')
      .refine(isRedisUrl, 'Sentinel: redis+sentinel://host:port,…/<master>; Cluster: redis+cluster://host:port,…')
      .optional(),
    redisPrefix: z.string().min(1).max(64).default('hk:'),
    /** `kid1:base64,kid2:base64` (first = current); see docs/gateway.md "Security". */
    encryptionKeys: z.string().min(1).optional(),
    encryptionKeyFile: z.string().min(1).optional(),
    allowPlaintextSecrets: z.boolean().default(false),
    cognigy: z
      .object({
        apiBaseUrl: z.url(),
        apiKey: z.string().min(1),
        urlToken: z.string().min(1).optional(),
        timeoutMs: z.coerce.number().int().positive().optional(),
      })
      .strict()
      .optional(),
    logLevel: z.enum(logLevels).default('info'),
    limits: z
      .object({
        jsonBodyBytes: z.coerce.number().int().min(1024).optional(),
        webhookBodyBytes: z.coerce.number().int().min(1024).optional(),
        authFailureBurst: z.coerce.number().int().min(1).optional(),
        authFailuresPerMinute: z.coerce.number().positive().optional(),
        webhookPerSecond: z.coerce.number().positive().optional(),
        webhookBurst: z.coerce.number().int().min(1).optional(),
      })
      .strict()
      .default({}),
    shutdownTimeoutMs: z.coerce.number().int().positive().default(15_000),
    /** Providers created at start when missing. */
    providers: z.array(providerSchema).default([]),
    /** Create the demo `simulated` provider (default: when no provider is configured and there is no Redis). */
    simulated: z.boolean().optional(),
  })
  .strict();

export type GatewayConfig = z.output<typeof gatewayConfigSchema>;

type Kind = 'string' | 'list' | 'boolean';
/** Every environment variable, the config field it sets, and how to read it. */
export const GATEWAY_ENV: ReadonlyArray<{ env: string; path: string; kind: Kind; description: string }> = [
  {
    env: 'HANDOVER_GATEWAY_HOST',
    path: 'host',
    kind: 'string',
    description: 'Interface to listen on (default 127.0.0.1; 0.0.0.0 in a container).',
  },
  { env: 'HANDOVER_GATEWAY_PORT', path: 'port', kind: 'string', description: 'Port (default 8080).' },
  {
    env: 'HANDOVER_PUBLIC_URL',
    path: 'publicUrl',
    kind: 'string',
    description: 'Public base URL, used to build webhook URLs (…/webhooks/<providerId>).',
  },
  {
    env: 'HANDOVER_GATEWAY_NODE_KEYS',
    path: 'nodeKeys',
    kind: 'list',
    description: 'Comma-separated API keys for the nodes (handover API only).',
  },
  {
    env: 'HANDOVER_GATEWAY_ADMIN_KEYS',
    path: 'adminKeys',
    kind: 'list',
    description: 'Comma-separated admin API keys (provider management too).',
  },
  {
    env: 'HANDOVER_REDIS_URL',
    path: 'redisUrl',
    kind: 'string',
    description: 'redis://, redis+sentinel://h:p,…/master or redis+cluster://h:p,… (shared state).',
  },
  {
    env: 'HANDOVER_REDIS_PREFIX',
    path: 'redisPrefix',
    kind: 'string',
    description: 'Key prefix in Redis (default hk:).',
  },
  {
    env: 'HANDOVER_ENCRYPTION_KEYS',
    path: 'encryptionKeys',
    kind: 'string',
    description: 'Keys sealing secrets at rest: kid1:base64(32 bytes),kid2:… (first = current). Required with Redis.',
  },
  {
    env: 'HANDOVER_ENCRYPTION_KEY_FILE',
    path: 'encryptionKeyFile',
    kind: 'string',
    description: 'A file with the same key lines (one per line), instead of HANDOVER_ENCRYPTION_KEYS.',
  },
  {
    env: 'HANDOVER_ALLOW_PLAINTEXT_SECRETS',
    path: 'allowPlaintextSecrets',
    kind: 'boolean',
    description: 'Development only: Redis without encryption keys (secrets in clear).',
  },
  {
    env: 'COGNIGY_API_BASE_URL',
    path: 'cognigy.apiBaseUrl',
    kind: 'string',
    description: 'Cognigy REST API base, e.g. https://api-trial.cognigy.ai.',
  },
  { env: 'COGNIGY_API_KEY', path: 'cognigy.apiKey', kind: 'string', description: 'Cognigy API key (inject / notify).' },
  {
    env: 'COGNIGY_URL_TOKEN',
    path: 'cognigy.urlToken',
    kind: 'string',
    description: 'Default endpoint URLToken for sessions that did not send theirs.',
  },
  {
    env: 'COGNIGY_TIMEOUT_MS',
    path: 'cognigy.timeoutMs',
    kind: 'string',
    description: 'Deadline per Cognigy call (default 10000).',
  },
  {
    env: 'HANDOVER_LOG_LEVEL',
    path: 'logLevel',
    kind: 'string',
    description: 'debug, info (default), warn, error, silent.',
  },
  {
    env: 'HANDOVER_GATEWAY_MAX_BODY_BYTES',
    path: 'limits.jsonBodyBytes',
    kind: 'string',
    description: 'Largest JSON body (default 1048576).',
  },
  {
    env: 'HANDOVER_GATEWAY_WEBHOOK_MAX_BODY_BYTES',
    path: 'limits.webhookBodyBytes',
    kind: 'string',
    description: 'Largest webhook body (default 524288).',
  },
  {
    env: 'HANDOVER_GATEWAY_AUTH_FAILURE_BURST',
    path: 'limits.authFailureBurst',
    kind: 'string',
    description: 'Failed API-key attempts per client address before 429 (default 20).',
  },
  {
    env: 'HANDOVER_GATEWAY_AUTH_FAILURES_PER_MINUTE',
    path: 'limits.authFailuresPerMinute',
    kind: 'string',
    description: 'How fast those attempts come back (default 10 per minute).',
  },
  {
    env: 'HANDOVER_GATEWAY_WEBHOOK_RATE',
    path: 'limits.webhookPerSecond',
    kind: 'string',
    description: 'Webhook requests per provider and second, per instance (default 500); over it 429 + Retry-After.',
  },
  {
    env: 'HANDOVER_GATEWAY_WEBHOOK_BURST',
    path: 'limits.webhookBurst',
    kind: 'string',
    description: 'Webhook burst per provider (default 1000).',
  },
  {
    env: 'HANDOVER_GATEWAY_SHUTDOWN_TIMEOUT_MS',
    path: 'shutdownTimeoutMs',
    kind: 'string',
    description: 'Grace period per shutdown stage (default 15000).',
  },
  {
    env: 'HANDOVER_GATEWAY_SIMULATED',
    path: 'simulated',
    kind: 'boolean',
    description: 'Create the demo "simulated" provider (true/false).',
  },
];

function isRedisUrl(url: string): boolean {
  try {
    parseRedisTarget(url);
    return true;
  } catch {
    return false;
  }
}

export const CONFIG_FILE_ENV = 'HANDOVER_GATEWAY_CONFIG';

export interface LoadConfigOptions {
  env?: Record<string, string | undefined>;
  /** A config file path (overrides HANDOVER_GATEWAY_CONFIG). */
  file?: string;
  /** Command-line flags (they win over env and file); errors name the flag, e.g. `--port`. */
  flags?: Array<{ path: string; flag: string; value: unknown }>;
}

/** Reads and validates the configuration; throws a `HandoverConfigError` naming each bad variable. */
export function loadGatewayConfig(options: LoadConfigOptions = {}): GatewayConfig {
  const env = options.env ?? process.env;
  const file = options.file ?? env[CONFIG_FILE_ENV];
  const raw: Record<string, unknown> = {};
  const origin = new Map<string, string>();

  if (file) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(readFileSync(file, 'utf8'));
    } catch (error) {
      const why = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'not found' : (error as Error).message;
      throw new HandoverConfigError(`Config file ${file}: ${why}`, [{ path: CONFIG_FILE_ENV, message: why }]);
    }
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed))
      throw new HandoverConfigError(`Config file ${file} must hold a JSON object`, [
        { path: CONFIG_FILE_ENV, message: 'Not a JSON object' },
      ]);
    Object.assign(raw, parsed);
  }

  for (const { env: name, path, kind } of GATEWAY_ENV) {
    const value = env[name];
    if (value === undefined || value === '') continue;
    let parsed: unknown = value;
    if (kind === 'list')
      parsed = value
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
    if (kind === 'boolean')
      parsed = value === 'true' || value === '1' ? true : value === 'false' || value === '0' ? false : value;
    setPath(raw, path, parsed);
    origin.set(path, name);
  }

  for (const { path, flag, value } of options.flags ?? []) {
    if (value === undefined) continue;
    setPath(raw, path, value);
    origin.set(path, flag);
  }

  const result = gatewayConfigSchema.safeParse(raw);
  const issues: ValidationIssue[] = [];
  if (!result.success) {
    for (const issue of result.error.issues) {
      const path = issue.path.map(String);
      issues.push({ path: label(path, origin, file), message: missing(issue, path, origin, file) ?? issue.message });
    }
  } else {
    const c = result.data;
    if (c.redisUrl && c.adminKeys.length === 0) {
      issues.push({
        path: 'HANDOVER_GATEWAY_ADMIN_KEYS',
        message:
          'Required with HANDOVER_REDIS_URL: every instance must accept the same keys, so they cannot be generated',
      });
    }
    const keys = loadEncryptionKeys({ keys: c.encryptionKeys, file: c.encryptionKeyFile });
    if (c.redisUrl && keys.length === 0 && !c.allowPlaintextSecrets) {
      issues.push({
        path: 'HANDOVER_ENCRYPTION_KEYS',
        message:
          'Required with HANDOVER_REDIS_URL: secrets at rest are encrypted (or ' +
          'HANDOVER_ALLOW_PLAINTEXT_SECRETS=true, development only)',
      });
    }
    if (c.redisUrl && c.nodeKeys.length === 0 && c.adminKeys.length > 0) {
      issues.push({
        path: 'HANDOVER_GATEWAY_NODE_KEYS',
        message:
          'Required with HANDOVER_REDIS_URL: give the nodes their own key (admin keys must not live in the ' +
          'Cognigy extension)',
      });
    }
  }
  if (issues.length > 0) {
    throw new HandoverConfigError(
      `Invalid gateway configuration:\n${issues.map((i) => `  ${i.path}: ${i.message}`).join('\n')}`,
      issues,
    );
  }
  return result.data!;
}

/** "expected string, received undefined" in the user's terms: what to set, and why it is needed. */
function missing(
  issue: { code: string; message: string },
  path: string[],
  origin: Map<string, string>,
  file: string | undefined,
): string | undefined {
  if (issue.code !== 'invalid_type' || !/received undefined/.test(issue.message)) return undefined;
  const parent = path.slice(0, -1).join('.');
  const siblings = [...origin.keys()].filter((k) => parent && k.startsWith(`${parent}.`)).map((k) => origin.get(k)!);
  const because =
    siblings.length > 0 ? ` because ${siblings.join(', ')} ${siblings.length > 1 ? 'are' : 'is'} set` : '';
  const set = label(path, new Map(), file);
  return `Missing: set ${set}${because} (or unset ${siblings.length > 0 ? siblings.join(', ') : 'it'})`;
}

/** Names a config field by the variable that set it, or by the variable that would (and the file field). */
function label(path: string[], origin: Map<string, string>, file: string | undefined): string {
  for (let n = path.length; n > 0; n--) {
    const key = path.slice(0, n).join('.');
    const from = origin.get(key);
    if (from) return from;
  }
  const key = path.join('.');
  const env = GATEWAY_ENV.find((e) => e.path === key || (key.startsWith(`${e.path}.`) && e.kind === 'list'))?.env;
  const inFile = file ? `${file}: ${key || '(root)'}` : undefined;
  return [env, inFile].filter(Boolean).join(' / ') || key;
}

function setPath(target: Record<string, unknown>, path: string, value: unknown) {
  const parts = path.split('.');
  let node = target;
  for (const part of parts.slice(0, -1)) {
    const next = node[part];
    if (!next || typeof next !== 'object') node[part] = {};
    node = node[part] as Record<string, unknown>;
  }
  node[parts.at(-1)!] = value;
}
