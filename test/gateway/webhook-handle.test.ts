import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createGateway, type Gateway } from 'handover-kit/gateway';
import {
  defineCapabilities,
  defineConnector,
  SPECIFICATION_VERSION,
  UnauthorizedError,
  type WebhookRequest,
} from 'handover-kit/contract';
import { ADMIN_KEY, http, NODES_KEY } from './helpers';

// A connector that serves a handshake (GET ?hub.challenge=…) and a token endpoint below its webhook path.
const handshake = defineConnector({
  specificationVersion: SPECIFICATION_VERSION,
  type: 'handshake',
  label: 'Handshake',
  settingsSchema: z.object({ verifyToken: z.string() }),
  capabilities: defineCapabilities({ webhooks: true }),
  create: (settings) => ({
    specificationVersion: SPECIFICATION_VERSION,
    type: 'handshake',
    capabilities: defineCapabilities({ webhooks: true }),
    doCheckAvailability: async () => ({ available: true }),
    doStartHandover: async () => ({ conversationId: 'c1', status: 'queue' }),
    doSendMessage: async () => ({ duplicate: false }),
    doGetStatus: async () => ({ status: 'queue' }),
    doCloseHandover: async () => ({ alreadyClosed: false }),
    webhook: {
      verify: () => {},
      parse: () => [],
      handle: async (request: WebhookRequest) => {
        const url = new URL(request.url, 'http://gateway');
        if (request.method === 'GET' && url.searchParams.has('hub.challenge')) {
          if (url.searchParams.get('hub.verify_token') !== settings.verifyToken)
            throw new UnauthorizedError('bad verify token');
          return {
            status: 200,
            headers: { 'content-type': 'text/plain' },
            body: url.searchParams.get('hub.challenge')!,
          };
        }
        if (url.pathname.endsWith('/token'))
          return { status: 200, headers: { 'content-type': 'application/json' }, body: '{"access_token":"t"}' };
        return undefined;
      },
    },
  }),
});

describe('webhook routes a connector serves itself (handle)', () => {
  let gateway: Gateway | undefined;
  afterEach(async () => {
    await gateway?.close();
  });

  it('answers a handshake and a sub-path; unknown sub-paths and other methods are 404', async () => {
    gateway = await createGateway({
      connectors: [handshake],
      keys: { nodes: [NODES_KEY], admin: [ADMIN_KEY] },
      port: 0,
      logLevel: 'silent',
    });
    const url = await gateway.listen();
    await gateway.registry.create({ id: 'hs', name: 'Handshake', type: 'handshake', settings: { verifyToken: 'vt' } });

    const challenge = await http(`${url}/webhooks/hs?hub.challenge=abc123&hub.verify_token=vt`);
    expect(challenge.status).toBe(200);
    expect(challenge.text).toBe('abc123');
    expect((await http(`${url}/webhooks/hs?hub.challenge=abc123&hub.verify_token=nope`)).status).toBe(401);
    const token = await http(`${url}/webhooks/hs/token`, { method: 'POST', body: 'grant_type=client_credentials' });
    expect(token.status).toBe(200);
    expect(token.json).toEqual({ access_token: 't' });
    // Paths the connector does not serve answer like an unknown provider would (no id enumeration).
    expect((await http(`${url}/webhooks/hs/elsewhere`, { method: 'POST', body: '{}' })).status).toBe(401);
    const deep = await http(`${url}/webhooks/hs/1.0/posts/thread-1/token`, { method: 'POST', body: '' });
    expect(deep.status).toBe(200); // four sub-path levels reach handle (CXone's reply path has four)
    expect((await http(`${url}/webhooks/hs/a/b/c/d/e`, { method: 'POST', body: '{}' })).status).toBe(404);
    expect((await http(`${url}/webhooks/hs`, { method: 'GET' })).status).toBe(401);
    expect(
      (
        await http(`${url}/webhooks/hs`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: '{}',
        })
      ).status,
    ).toBe(200);
  });
});
