/**
 * The `handover-kit` command line (the `bin` is `src/cli.ts`, which only calls `runCli`):
 *   handover-kit gateway [--config <file>]          run the gateway (config from env vars and the file)
 *   handover-kit playground [--no-open]              the gateway with the playground, opened in a browser
 *   handover-kit providers list|get|add|update|rm|test|export|import|types   manage providers over HTTP
 *   handover-kit keys generate|rotate                encryption keys for secrets at rest (cli-keys.ts)
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { HandoverConfigError, HandoverError } from '../contract';
import { createProviderAdminClient } from '../client/admin-client';
import { GATEWAY_ENV, loadGatewayConfig } from './config';
import type { Gateway } from './gateway';
import { startGateway } from './start';
import { KEYS_USAGE, apiKeyCommand, runKeys } from './cli-keys';
import { writePrivateFile } from './secrets/files';

const USAGE = `Usage:
  handover-kit gateway [--config <file.json>]
      Runs the handover gateway. Configuration comes from environment variables (below) over the
      optional JSON file (also HANDOVER_GATEWAY_CONFIG). With nothing configured: in-memory store, a
      "simulated" provider with a scripted agent, and generated API keys printed once.

  handover-kit playground [--no-open] [--port <n>] [--queue-updates <s>] [--inactivity <s>] [--config <file.json>]
      The gateway as above (newcomer mode when nothing is configured) with the playground: a sample
      flow of the five nodes, a customer chat and an agent desk on the embedded simulated contact
      center, at /playground. Opens it in your browser unless --no-open. Queue updates every 10 s
      and an inactivity event after 60 s of silence by default.

  handover-kit providers <command> [--url <gateway url>] [--key <admin key>]
      list [--json]                       the providers (secrets masked)
      get <id>                            one provider as JSON
      add --type <type> --name <name> [--id <id>] [--settings <json> | --settings-file <file>] [--set key=value ...]
      update <id> [--name <name>] [--settings <json>] [--set key=value ...]
      rm <id>                             delete a provider
      test <id>                           test the connection (an availability check)
      export [--include-secrets] [--out <file>]
      import <file> [--mode merge|replace]
      types                               connector types and their settings
    --url defaults to HANDOVER_GATEWAY_URL or http://127.0.0.1:8080; --key to HANDOVER_GATEWAY_KEY.

  handover-kit apikeys list | create --name <name> --scope nodes|admin [--providers <id,id>] | revoke <id>
      Named API keys (same --url / --key). The new key is printed once; only its hash is stored.

${KEYS_USAGE}

Environment (gateway):
${GATEWAY_ENV.map((e) => `  ${e.env.padEnd(40)} ${e.description}`).join('\n')}
  ${'HANDOVER_GATEWAY_CONFIG'.padEnd(40)} Path of a JSON config file (same fields, env vars win).
`;

class UsageError extends Error {}

export interface CliIO {
  stdout(text: string): void;
  stderr(text: string): void;
  env: Record<string, string | undefined>;
  /** Opens a URL in a browser (default: the platform's opener, best effort). */
  open?: (url: string, io: CliIO) => void;
}

const processIO: CliIO = { stdout: (t) => process.stdout.write(t), stderr: (t) => process.stderr.write(t), env: process.env };

/** Runs one command line; resolves to the exit code (0 ok, 1 failed, 2 usage). Errors are printed, not thrown. */
export async function runCli(argv: string[], io: CliIO = processIO): Promise<number> {
  try {
    return await dispatch(argv, io);
  } catch (error) {
    return report(error, io);
  }
}

async function dispatch(argv: string[], io: CliIO): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'gateway':
      return runGateway(rest, io);
    case 'playground':
      return runPlayground(rest, io);
    case 'providers':
      return runProviders(rest, io);
    case 'keys':
      return runKeys(rest, io);
    case 'apikeys':
      return runProviders(['keys', ...rest], io);
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      io.stdout(USAGE);
      return command === undefined ? 2 : 0;
    default:
      throw new UsageError(`Unknown command "${command}"`);
  }
}

async function runGateway(args: string[], io: CliIO): Promise<number> {
  const { values } = parseArgs({ args, options: { config: { type: 'string' }, help: { type: 'boolean' } }, strict: true });
  if (values.help) {
    io.stdout(USAGE);
    return 0;
  }
  const config = loadGatewayConfig({ env: io.env, file: values.config });
  const { gateway } = await startGateway(config, { print: (text) => io.stderr(`${text}\n`) });
  return serveUntilSignal(gateway, io);
}

