import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runCli } from 'handover-kit/gateway';

const CLI = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));

/** `npx handover-kit playground` is `node dist/cli.js playground`: run the built one, as a user would. */
describe('handover-kit playground', () => {
  it('starts a newcomer gateway with the playground and prints both addresses; SIGTERM stops it', async () => {
    expect(existsSync(CLI), 'dist/cli.js is missing: build first (npm test does)').toBe(true);
    const env = Object.fromEntries(
      Object.entries(process.env).filter(([k]) => !k.startsWith('HANDOVER_') && !k.startsWith('COGNIGY_')),
    );
    const child = spawn(process.execPath, [CLI, 'playground', '--no-open', '--port', '0', '--queue-updates', '15'], {
      env: { ...env, HANDOVER_LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (c) => (stderr += c));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      const deadline = Date.now() + 15_000;
      while (!/Playground: +\S+/.test(stderr) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      const playground = /Playground: +(http:\/\/127\.0\.0\.1:\d+\/playground)#key=(\S+)/.exec(stderr);
      expect(playground, stderr).not.toBeNull();
      const [, url, key] = playground!;
      expect(stderr).toMatch(new RegExp(`Console \\(providers\\): ${url!.replace('/playground', '/console')}#key=`));
      const admin = { 'x-api-key': decodeURIComponent(key!) };
      for (const path of ['/playground', '/console']) {
        const res = await fetch(url!.replace('/playground', path), { headers: admin });
        expect(res.status, path).toBe(200);
        expect(await res.text()).toContain(`ui/${path.slice(1)}.js`);
      }
      const session = await fetch(url!.replace('/playground', '/playground/api/sessions'), {
        method: 'POST',
        headers: admin,
      });
      expect(session.status).toBe(201);
      expect((await session.json()).settings).toEqual({ queueUpdateSeconds: 15, inactivitySeconds: 60 });
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
  }, 30_000);

  it('rejects a bad timer or an unknown flag with a usage error', async () => {
    let err = '';
    const io = { stdout: () => {}, stderr: (t: string) => void (err += t), env: {} };
    expect(await runCli(['playground', '--queue-updates', '2'], io)).toBe(2);
    expect(err).toContain('--queue-updates takes a number of seconds (at least 5)');
    expect(await runCli(['playground', '--nope'], io)).toBe(2);
  });
});
