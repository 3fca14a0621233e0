/**
 * The `handover-kit` command line (the `bin` is `src/cli.ts`, which only calls `runCli`):
 *   handover-kit gateway [--config <file>]          run the gateway (config from env vars and the file)
 *   handover-kit playground [--no-open]              the gateway with the playground, opened in a browser
 *   handover-kit providers list|get|add|update|rm|test|export|import|types   manage providers over HTTP
 *   handover-kit keys generate|rotate                encryption keys for secrets at rest (cli-keys.ts)
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { HandoverConfigError, HandoverError } from '../contract';
import { createProviderAdminClient } from '../client/admin-client';
import { GATEWAY_ENV, loadGatewayConfig } from './config';
import type { Gateway } from './gateway';
import { startGateway } from './start';
import { runExtension } from '../extension-build/cli';
import { KEYS_USAGE, apiKeyCommand, runKeys } from './cli-keys';
import { writePrivateFile } from './secrets/files';
import { listOutput } from './cli-output';

const SERVER_FLAGS = `      --port <n>          port to listen on (default 8080; env HANDOVER_GATEWAY_PORT)
      --host <address>    interface (default 127.0.0.1; 0.0.0.0 in a container; env HANDOVER_GATEWAY_HOST)
      --config <file>     JSON config file (same fields as the env vars; env HANDOVER_GATEWAY_CONFIG)
      -h, --help          this help`;

const HELP: Record<string, string> = {
  keys: `Usage:
${KEYS_USAGE}
`,
  apikeys: `Usage: handover-kit apikeys list
       handover-kit apikeys create --name <name> --scope nodes|admin [--providers <id,id>]
       handover-kit apikeys revoke <id>
      [--url <gateway url>] [--key <admin key>]

Named API keys. The new key is printed once; only its hash is stored.
`,
  main: `Usage: handover-kit <command> [options]

Commands:
  gateway       run the handover gateway
  playground    the gateway with the playground (sample flow, customer chat, agent desk) in your browser
  providers     manage handover providers on a running gateway (list, add, test, …)
  extension     build a Cognigy extension with the handover nodes and your own (init, build)
  keys          encryption keys for secrets at rest (generate, rotate)
  apikeys       named API keys on a running gateway (list, create, revoke)
  help          this help; "handover-kit help <command>" or "handover-kit <command> --help" for one command
`,
  gateway: `Usage: handover-kit gateway [--port <n>] [--host <address>] [--config <file>]

Runs the handover gateway. Configuration: flags over environment variables over the JSON file. With
nothing configured: in-memory store, a "simulated" provider with a scripted agent, generated API keys.

Options:
${SERVER_FLAGS}

Environment:
${GATEWAY_ENV.map((e) => `  ${e.env.padEnd(40)} ${e.description}`).join('\n')}
  ${'HANDOVER_GATEWAY_CONFIG'.padEnd(40)} Path of a JSON config file (same fields, env vars win).
`,
  playground: `Usage: handover-kit playground [--port <n>] [--host <address>] [--config <file>] [--no-open]
         [--queue-updates <s>] [--inactivity <s>]

The gateway as "handover-kit gateway" starts it, with the playground at /playground: a sample flow of
the five nodes, a customer chat and an agent desk on the embedded simulated contact center.

Options:
${SERVER_FLAGS}
      --no-open           print the addresses, do not open a browser
      --queue-updates <s> queue position updates every <s> seconds (default 10, at least 5)
      --inactivity <s>    inactivity event after <s> seconds of silence (default 60, at least 5)
`,
  providers: `Usage: handover-kit providers <command> [--url <gateway url>] [--key <admin key>]

Commands:
  list [--json]                       the providers (secrets masked)
  get <id>                            one provider as JSON
  add --type <type> --name <name> [--id <id>] [--settings <json> | --settings-file <file>] [--set key=value ...]
  update <id> [--name <name>] [--settings <json>] [--set key=value ...]
  rm <id>                             delete a provider
  test <id>                           test the connection (authenticates, checks the configured resources)
  export [--include-secrets] [--out <file>]
  import <file> [--mode merge|replace]
  types                               connector types and their settings

--url defaults to HANDOVER_GATEWAY_URL or http://127.0.0.1:8080; --key to HANDOVER_GATEWAY_KEY.
`,
  extension: `Usage: handover-kit extension <command> [dir]

Commands:
  init [dir] [--name <name>]          a Cognigy extension project: the five handover nodes plus an example
                                      node of your own (src/module.ts, README.md, tsconfig.json)
  build [dir] [--entry <file>] [--target <node18>]
                                      bundle src/module.ts into build/module.js (needs esbuild:
                                      npm install --save-dev esbuild) and write <name>-<version>.tar.gz,
                                      the file you upload in Cognigy.AI (Manage > Extensions)
`,
};

class UsageError extends Error {
  constructor(
    message: string,
    readonly command = 'main',
  ) {
    super(message);
  }
}

export interface CliIO {
  stdout(text: string): void;
  stderr(text: string): void;
  env: Record<string, string | undefined>;
  /** Opens a URL in a browser (default: the platform's opener, best effort). */
  open?: (url: string, io: CliIO) => void;
}

