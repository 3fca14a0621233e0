/**
 * Real redis-server processes for the Cluster and Sentinel tests: loopback, free ports, no
 * persistence, a private temp directory; every wait is bounded and `stop()` kills what was started.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { freePort, ping } from '../setup/redis';

export interface RedisProc {
  port: number;
  process: ChildProcess;
}

export class RedisProcs {
  readonly dir = mkdtempSync(join(tmpdir(), 'hk-redis-'));
  private readonly started: RedisProc[] = [];

  /** Starts `redis-server` with `args` (or a config file written from `config` lines) and waits for PONG. */
  async start(args: string[], config?: (port: number) => string[]): Promise<RedisProc> {
    const port = await freePort();
    const base = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', this.dir];
    let argv = [...base, ...args];
    if (config) {
      const file = join(this.dir, `${port}.conf`);
      writeFileSync(file, [`port ${port}`, 'bind 127.0.0.1', `dir ${this.dir}`, ...config(port)].join('\n') + '\n');
      argv = [file, ...args];
    }
    const proc = spawn('redis-server', argv, { stdio: 'ignore' });
    const entry = { port, process: proc };
    this.started.push(entry);
    await until(() => ping(port), 5_000, `redis-server on ${port}`);
    return entry;
  }

  /** Three masters, slots split by `redis-cli --cluster create`; resolves once every node says ok. */
  async cluster(masters = 3): Promise<RedisProc[]> {
    const nodes: RedisProc[] = [];
    for (let i = 0; i < masters; i++) {
      nodes.push(
        await this.start([
          '--cluster-enabled',
          'yes',
          '--cluster-config-file',
          join(this.dir, `nodes-${i}.conf`),
          '--cluster-node-timeout',
          '2000',
        ]),
      );
    }
    await run('redis-cli', ['--cluster', 'create', ...nodes.map((n) => `127.0.0.1:${n.port}`), '--cluster-yes']);
    await until(
      async () =>
        (await Promise.all(nodes.map((n) => info(n.port, ['CLUSTER', 'INFO'])))).every((i) =>
          i.includes('cluster_state:ok'),
        ),
      10_000,
      'cluster_state:ok',
    );
    return nodes;
  }

  kill(proc: RedisProc): void {
    proc.process.kill('SIGKILL');
  }

  async stop(): Promise<void> {
    await Promise.all(
      this.started.map(
        (p) =>
          new Promise<void>((resolve) => {
            if (p.process.exitCode !== null || p.process.signalCode) return resolve();
            p.process.once('exit', () => resolve());
            p.process.kill('SIGKILL');
          }),
      ),
    );
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** One command's reply as text, on a short-lived connection. */
export async function info(port: number, command: string[]): Promise<string> {
  const redis = new Redis({
    port,
    host: '127.0.0.1',
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  try {
    await redis.connect();
    const reply = await redis.call(command[0]!, ...command.slice(1));
    return JSON.stringify(reply).replace(/\\r\\n/g, '\n');
  } catch (error) {
    return `error: ${(error as Error).message}`;
  } finally {
    redis.disconnect();
  }
}

export async function until(check: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function run(cmd: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout!.on('data', (c) => (out += c));
    child.stderr!.on('data', (c) => (out += c));
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      if (code === 0) resolve();
      else reject(new Error(`${cmd} ${args.join(' ')} exited ${code}:\n${out}`));
    });
  });
}
