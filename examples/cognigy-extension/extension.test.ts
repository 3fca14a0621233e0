// Builds the tarball Cognigy uploads (`handover-kit extension build`, from the built package) and loads
// it the way the platform does: unpack it, require build/module.js, read the nodes, run them against a
// real gateway on 127.0.0.1 — one HTTP request per execution.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NODES_KEY, startTestGateway, type TestGateway } from '../../test/gateway/helpers';

const here = fileURLToPath(new URL('.', import.meta.url));
const root = fileURLToPath(new URL('../../', import.meta.url));
const unpacked = mkdtempSync(join(tmpdir(), 'hk-extension-'));
let built = '';
let gw: TestGateway;
let extension: {
  nodes: Array<{ type: string; parentType?: string; function?: Function; dependencies?: { children: string[] } }>;
  connections: Array<{ type: string; fields: Array<{ fieldName: string }> }>;
  options: { label?: string };
};

beforeAll(async () => {
  // npm test builds dist/ first; a lone run builds it when missing.
  if (!existsSync(join(root, 'dist/cli.js'))) execFileSync('npx', ['tsup', '--silent'], { cwd: root, stdio: 'pipe' });
  built = execFileSync('node', [join(root, 'dist/cli.js'), 'extension', 'build', here], { encoding: 'utf8' });
  execFileSync('tar', ['-xzf', join(here, 'handover-kit-extension-0.1.0.tar.gz'), '-C', unpacked]);
  extension = createRequire(import.meta.url)(join(unpacked, 'build/module.js')).default;
  gw = await startTestGateway();
}, 180_000);
afterAll(async () => gw?.close());

/** Requests the gateway served on its nodes API so far (from its Prometheus metrics). */
async function nodeApiRequests(): Promise<number> {
  const text = await (await request(`${gw.url}/metrics`)).body.text();
  return text
    .split('\n')
    .filter((l) => l.startsWith('handover_http_requests_total{') && l.includes(' /v1/'))
    .reduce((sum, l) => sum + Number(l.split(' ').at(-1)), 0);
}

async function run(
  type: string,
  config: Record<string, unknown>,
  input: Record<string, unknown>,
  context: Record<string, unknown>,
) {
  const node = extension.nodes.find((n) => n.type === type)!;
  const said: string[] = [];
  let next: string | undefined;
  let stopped = false;
  const api = {
    say: (t: string) => said.push(t),
    log: () => {},
    addToContext: (k: string, v: unknown) => void (context[k] = v),
    addToInput: (k: string, v: unknown) => void (input[k] = v),
    setNextNode: (id: string) => void (next = id),
    stopExecution: () => void (stopped = true),
  };
  const childConfigs = (node.dependencies?.children ?? []).map((t) => ({ id: t, type: t, config: {} }));
  await new Promise((r) => setTimeout(r, 20)); // metrics count a request once its answer is flushed
  const before = await nodeApiRequests();
  await node.function!({
    cognigy: { api, input, context, profile: {} },
    config: { connection: { url: gw.url, apiKey: NODES_KEY }, ...config },
    childConfigs,
    nodeId: `${type}-1`,
  });
  await new Promise((r) => setTimeout(r, 20));
  return { said, next, stopped, requests: (await nodeApiRequests()) - before };
}

describe('the packaged Cognigy extension', () => {
  it('is a tarball with the module, package files, README and icon', () => {
    const entries = execFileSync('tar', ['-tzf', 'handover-kit-extension-0.1.0.tar.gz'], {
      cwd: here,
      encoding: 'utf8',
    })
      .split('\n')
      .filter(Boolean);
    expect(entries.sort()).toEqual(['README.md', 'build/module.js', 'icon.png', 'package-lock.json', 'package.json']);
    const manifest = JSON.parse(readFileSync(join(unpacked, 'package.json'), 'utf8'));
    expect(manifest).toMatchObject({ name: 'handover-kit-extension', main: 'build/module.js' });
    expect(manifest.dependencies).toBeUndefined(); // everything is bundled: the platform installs nothing
  });

  it('bundles under 300 KB, without undici, for the extension runtime', () => {
    expect(statSync(join(unpacked, 'build/module.js')).size).toBeLessThan(300 * 1024);
    expect(built).toMatch(/build\/module\.js: [\d.]+ KB/);
    expect(built).not.toContain('undici');
    expect(readFileSync(join(unpacked, 'build/module.js'), 'utf8')).not.toContain('undici');
  });

  it('loads with @cognigy/extension-tools and lists the five nodes, their branches and the connection', () => {
    const parents = extension.nodes.filter((n) => !n.parentType).map((n) => n.type);
    expect(parents).toEqual([
      'handoverToAgent',
      'checkAgentAvailability',
      'lookupHandoverStatus',
      'closeHandover',
      'handoverInactivityTimer',
      'setHandoverInactivity',
    ]);
    expect(extension.nodes.filter((n) => n.parentType).length).toBe(13);
    expect(extension.connections).toEqual([
      { type: 'handover-gateway', label: 'Handover Gateway', fields: [{ fieldName: 'url' }, { fieldName: 'apiKey' }] },
    ]);
    expect(extension.options.label).toBe('Handover Kit');
  });

  it('runs the nodes against the gateway with exactly one HTTP request per execution', async () => {
    const session = {
      userId: 'ext-user',
      sessionId: 'ext-session',
      URLToken: 'url-token',
      inputId: 'i1',
      text: 'agent please',
    };
    const context: Record<string, unknown> = {};
    const check = await run('checkAgentAvailability', { providerId: 'sim' }, { ...session }, context);
    expect(check).toMatchObject({ requests: 1, next: 'onAgentsAvailable' }); // Anna is online at the test gateway's center
    const start = await run('handoverToAgent', { providerId: 'sim', text: 'Connecting you…' }, { ...session }, context);
    expect(start).toMatchObject({ requests: 1, said: ['Connecting you…'], stopped: true });
    expect(gw.centers.get('main').listConversations()).toHaveLength(1);
    const forward = await run('lookupHandoverStatus', {}, { ...session, inputId: 'i2', text: 'hello?' }, context);
    expect(forward).toMatchObject({ requests: 1, stopped: true, said: [] });
    expect(
      gw.centers
        .get('main')
        .listConversations()[0]!
        .messages.map((m) => m.text),
    ).toContain('hello?');
    const timer = await run('handoverInactivityTimer', { timer: '2' }, { ...session }, context);
    expect(timer.requests).toBe(1);
    const close = await run('closeHandover', {}, { ...session }, context);
    expect(close.requests).toBe(1);
    expect(gw.centers.get('main').listConversations()[0]!.status).toBe('completed');
  });

  it('a node with a broken connection fails with an error naming the field', async () => {
    const node = extension.nodes.find((n) => n.type === 'closeHandover')!;
    const error = await Promise.resolve(
      node.function!({
        cognigy: { api: {}, input: { userId: 'u', sessionId: 's' }, context: {}, profile: {} },
        config: { connection: { url: 'not a url', apiKey: 'k' } },
        childConfigs: [],
        nodeId: 'x',
      }),
    ).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toMatchObject({ code: 'invalid_config', details: { issues: [{ path: 'connection.url' }] } });
  });
});