const processIO: CliIO = {
  stdout: (t) => process.stdout.write(t),
  stderr: (t) => process.stderr.write(t),
  env: process.env,
};

/** Runs one command line; resolves to the exit code (0 ok, 1 failed, 2 usage). Errors are printed, not thrown. */
export async function runCli(argv: string[], io: CliIO = processIO): Promise<number> {
  try {
    return await dispatch(argv, io);
  } catch (error) {
    return report(error, io, argv[0]);
  }
}

async function dispatch(argv: string[], io: CliIO): Promise<number> {
  const [command, ...rest] = argv;
  if (command && command in HELP && command !== 'main' && (rest.includes('--help') || rest.includes('-h'))) {
    io.stdout(HELP[command]!);
    return 0;
  }
  switch (command) {
    case 'gateway':
      return runGateway(rest, io);
    case 'playground':
      return runPlayground(rest, io);
    case 'providers':
      return runProviders(rest, io);
    case 'extension':
      return runExtension(rest, io, (message) => new UsageError(message, 'extension'));
    case 'keys':
      return runKeys(rest, io);
    case 'apikeys':
      return runProviders(['keys', ...rest], io);
    case 'help':
      if (rest[0] && !(rest[0] in HELP))
        throw new UsageError(
          `No help for "${rest[0]}": the commands are gateway, playground, providers, extension, keys, apikeys`,
        );
      io.stdout(HELP[rest[0] ?? 'main']!);
      return 0;
    case undefined:
    case '--help':
    case '-h':
      io.stdout(HELP.main!);
      return command === undefined ? 2 : 0;
    default:
      throw new UsageError(
        `Unknown command "${command}": the commands are gateway, playground, providers, extension, keys, apikeys`,
      );
  }
}

