// The published package as a user gets it: `npm pack`, installed into a scratch project (no Redis
// stack), then the README / docs snippets unchanged under ESM and CJS, `tsc` for a consumer under
// node16, bundler and legacy node resolution, are-the-types-wrong, and a Cognigy extension built with
// `npx handover-kit extension init|build` and loaded the way Cognigy loads it.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectSnippets, DONE, prepareSnippet, repoRoot, runSnippetFile, snippetEnv } from '../docs/snippets';
import { NODES_KEY, startTestGateway, type TestGateway } from '../gateway/helpers';

const scratch = mkdtempSync(join(tmpdir(), 'hk-pack-'));
const bin = (name: string) => join(repoRoot, 'node_modules/.bin', name);
let tarball = '';

function sh(cmd: string, args: string[], cwd: string) {
  const r = spawnSync(cmd, args, {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, npm_config_audit: 'false', npm_config_fund: 'false' },
  });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}):\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

beforeAll(() => {
  if (!existsSync(join(repoRoot, 'dist/cli.js'))) sh('npx', ['tsup', '--silent'], repoRoot);
  // --ignore-scripts: dist/ is built already (npm test builds it first).
  const packed = JSON.parse(sh('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', scratch], repoRoot));
  tarball = join(scratch, packed[0].filename);
  writeFileSync(join(scratch, 'package.json'), JSON.stringify({ name: 'scratch', private: true }));
  // What a user installs: the package (and esbuild, which the extension template lists). From npm's cache when it can.
  sh('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', tarball, 'esbuild@^0.27.0'], scratch);
  for (const [dir, type] of [
    ['esm', 'module'],
    ['cjs', 'commonjs'],
  ] as const) {
    mkdirSync(join(scratch, dir));
    writeFileSync(join(scratch, dir, 'package.json'), JSON.stringify({ name: `scratch-${dir}`, private: true, type }));
  }
}, 300_000);

describe('the packed tarball', () => {
  it('carries no sourcemaps or screenshots, and a LICENSE', () => {
    const files = execFileSync('tar', ['-tzf', tarball], { encoding: 'utf8' }).split('\n').filter(Boolean);
    expect(files.filter((f) => f.endsWith('.map') || f.endsWith('.png'))).toEqual([]);
    expect(files).toEqual(
      expect.arrayContaining([
        'package/LICENSE',
        'package/README.md',
        'package/dist/index.js',
        'package/dist/extension.cjs',
      ]),
    );
  });

  it('installs without the Redis stack: ioredis, bullmq and their native msgpack are optional peers', () => {
    const installed = readdirSync(join(scratch, 'node_modules'));
    for (const name of ['ioredis', 'bullmq', 'msgpackr', 'luxon', 'cron-parser']) expect(installed).not.toContain(name);
  });

  const snippets = collectSnippets().filter((s) => s.lang === 'ts' && !s.include);
  for (const format of ['esm', 'cjs'] as const) {
    it(`runs every README / docs snippet unchanged as ${format}`, async () => {
      const env = snippetEnv();
      delete env.HANDOVER_REDIS_URL; // not installed here: see the next test
      for (const s of snippets) {
        const file = join(scratch, format, `${s.id}.${format === 'esm' ? 'mjs' : 'cjs'}`);
        writeFileSync(file, prepareSnippet(s.code, format));
        const r = await runSnippetFile(file, join(scratch, format), env);
        expect({ snippet: `${s.file}:${s.line}`, code: r.code }, `${r.out}\n${r.err}`).toEqual({
          snippet: `${s.file}:${s.line}`,
          code: 0,
        });
        expect(r.out, `${s.file}:${s.line}`).toContain(DONE);
      }
    }, 300_000);
  }

  it('a gateway configured with Redis but without ioredis says which package to install', async () => {
    const file = join(scratch, 'esm', 'redis-missing.mjs');
    writeFileSync(
      file,
      `import { createGateway, builtInConnectors } from 'handover-kit/gateway';
try {
  await createGateway({ connectors: builtInConnectors(), keys: { nodes: ['n'.repeat(16)], admin: ['a'.repeat(16)] }, redis: { url: 'redis://127.0.0.1:9' }, encryptionKeys: [{ kid: 'k1', key: Buffer.alloc(32, 1) }] });
} catch (e) { console.log(e.name, e.code, e.packageName, e.message); }`,
    );
    const r = await runSnippetFile(file, join(scratch, 'esm'), {});
    expect(r.out).toContain('MissingPeerDependencyError invalid_config ioredis');
    expect(r.out).toContain('npm install ioredis bullmq');
  });

  it.each([
    ['node16', { module: 'node16', moduleResolution: 'node16' }],
    ['bundler', { module: 'esnext', moduleResolution: 'bundler' }],
    ['legacy node', { module: 'commonjs', moduleResolution: 'node' }],
  ])(
    'type-checks a consumer under %s resolution',
    (name, options) => {
      const dir = join(scratch, `tsc-${name.replace(' ', '-')}`);
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'consumer', private: true }));
      writeFileSync(
        join(dir, 'tsconfig.json'),
        JSON.stringify({
          compilerOptions: {
            ...options,
            target: 'es2022',
            strict: true,
            noEmit: true,
            esModuleInterop: true,
            skipLibCheck: true,
            types: ['node'],
            typeRoots: [join(repoRoot, 'node_modules/@types')],
          },
          include: ['consumer.ts'],
        }),
      );
      writeFileSync(join(dir, 'consumer.ts'), CONSUMER);
      const r = spawnSync(bin('tsc'), ['-p', dir], { encoding: 'utf8' });
      expect(r.stdout + r.stderr).toBe('');
      expect(r.status).toBe(0);
    },
    120_000,
  );

  it('are-the-types-wrong finds no problem in any entry under any resolution', () => {
    const r = spawnSync(bin('attw'), [tarball, '--format', 'ascii'], { encoding: 'utf8' });
    expect(r.stdout, r.stderr).toContain('No problems found');
    expect(r.status).toBe(0);
  }, 120_000);
});

