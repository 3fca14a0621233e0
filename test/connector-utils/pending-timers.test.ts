// A caller awaiting a retry backoff must not see its process exit under it: the system clock unrefs
// its timers, so the sleep a pending call waits on has to be ref'd again.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { clockSleep } from 'handover-kit/connector-utils';
import { createFakeClock } from 'handover-kit/testing';
import { MissingPeerDependencyError, loadPeer } from '../../src/gateway/redis/optional';

const root = fileURLToPath(new URL('../../', import.meta.url));

function runAlone(code: string) {
  return spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], {
    cwd: root,
    encoding: 'utf8',
    timeout: 15_000,
  });
}

describe('timers a pending call waits on', () => {
  it('a clockSleep on the system clock keeps the process alive until it resolves', () => {
    const r = runAlone(`
      import { systemClock } from './src/clock.ts';
      import { clockSleep } from './src/connector-utils/retry.ts';
      await clockSleep(systemClock)(150);
      console.log('woke up');`);
    expect(r.stdout + r.stderr).toContain('woke up');
    expect(r.status).toBe(0);
  });

  it('an HttpClient retry backoff on the system clock is awaited to the end', () => {
    // Port 9 on loopback refuses: a retryable connect error, then backoff sleeps, then the final error.
    const r = runAlone(`
      import { systemClock } from './src/clock.ts';
      import { HttpClient } from './src/connector-utils/http.ts';
      const http = new HttpClient({ vendor: 'acme', baseUrl: 'http://127.0.0.1:9', clock: systemClock, retry: { maxAttempts: 3, baseDelayMs: 100 } });
      try { await http.send({ method: 'GET', path: '/x', operation: 'probe' }); } catch (e) { console.log('failed with', e.code, http.requestCount); }`);
    expect(r.stdout, r.stderr).toMatch(/failed with \w+ 3/);
    expect(r.status).toBe(0);
  });

  it('follows a fake clock in tests', async () => {
    const clock = createFakeClock();
    let woke = false;
    void clockSleep(clock)(1000).then(() => (woke = true));
    await clock.advance(999);
    expect(woke).toBe(false);
    await clock.advance(1);
    expect(woke).toBe(true);
  });
});

describe('optional peer dependencies', () => {
  it('a missing ioredis / bullmq is a typed error naming the package and the install command', () => {
    const missing = (id: string) => {
      throw Object.assign(new Error(`Cannot find module '${id}'`), { code: 'MODULE_NOT_FOUND' });
    };
    const error = (() => {
      try {
        loadPeer('bullmq', undefined, missing);
      } catch (e) {
        return e;
      }
    })();
    expect(MissingPeerDependencyError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ code: 'invalid_config', packageName: 'bullmq', details: { package: 'bullmq' } });
    expect((error as Error).message).toContain('npm install ioredis bullmq');
  });

  it('a broken installed package is not reported as missing', () => {
    const broken = () => {
      throw Object.assign(new Error("Cannot find module './lib/x'"), { code: 'MODULE_NOT_FOUND' });
    };
    expect(() => loadPeer('ioredis', undefined, broken)).toThrow("Cannot find module './lib/x'");
  });
});