const serverOptions = {
  config: { type: 'string' },
  port: { type: 'string' },
  host: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** --port, --host and --config, the same on gateway and playground; errors name the flag. */
function serverConfig(values: { port?: string; host?: string; config?: string }, io: CliIO, command: string) {
  if (values.port !== undefined && !/^\d{1,5}$/.test(values.port))
    throw new UsageError(`--port takes a port number (0–65535), got "${values.port}"`, command);
  if (values.port !== undefined && Number(values.port) > 65_535)
    throw new UsageError(`--port takes a port number (0–65535), got "${values.port}"`, command);
  if (values.host !== undefined && !values.host.trim())
    throw new UsageError('--host takes an address, e.g. 127.0.0.1 or 0.0.0.0', command);
  return loadGatewayConfig({
    env: io.env,
    file: values.config,
    flags: [
      { path: 'port', flag: '--port', value: values.port === undefined ? undefined : Number(values.port) },
      { path: 'host', flag: '--host', value: values.host },
    ],
  });
}

function parse<T extends ParseArgsConfig>(config: T, command: string): ReturnType<typeof parseArgs<T>> {
  try {
    return parseArgs(config);
  } catch (error) {
    // node's parseArgs message, in the user's terms: what they typed, and where the options are.
    const message = (error as Error).message.replace(/\. To specify a positional argument.*$/s, '');
    throw new UsageError(`${message} (handover-kit ${command} does not take it)`, command);
  }
}

async function runGateway(args: string[], io: CliIO): Promise<number> {
  const { values } = parse({ args, options: serverOptions, strict: true }, 'gateway');
  const config = serverConfig(values, io, 'gateway');
  const { gateway } = await startGateway(config, { print: (text) => io.stderr(`${text}\n`) });
  return serveUntilSignal(gateway, io);
}

async function runPlayground(args: string[], io: CliIO): Promise<number> {
  const options = {
    ...serverOptions,
    'no-open': { type: 'boolean' },
    'queue-updates': { type: 'string' },
    inactivity: { type: 'string' },
  } as const;
  const { values } = parse({ args, options, strict: true }, 'playground');
  const seconds = (value: string | undefined, flag: string) => {
    if (value === undefined) return undefined;
    const n = Number(value);
    if (!Number.isFinite(n) || n < 5)
      throw new UsageError(`--${flag} takes a number of seconds (at least 5), got "${value}"`, 'playground');
    return n;
  };
  const playground = {
    queueUpdateSeconds: seconds(values['queue-updates'], 'queue-updates'),
    inactivitySeconds: seconds(values.inactivity, 'inactivity'),
  };
  const config = serverConfig(values, io, 'playground');
  const started = await startGateway(config, { print: (text) => io.stderr(`${text}\n`), playground });
  if (!values['no-open'] && started.pages.playground) (io.open ?? openBrowser)(started.pages.playground, io);
  return serveUntilSignal(started.gateway, io);
}

/** Best effort: the platform's "open this URL" command; a failure only prints a hint. */
function openBrowser(url: string, io: CliIO): void {
  const [command, args] =
    process.platform === 'darwin'
      ? ['open', [url]]
      : process.platform === 'win32'
        ? ['cmd', ['/c', 'start', '""', url]]
        : ['xdg-open', [url]];
  const hint = () => io.stderr('Could not open a browser: open the playground address above (or pass --no-open).\n');
  try {
    const child = spawn(command, args, { stdio: 'ignore', detached: true });
    child.on('error', hint);
    child.unref();
  } catch {
    hint();
  }
}

async function serveUntilSignal(gateway: Gateway, io: CliIO): Promise<number> {
  await new Promise<void>((resolve) => {
    let stopping = false;
    const stop = (signal: string) => {
      if (stopping) {
        io.stderr(`${signal} again: exiting without waiting\n`);
        process.exit(1);
      }
      stopping = true;
      gateway.logger.info('shutting down', { signal });
      void gateway.close().then(resolve, (error) => {
        gateway.logger.error('shutdown failed', { error: (error as Error).message });
        resolve();
      });
    };
    process.on('SIGTERM', () => stop('SIGTERM'));
    process.on('SIGINT', () => stop('SIGINT'));
  });
  return 0;
}

async function runProviders(args: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parse(
    {
      args,
      strict: true,
      allowPositionals: true,
      options: {
        url: { type: 'string' },
        key: { type: 'string' },
        json: { type: 'boolean' },
        type: { type: 'string' },
        name: { type: 'string' },
        id: { type: 'string' },
        settings: { type: 'string' },
        'settings-file': { type: 'string' },
        set: { type: 'string', multiple: true },
        'include-secrets': { type: 'boolean' },
        out: { type: 'string' },
        mode: { type: 'string' },
        scope: { type: 'string' },
        providers: { type: 'string' },
      },
    },
    'providers',
  );
  const [sub, arg] = positionals;
  const url = values.url ?? io.env.HANDOVER_GATEWAY_URL ?? 'http://127.0.0.1:8080';
  const key = values.key ?? io.env.HANDOVER_GATEWAY_KEY;
  if (!sub)
    throw new UsageError(
      'providers needs a command: list, get, add, update, rm, test, export, import or types',
      'providers',
    );
  if (!key)
    throw new UsageError(
      "An admin API key is needed: --key <key> or HANDOVER_GATEWAY_KEY (one of the gateway's " +
        'HANDOVER_GATEWAY_ADMIN_KEYS)',
      'providers',
    );
  const client = createProviderAdminClient({ url, apiKey: key });
  const out = (value: unknown) => io.stdout(`${typeof value === 'string' ? value : JSON.stringify(value, null, 2)}\n`);
  const need = (what: string) => {
    if (!arg) throw new UsageError(`providers ${sub} needs ${what}`);
    return arg;
  };
  try {
    switch (sub) {
      case 'list': {
        const items = await client.list();
        out(
          listOutput(items, {
            json: values.json,
            empty: 'No providers.',
            head: ['ID', 'TYPE', 'NAME', 'WEBHOOK URL (paste into the vendor)'],
            row: (p) => [p.id, p.type, p.name, (p as { webhookUrl?: string }).webhookUrl ?? '-'],
          }),
        );
        return 0;
      }
      case 'get':
        out(await client.get(need('a provider id')));
        return 0;
      case 'add': {
        if (!values.type || !values.name) throw new UsageError('providers add needs --type and --name');
        const settings = settingsFrom(values);
        const created = await client.create({
          ...(values.id ? { id: values.id } : {}),
          name: values.name,
          type: values.type,
          ...(settings ? { settings } : {}),
        });
        if (values.json) out(created);
        else out(`Created ${created.type} provider "${created.name}" (${created.id}).`);
        return 0;
      }
      case 'update': {
        const settings = settingsFrom(values);
        const updated = await client.update(need('a provider id'), {
          ...(values.name ? { name: values.name } : {}),
          ...(settings ? { settings } : {}),
        });
        out(values.json ? updated : `Updated ${updated.id}.`);
        return 0;
      }
      case 'rm':
        await client.remove(need('a provider id'));
        out(`Deleted ${arg}.`);
        return 0;
      case 'test': {
        const result = await client.test(need('a provider id'));
        out(result);
        return result.ok ? 0 : 1;
      }
      case 'export': {
        const data = await client.export({ includeSecrets: values['include-secrets'] === true });
        if (values.out) {
          writePrivateFile(values.out, `${JSON.stringify(data, null, 2)}\n`);
          const secrets = values['include-secrets'] ? ' (with secrets: keep it safe)' : '';
          io.stderr(`Exported ${data.providers.length} provider(s) to ${values.out}${secrets}.\n`);
        } else out(data);
        return 0;
      }
      case 'import': {
        const mode = values.mode ?? 'merge';
        if (mode !== 'merge' && mode !== 'replace') throw new UsageError('--mode must be merge or replace');
        const file = need('a file');
        const result = await client.import(readJsonFile(file), { mode });
        out(`Imported: ${result.created} created, ${result.updated} updated, ${result.deleted} deleted.`);
        return 0;
      }
      case 'keys':
        return await apiKeyCommand(client, positionals.slice(1), values, out);
      case 'types': {
        const types = await client.services();
        out(
          values.json
            ? types
            : types.map((t) => `${t.type}\t${t.label}${t.description ? ` — ${t.description}` : ''}`).join('\n'),
        );
        return 0;
      }
      default:
        throw new UsageError(
          `Unknown providers command "${sub}": use list, get, add, update, rm, test, export, import or types`,
          'providers',
        );
    }
  } finally {
    await client.close();
  }
}

function settingsFrom(values: {
  settings?: string;
  'settings-file'?: string;
  set?: string[];
}): Record<string, unknown> | undefined {
  let settings: Record<string, unknown> | undefined;
  if (values.settings) settings = parseObject(values.settings, '--settings');
  if (values['settings-file'])
    settings = { ...settings, ...(readJsonFile(values['settings-file']) as Record<string, unknown>) };
  for (const pair of values.set ?? []) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new UsageError(`--set expects key=value, got "${pair}"`);
    const raw = pair.slice(eq + 1);
    let value: unknown = raw;
    try {
      value = JSON.parse(raw);
    } catch {
      // a plain string
    }
    settings = { ...settings, [pair.slice(0, eq)]: value };
  }
  return settings;
}

