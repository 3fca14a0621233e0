import type { INodeDescriptor } from '@cognigy/extension-tools';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UnknownProviderError, createGatewayClient, createHandoverNodes, type GatewayClient } from 'handover-kit';
import { createProviderAdminClient, type ProviderAdminClient } from 'handover-kit/gateway';
import { execute, type SessionState } from '../../src/testing/flow/runtime';
import type { FlowDefinition } from 'handover-kit/testing';
import { CONTENT_SECURITY_POLICY } from '../../src/gateway/ui/pages';
import { ADMIN_KEY, NODES_KEY, startConsoleGateway, type ConsoleGateway } from './support';

/** Every route the console and the playground use: the pages, their APIs, and the provider API. */
const CONSOLE_ROUTES: Array<[method: string, path: string]> = [
  ['GET', '/console'],
  ['GET', '/playground'],
  ['GET', '/v2.0/handover/services'],
  ['GET', '/v2.0/handover/providers'],
  ['POST', '/v2.0/handover/provider'],
  ['GET', '/v2.0/handover/provider/desk'],
  ['PATCH', '/v2.0/handover/providers/desk'],
  ['DELETE', '/v2.0/handover/providers/desk'],
  ['POST', '/v2.0/handover/providers/desk/test'],
  ['GET', '/v2.0/handover/providers/export?includeSecrets=true'],
  ['POST', '/v2.0/handover/providers/import?mode=replace'],
  ['POST', '/playground/api/sessions'],
  ['GET', '/playground/api/sessions/x'],
  ['GET', '/playground/api/sessions/x/events'],
  ['POST', '/playground/api/sessions/x/messages'],
  ['POST', '/playground/api/agent'],
];

const session = (id: string): SessionState => ({
  userId: `user-${id}`,
  sessionId: `session-${id}`,
  urlToken: 'tok',
  channel: 'webchat3',
  context: {},
  profile: {},
  transcript: [],
  branches: [],
  logs: [],
  executions: 0,
});

