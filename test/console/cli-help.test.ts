// Each subcommand has its own help; each error names what the user typed and how to fix it.
import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/gateway/cli';

async function cli(argv: string[], env: Record<string, string> = {}) {
  let out = '';
  let err = '';
  const code = await runCli(argv, { stdout: (t) => void (out += t), stderr: (t) => void (err += t), env });
  return { code, out, err };
}

describe('handover-kit help and errors', () => {
  it.each(['gateway', 'playground', 'providers', 'extension'])(
    '%s --help prints that command only',
    async (command) => {
      const r = await cli([command, '--help']);
      expect(r).toMatchObject({ code: 0, err: '' });
      expect(r.out).toMatch(new RegExp(`^Usage: handover-kit ${command}`));
      for (const other of ['gateway', 'playground', 'providers', 'extension'].filter((c) => c !== command))
        expect(r.out).not.toContain(`Usage: handover-kit ${other}`);
      expect((await cli(['help', command])).out).toBe(r.out);
    },
  );

  it('gateway and playground take the same --port, --host and --config', async () => {
    for (const command of ['gateway', 'playground']) {
      const help = (await cli([command, '--help'])).out;
      for (const flag of ['--port', '--host', '--config']) expect(help, command).toContain(flag);
    }
  });

  it('a bad --port names the flag and what it takes', async () => {
    const r = await cli(['gateway', '--port', 'eighty']);
    expect(r.code).toBe(2);
    expect(r.err).toContain('--port takes a port number (0–65535), got "eighty"');
    expect(r.err).toContain('handover-kit gateway --help');
    expect(r.err).not.toContain('HANDOVER_GATEWAY_PORT');
  });

  it('an unknown option names the option and the command', async () => {
    const r = await cli(['gateway', '--prot', '9000']);
    expect(r).toMatchObject({ code: 2 });
    expect(r.err).toContain("Unknown option '--prot' (handover-kit gateway does not take it)");
  });

  it('a Cognigy URL without a key says which variable to set and why', async () => {
    const r = await cli(['gateway', '--port', '0'], { COGNIGY_API_BASE_URL: 'https://api-trial.cognigy.ai' });
    expect(r.code).toBe(1);
    expect(r.err).toContain('COGNIGY_API_KEY: Missing: set COGNIGY_API_KEY because COGNIGY_API_BASE_URL is set');
    expect(r.err).not.toContain('received undefined');
  });

  it('Redis that does not answer is one line naming the URL, not ioredis internals', async () => {
    const env = {
      HANDOVER_REDIS_URL: 'redis://user:pw@127.0.0.1:9/0',
      HANDOVER_ENCRYPTION_KEYS: `k1:${Buffer.alloc(32, 1).toString('base64')}`,
      HANDOVER_GATEWAY_ADMIN_KEYS: 'admin-key-0123456789abcdef',
      HANDOVER_GATEWAY_NODE_KEYS: 'nodes-key-0123456789abcdef',
      HANDOVER_LOG_LEVEL: 'silent',
    };
    const r = await cli(['gateway', '--port', '0'], env);
    expect(r.code).toBe(1);
    expect(r.err).toContain('Cannot use Redis at redis://***@127.0.0.1:9/0 (HANDOVER_REDIS_URL)');
    expect(r.err).not.toMatch(/pw|MaxRetriesPerRequest|at .*node_modules/);
  });

  it('providers without a command, or with an unknown one, lists the commands', async () => {
    expect((await cli(['providers'])).err).toContain('providers needs a command: list, get, add');
    expect((await cli(['providers', 'lsit'], { HANDOVER_GATEWAY_KEY: 'k' })).err).toContain(
      'Unknown providers command "lsit": use list',
    );
    expect((await cli(['frobnicate'])).err).toContain(
      'Unknown command "frobnicate": the commands are gateway, playground, providers, extension',
    );
  });
});