async function runPlayground(args: string[], io: CliIO): Promise<number> {
  const { values } = parseArgs({
    args,
    strict: true,
    options: {
      config: { type: 'string' },
      port: { type: 'string' },
      host: { type: 'string' },
      'no-open': { type: 'boolean' },
      'queue-updates': { type: 'string' },
      inactivity: { type: 'string' },
      help: { type: 'boolean' },
    },
  });
  if (values.help) {
    io.stdout(USAGE);
    return 0;
  }
  const seconds = (value: string | undefined, flag: string) => {
    if (value === undefined) return undefined;
    const n = Number(value);
    if (!Number.isFinite(n) || n < 5) throw new UsageError(`--${flag} takes a number of seconds (at least 5)`);
    return n;
  };
  const playground = { queueUpdateSeconds: seconds(values['queue-updates'], 'queue-updates'), inactivitySeconds: seconds(values.inactivity, 'inactivity') };
  const env = { ...io.env, ...(values.port ? { HANDOVER_GATEWAY_PORT: values.port } : {}), ...(values.host ? { HANDOVER_GATEWAY_HOST: values.host } : {}) };
  const config = loadGatewayConfig({ env, file: values.config });
  const started = await startGateway(config, { print: (text) => io.stderr(`${text}\n`), playground });
  if (!values['no-open'] && started.pages.playground) (io.open ?? openBrowser)(started.pages.playground, io);
  return serveUntilSignal(started.gateway, io);
}

/** Best effort: the platform's "open this URL" command; a failure only prints a hint. */
function openBrowser(url: string, io: CliIO): void {
  const [command, args] = process.platform === 'darwin' ? ['open', [url]] : process.platform === 'win32' ? ['cmd', ['/c', 'start', '""', url]] : ['xdg-open', [url]];
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
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    strict: true,
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
  });
  const [sub, arg] = positionals;
  const url = values.url ?? io.env.HANDOVER_GATEWAY_URL ?? 'http://127.0.0.1:8080';
  const key = values.key ?? io.env.HANDOVER_GATEWAY_KEY;
  if (!key) throw new UsageError('An admin API key is needed: --key <key> or HANDOVER_GATEWAY_KEY');
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
        if (values.json) out(items);
        else if (items.length === 0) out('No providers.');
        else {
          const rows = items.map((p) => [p.id, p.type, p.name, (p as { webhookUrl?: string }).webhookUrl ?? '-']);
          out(table(['ID', 'TYPE', 'NAME', 'WEBHOOK URL (paste into the vendor)'], rows));
        }
        return 0;
      }
      case 'get':
        out(await client.get(need('a provider id')));
        return 0;
      case 'add': {
        if (!values.type || !values.name) throw new UsageError('providers add needs --type and --name');
        const settings = settingsFrom(values);
        const created = await client.create({ ...(values.id ? { id: values.id } : {}), name: values.name, type: values.type, ...(settings ? { settings } : {}) });
        if (values.json) out(created);
        else out(`Created ${created.type} provider "${created.name}" (${created.id}).`);
        return 0;
      }
      case 'update': {
        const settings = settingsFrom(values);
        const updated = await client.update(need('a provider id'), { ...(values.name ? { name: values.name } : {}), ...(settings ? { settings } : {}) });
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
          io.stderr(`Exported ${data.providers.length} provider(s) to ${values.out}${values['include-secrets'] ? ' (with secrets: keep it safe)' : ''}.\n`);
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
        out(values.json ? types : types.map((t) => `${t.type}\t${t.label}${t.description ? ` — ${t.description}` : ''}`).join('\n'));
        return 0;
      }
      default:
        throw new UsageError(sub ? `Unknown providers command "${sub}"` : 'providers needs a command');
    }
  } finally {
    await client.close();
  }
}

function settingsFrom(values: { settings?: string; 'settings-file'?: string; set?: string[] }): Record<string, unknown> | undefined {
  let settings: Record<string, unknown> | undefined;
  if (values.settings) settings = parseObject(values.settings, '--settings');
  if (values['settings-file']) settings = { ...settings, ...(readJsonFile(values['settings-file']) as Record<string, unknown>) };
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
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw new UsageError(`${what} must be a JSON object`);
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

function table(head: string[], rows: string[][]): string {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  return [head, ...rows].map((r) => r.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd()).join('\n');
}


function report(error: unknown, io: CliIO): number {
  if (error instanceof UsageError || String((error as { code?: string })?.code).startsWith('ERR_PARSE_ARGS')) {
    io.stderr(`error: ${(error as Error).message}\n\nRun "handover-kit help" for usage.\n`);
    return 2;
  }
  if (HandoverError.isInstance(error)) {
    io.stderr(`error (${error.code}): ${error.message}\n`);
    if (HandoverConfigError.isInstance(error) && !error.message.includes('\n')) for (const i of error.issues) io.stderr(`  ${i.path}: ${i.message}\n`);
  } else io.stderr(`error: ${(error as Error)?.message ?? String(error)}\n`);
  return 1;
}