describe('console API', () => {
  let gw: ConsoleGateway;
  let admin: ProviderAdminClient;
  let client: GatewayClient;
  beforeAll(async () => {
    gw = await startConsoleGateway({ playground: { queueUpdateSeconds: 5 } });
    admin = createProviderAdminClient({ url: gw.url, apiKey: ADMIN_KEY });
    client = createGatewayClient({ url: gw.url, apiKey: NODES_KEY, timeoutMs: 5_000 });
  });
  afterAll(async () => {
    await client?.close();
    await admin?.close();
    await gw?.close();
  });

  it('answers 401 without a key and 403 to the nodes key on every console route; nothing changes', async () => {
    await admin.create({ id: 'desk', name: 'Desk', type: 'simulated' });
    for (const [method, path] of CONSOLE_ROUTES) {
      const body = method === 'POST' || method === 'PATCH' ? '{}' : undefined;
      const headers = body ? { 'content-type': 'application/json' } : undefined;
      const none = await fetch(`${gw.url}${path}`, { method, body, headers });
      expect(none.status, `${method} ${path} without a key`).toBe(401);
      await none.body?.cancel();
      const nodes = await fetch(`${gw.url}${path}`, { method, body, headers: { ...headers, 'x-api-key': NODES_KEY } });
      expect(nodes.status, `${method} ${path} with the nodes key`).toBe(403);
      await nodes.body?.cancel();
    }
    expect((await admin.list()).map((p) => p.id)).toEqual(['desk']);
    await admin.remove('desk');
  });

  it('serves the pages with a strict CSP and the built assets with their content types', async () => {
    const page = await fetch(`${gw.url}/console`, { headers: { 'x-api-key': ADMIN_KEY } });
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
    expect(CONTENT_SECURITY_POLICY).toContain("script-src 'self'");
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/unsafe-inline|unsafe-eval|https?:/);
    expect(page.headers.get('x-frame-options')).toBe('DENY');
    const html = await page.text();
    expect(html).not.toMatch(/<script>|style=|https?:\/\//); // nothing inline, nothing from elsewhere
    const assets = [...html.matchAll(/(?:src|href)="(ui\/[^"]+)"/g)].map((m) => m[1]!);
    expect(assets.map((a) => a.split('?')[0])).toEqual(['ui/app.css', 'ui/console.js']);
    for (const [file, type] of [
      ['app.css', 'text/css; charset=utf-8'],
      ['console.js', 'text/javascript; charset=utf-8'],
      ['playground.js', 'text/javascript; charset=utf-8'],
    ]) {
      const res = await fetch(`${gw.url}/ui/${file}`);
      expect(res.status, file).toBe(200);
      expect(res.headers.get('content-type')).toBe(type);
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      const body = await res.text();
      expect(body).not.toMatch(/\b(?:cdn|unpkg|jsdelivr)\./);
      const etag = res.headers.get('etag')!;
      expect((await fetch(`${gw.url}/ui/${file}`, { headers: { 'if-none-match': etag } })).status).toBe(304);
    }
    for (const bad of ['/ui/nope.js', '/ui/..%2Fpackage.json', '/ui/%2e%2e%2fpackage.json'])
      expect((await fetch(`${gw.url}${bad}`)).status, bad).toBe(404);
  });

  it('a provider created through the API is usable by a node at once; once deleted, nodes take their error branch', async () => {
    const created = await fetch(`${gw.url}/v2.0/handover/provider`, {
      method: 'POST',
      headers: { 'x-api-key': ADMIN_KEY, 'content-type': 'application/json' },
      body: JSON.stringify({
        id: 'fresh',
        name: 'Fresh desk',
        type: 'simulated',
        settings: { center: 'fresh', setup: { agents: [{ id: 'kim', name: 'Kim' }] } },
      }),
    });
    expect(created.status).toBe(201);

    // The five nodes, bound to the gateway client (as the Cognigy extension runs them), executed by the flow runtime.
    const providers = [
      {
        id: 'fresh',
        name: 'Fresh desk',
        type: 'simulated',
        capabilities: (await gw.gateway.registry.capabilitiesOf('fresh')).capabilities,
      },
    ];
    const descriptors = new Map<string, INodeDescriptor>(
      createHandoverNodes({ service: client, providers }).map((d) => [d.type, d]),
    );
    const flow: FlowDefinition = {
      start: 'check',
      nodes: {
        check: {
          type: 'checkAgentAvailability',
          config: { providerId: 'fresh' },
          branches: { onAgentsAvailable: 'handover', onNoAgentsAvailable: 'nobody', onAvailabilityError: 'failed' },
        },
        handover: { type: 'handoverToAgent', config: { providerId: 'fresh', text: 'Connecting…' } },
        nobody: { say: 'nobody' },
        failed: { say: 'failed' },
      },
    };
    const first = session('1');
    await execute(
      flow,
      descriptors,
      first,
      { text: 'agent', userId: first.userId, sessionId: first.sessionId, data: {} },
      'user',
    );
    expect(first.branches.map((b) => b.branch ?? b.nodeId)).toEqual(['onAgentsAvailable', 'handover']);
    expect(first.transcript.map((l) => l.text)).toEqual(['Connecting…']);
    expect(
      (await client.getHandover({ session: { userId: first.userId, sessionId: first.sessionId } }))?.providerId,
    ).toBe('fresh');
    expect(gw.centers.get('fresh').listConversations()).toHaveLength(1);

    expect(
      (
        await fetch(`${gw.url}/v2.0/handover/providers/fresh`, {
          method: 'DELETE',
          headers: { 'x-api-key': ADMIN_KEY },
        })
      ).status,
    ).toBe(204);
    await expect(client.checkAvailability({ providerId: 'fresh' })).rejects.toSatisfy(
      (e) => UnknownProviderError.isInstance(e) && (e as UnknownProviderError).code === 'unknown_provider',
    );
    await expect(
      client.startHandover({ providerId: 'fresh', session: { userId: 'u2', sessionId: 's2' } }),
    ).rejects.toSatisfy((e) => UnknownProviderError.isInstance(e));
    // A node naming a provider that is gone continues as Cognigy's does: its error branch, not a thrown error.
    const second = session('2');
    await execute(
      flow,
      descriptors,
      second,
      { text: 'agent', userId: second.userId, sessionId: second.sessionId, data: {} },
      'user',
    );
    expect(second.branches.map((b) => b.branch ?? b.nodeId)).toEqual(['onAvailabilityError', 'failed']);
    expect(second.transcript.map((l) => l.text)).toEqual(['failed']);
  });

  it('records the last "test connection" on the provider list; a failure keeps its typed error', async () => {
    await admin.create({
      id: 'checked',
      name: 'Checked',
      type: 'simulated',
      settings: { center: 'checked', setup: { agents: [{ id: 'a', name: 'A' }] } },
    });
    const listed = async () =>
      (await admin.list()).find((p) => p.id === 'checked') as {
        lastCheck?: Record<string, unknown>;
        updatedAt: number;
      };
    expect((await listed()).lastCheck).toBeUndefined();
    await admin.test('checked');
    expect((await listed()).lastCheck).toMatchObject({ ok: true, check: 'connection' });
    gw.centers.get('checked').failNext('availability', { status: 401 });
    const failed = await admin.test('checked');
    expect(failed).toMatchObject({ ok: false, error: { code: 'vendor_auth' } });
    const record = (await listed()).lastCheck!;
    expect(record).toMatchObject({ ok: false, error: { code: 'vendor_auth' } });
    expect((await admin.get('checked')) as unknown).toMatchObject({ lastCheck: { ok: false } });
    await admin.remove('checked');
    await admin.create({ id: 'checked', name: 'Again', type: 'simulated' });
    expect((await listed()).lastCheck).toBeUndefined(); // deleting forgets the check
    await admin.remove('checked');
  });

  it('playground API: agent actions on the center, typed errors, validation naming the field', async () => {
    const post = (path: string, body: unknown) =>
      fetch(`${gw.url}${path}`, {
        method: 'POST',
        headers: { 'x-api-key': ADMIN_KEY, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    const state = await (await post('/playground/api/sessions', {})).json();
    const id = state.session.id as string;
    expect((await post(`/playground/api/sessions/${id}/messages`, { text: 'I want an agent' })).status).toBe(202);
    const playground = gw.gateway.playground!;
    const after = await playground.state(id);
    expect(after.session.handover?.status).toBe('queue');
    expect(after.timeline.map((e) => e.handover?.status ?? null)).toEqual(['queue']);
    const waiting = after.desk.queues.find((q) => q.id === 'support')!.waiting;
    expect(waiting).toEqual([expect.objectContaining({ mine: true, position: 1 })]);

    const bad = await post('/playground/api/agent', { action: 'say', conversationId: waiting[0]!.id, text: '' });
    expect(bad.status).toBe(400);
    expect((await bad.json()).error.details.issues[0].path).toBe('text');
    const notYours = await post('/playground/api/agent', { action: 'say', conversationId: waiting[0]!.id, text: 'hi' });
    expect(notYours.status).toBe(409); // not accepted yet
    expect((await post('/playground/api/agent', { action: 'accept', conversationId: 'conv-999' })).status).toBe(404);
    expect((await post('/playground/api/agent', { action: 'accept', conversationId: waiting[0]!.id })).status).toBe(
      202,
    );
    expect((await post('/playground/api/agent', { action: 'close', conversationId: waiting[0]!.id })).status).toBe(202);
    const ended = await playground.state(id);
    expect(ended.session.handover?.status).toBe('completed');
    expect(ended.timeline.map((e) => e.handover?.status ?? null)).toEqual(['queue', 'active', 'completed']);
    expect(
      (await fetch(`${gw.url}/playground/api/sessions/nope`, { headers: { 'x-api-key': ADMIN_KEY } })).status,
    ).toBe(404);
  });
});