function parseObject(text: string, what: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new UsageError(`${what} is not valid JSON`);
  }
  if (!value || typeof value !== 'object' || Array.isArray(value))
    throw new UsageError(`${what} must be a JSON object`);
  return value as Record<string, unknown>;
}

function readJsonFile(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new UsageError(`Cannot read ${file}: ${(error as Error).message}`);
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new UsageError(`${file} is not valid JSON`);
  }
}

function report(error: unknown, io: CliIO, command: string | undefined): number {
  if (error instanceof UsageError) {
    const help = error.command === 'main' ? 'handover-kit help' : `handover-kit ${error.command} --help`;
    io.stderr(`error: ${error.message}\n\nRun "${help}" for usage.\n`);
    return 2;
  }
  const redis = redisUnreachable(error, io.env);
  if (redis) {
    io.stderr(`error: ${redis}\n`);
    return 1;
  }
  if (HandoverError.isInstance(error)) {
    io.stderr(`error (${error.code}): ${error.message}\n`);
    if (HandoverConfigError.isInstance(error) && !error.message.includes('\n'))
      for (const i of error.issues) io.stderr(`  ${i.path}: ${i.message}\n`);
  } else io.stderr(`error: ${(error as Error)?.message ?? String(error)}\n`);
  if (command === 'gateway' || command === 'playground')
    io.stderr(`\nRun "handover-kit ${command} --help" for the options and environment variables.\n`);
  return 1;
}

