/**
 * vitest globalSetup: starts a private, throwaway `redis-server` on a free loopback port (no RDB, no
 * AOF) for the whole run, exports its URL as HANDOVER_TEST_REDIS_URL, and stops it at the end.
 * Tests share it and isolate themselves with their own key prefixes. If redis-server cannot be
 * started the run fails here, with the reason: the Redis tests are never skipped.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createServer, connect } from 'node:net';

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export function ping(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let data = '';
    socket.setTimeout(500);
    socket.on('connect', () => socket.write('PING\r\n'));
    socket.on('data', (chunk) => {
      data += chunk.toString();
      if (data.includes('\r\n')) {
        socket.destroy();
        resolve(data.startsWith('+PONG'));
      }
    });
    socket.on('error', () => resolve(false));
    socket.on('timeout', () => {
      socket.destroy();
      resolve(false);
    });
  });
}

export default async function setup(): Promise<() => Promise<void>> {
  if (spawnSync('sh', ['-c', 'command -v redis-server'], { stdio: 'ignore' }).status !== 0) {
    throw new Error(
      'redis-server is not installed: the gateway tests need it. Run `node scripts/ensure-services.mjs` (as root, it installs the Debian package) or install redis-server yourself.',
    );
  }
  let child: ChildProcess | undefined;
  let port = 0;
  let output = '';
  for (let attempt = 0; attempt < 3 && !child; attempt++) {
    port = await freePort();
    const proc = spawn(
      'redis-server',
      [
        '--port',
        String(port),
        '--bind',
        '127.0.0.1',
        '--save',
        '',
        '--appendonly',
        'no',
        '--protected-mode',
        'yes',
        '--loglevel',
        'warning',
      ],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    proc.stdout!.on('data', (c) => (output += c));
    proc.stderr!.on('data', (c) => (output += c));
    let exited = false;
    proc.once('exit', () => (exited = true));
    for (let i = 0; i < 100 && !exited; i++) {
      if (await ping(port)) {
        child = proc;
        break;
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    if (!child) proc.kill('SIGKILL');
  }
  if (!child) throw new Error(`redis-server did not start on 127.0.0.1:${port}:\n${output}`);
  process.env.HANDOVER_TEST_REDIS_URL = `redis://127.0.0.1:${port}`;
  return async () => {
    const done = new Promise((resolve) => child!.once('exit', resolve));
    child!.kill('SIGTERM');
    await Promise.race([done, new Promise((r) => setTimeout(r, 3000))]);
    if (child!.exitCode === null) child!.kill('SIGKILL');
  };
}