describe('a Cognigy extension from the installed package', () => {
  let gw: TestGateway;
  const unpacked = mkdtempSync(join(tmpdir(), 'hk-ext-'));
  let printed = '';
  beforeAll(async () => {
    sh('npx', ['handover-kit', 'extension', 'init', 'acme-ext'], scratch);
    printed = sh('npx', ['handover-kit', 'extension', 'build', 'acme-ext'], scratch);
    execFileSync('tar', ['-xzf', join(scratch, 'acme-ext/acme-ext-1.0.0.tar.gz'), '-C', unpacked]);
    gw = await startTestGateway();
  }, 300_000);
  afterAll(async () => gw?.close());

  it('type-checks under the stock extension tsconfig (moduleResolution node)', () => {
    const r = spawnSync(bin('tsc'), ['-p', join(scratch, 'acme-ext'), '--noEmit'], { encoding: 'utf8' });
    expect(r.stdout + r.stderr).toBe('');
  }, 120_000);

  it('builds build/module.js under 300 KB, without undici', () => {
    const size = statSync(join(unpacked, 'build/module.js')).size;
    expect(size).toBeLessThan(300 * 1024);
    expect(printed).toContain('build/module.js:');
    expect(readFileSync(join(unpacked, 'build/module.js'), 'utf8')).not.toContain('undici');
  });

  it('loads as Cognigy loads it and runs the handover nodes and the user node against a gateway', async () => {
    const extension = createRequire(import.meta.url)(join(unpacked, 'build/module.js')).default;
    const types = extension.nodes.map((n: { type: string }) => n.type);
    expect(types).toEqual(
      expect.arrayContaining([
        'handoverToAgent',
        'checkAgentAvailability',
        'lookupHandoverStatus',
        'closeHandover',
        'setHandoverInactivity',
        'greet',
      ]),
    );
    const said: string[] = [];
    let next: string | undefined;
    const api = {
      say: (t: string) => said.push(t),
      log: () => {},
      addToContext: () => {},
      addToInput: () => {},
      setNextNode: (id: string) => void (next = id),
      stopExecution: () => {},
    };
    const input = { userId: 'pack-user', sessionId: 'pack-session', URLToken: 't', inputId: 'i1', text: 'agent' };
    const check = extension.nodes.find((n: { type: string }) => n.type === 'checkAgentAvailability');
    const childConfigs = (check.dependencies?.children ?? []).map((t: string) => ({ id: t, type: t, config: {} }));
    await check.function({
      cognigy: { api, input, context: {}, profile: {} },
      config: { connection: { url: gw.url, apiKey: NODES_KEY }, providerId: 'sim' },
      childConfigs,
      nodeId: 'n1',
    });
    expect(next).toBe('onAgentsAvailable');
    const greet = extension.nodes.find((n: { type: string }) => n.type === 'greet');
    await greet.function({
      cognigy: { api, input, context: {}, profile: {} },
      config: { name: 'Ada' },
      childConfigs: [],
      nodeId: 'n2',
    });
    expect(said).toContain('Hello Ada!');
  });
});

// Every subpath, a value and a type from each: what a consumer writes.
const CONSUMER = `import { createHandoverKit, HandoverError, type HandoverApi } from 'handover-kit';
import { defineConnector, type HandoverConnectorV1 } from 'handover-kit/contract';
import { HttpClient, retryWithBackoff } from 'handover-kit/connector-utils';
import { createFlowTester, type FlowDefinition } from 'handover-kit/testing';
import { createGateway, type GatewayOptions } from 'handover-kit/gateway';
import { createGatewayHandoverNodes, handoverGatewayConnection } from 'handover-kit/extension';
import { simulatedConnector } from 'handover-kit/connectors/simulated';
import { genesysConnector } from 'handover-kit/connectors/genesys';
import { chatwootConnector } from 'handover-kit/connectors/chatwoot';
import { zendeskConnector } from 'handover-kit/connectors/zendesk';

const flow: FlowDefinition = { start: 'a', nodes: { a: { say: 'hi' } } };
const api: HandoverApi | undefined = undefined;
const connector: HandoverConnectorV1 | undefined = undefined;
const options: Partial<GatewayOptions> = { port: 0 };
export const used = [createHandoverKit, HandoverError, defineConnector, HttpClient, retryWithBackoff, createFlowTester, createGateway,
  createGatewayHandoverNodes, handoverGatewayConnection.type, simulatedConnector, genesysConnector, chatwootConnector, zendeskConnector, flow, api, connector, options];
`;