/**
 * ioredis' own errors ("Reached the max retries per request limit", ECONNREFUSED …) as one line that says what to
 * check.
 */
const REDIS_UNREACHABLE = new RegExp(
  [
    'max retries per request',
    'ECONNREFUSED',
    'ENOTFOUND',
    'Connection is closed',
    'MaxRetriesPerRequestError',
    'NOAUTH',
    'WRONGPASS',
    'ETIMEDOUT',
  ].join('|'),
  'i',
);

function redisUnreachable(error: unknown, env: Record<string, string | undefined>): string | undefined {
  const e = error as { name?: string; message?: string; code?: string } | undefined;
  const text = `${e?.name ?? ''} ${e?.message ?? ''} ${e?.code ?? ''}`;
  if (!REDIS_UNREACHABLE.test(text)) return undefined;
  if (!env.HANDOVER_REDIS_URL && !/redis/i.test(text + ((error as Error)?.stack ?? ''))) return undefined;
  const where = env.HANDOVER_REDIS_URL ? redactUrl(env.HANDOVER_REDIS_URL) : 'the configured Redis';
  const why = /NOAUTH|WRONGPASS/i.test(text)
    ? 'the password was refused'
    : /ENOTFOUND/i.test(text)
      ? 'the host name does not resolve'
      : 'no answer (is redis-server running and reachable?)';
  return (
    `Cannot use Redis at ${where} (HANDOVER_REDIS_URL): ${why}. Fix the URL or start Redis; ` +
    'without HANDOVER_REDIS_URL the gateway keeps everything in memory.'
  );
}

function redactUrl(url: string): string {
  return url.replace(/\/\/([^@/]*)@/, '//***@');
}
