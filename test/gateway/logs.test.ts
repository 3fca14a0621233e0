import { z } from 'zod';
import { afterEach, describe, expect, it } from 'vitest';
import type { ConnectorDefinitionV1, HandoverConnectorV1 } from 'handover-kit';
import { SPECIFICATION_VERSION, defineCapabilities, defineConnector, secret } from 'handover-kit/contract';
import { SimulatedCenters, simulatedConnector } from 'handover-kit/connectors/simulated';
import { startFakeCognigy, type FakeCognigy } from '../fakes/cognigy';
import {
  ADMIN_KEY,
  NODES_KEY,
  WEBHOOK_SECRET,
  http,
  postJson,
  signedWebhook,
  simCenter,
  startTestGateway,
  uniquePrefix,
  waitUntil,
  type TestGateway,
} from './helpers';

const LEAKY_TOKEN = 'leaky-vendor-token-31415926';
const PATCHED_SECRET = 'patched-webhook-secret-27182818';

/** A connector whose vendor SDK puts the credential into its error messages, as some do. */
const leakyConnector = defineConnector({
  specificationVersion: SPECIFICATION_VERSION,
  type: 'leaky',
  label: 'Leaky vendor',
  settingsSchema: z.object({ apiToken: secret(z.string().min(8)) }).strict(),
  capabilities: defineCapabilities({ availability: true }),
  create(settings): HandoverConnectorV1 {
    const fail = async (): Promise<never> => {
      throw new Error(`upstream refused the call made with token ${settings.apiToken}`);
    };
    return {
      specificationVersion: SPECIFICATION_VERSION,
      type: 'leaky',
      capabilities: defineCapabilities({ availability: true }),
      doCheckAvailability: fail,
      doStartHandover: fail,
      doSendMessage: fail,
      doGetStatus: fail,
      doCloseHandover: fail,
    };
  },
});

describe('logs never show a secret', () => {
  let gw: TestGateway | undefined;
  let cognigy: FakeCognigy | undefined;
  afterEach(async () => {
    await gw?.close();
    await cognigy?.close();
  });

  it('captures every log line of a busy run and finds no provider secret or API key in any of them', async () => {
    cognigy = await startFakeCognigy({ apiKey: 'cognigy-secret-api-key-16180339' });
    const logs: string[] = [];
    const centers = new SimulatedCenters();
    gw = await startTestGateway({
      cognigy,
      logs,
      centers,
      redisPrefix: uniquePrefix(),
      overrides: {
        connectors: [simulatedConnector({ centers }) as never, leakyConnector as unknown as ConnectorDefinitionV1],
      },
    });
    const admin = { 'x-api-key': ADMIN_KEY, 'content-type': 'application/json' };

    // Providers with secrets: created, read, patched, exported with secrets.
    await postJson(
      `${gw.url}/v2.0/handover/provider`,
      { id: 'leak', name: 'Leaky', type: 'leaky', settings: { apiToken: LEAKY_TOKEN } },
      ADMIN_KEY,
    );
    await http(`${gw.url}/v2.0/handover/providers/sim`, {
      method: 'PATCH',
      headers: admin,
      body: JSON.stringify({ settings: { webhookSecret: PATCHED_SECRET } }),
    });
    await http(`${gw.url}/v2.0/handover/providers/export?includeSecrets=true`, { headers: admin });
    await http(`${gw.url}/v2.0/handover/providers/sim`, {
      method: 'PATCH',
      headers: admin,
      body: JSON.stringify({ settings: { webhookSecret: WEBHOOK_SECRET } }),
    });

    // The vendor SDK's error message carries its token: the client gets a generic 500, the log a masked one.
    const leaked = await postJson(`${gw.url}/v1/handover/availability`, { providerId: 'leak' }, NODES_KEY);
    expect(leaked.status).toBe(500);
    expect(leaked.text).not.toContain(LEAKY_TOKEN);
    await postJson(
      `${gw.url}/v1/handover/start`,
      { providerId: 'leak', session: { userId: 'l', sessionId: 'l' } },
      NODES_KEY,
    );
    expect((await postJson(`${gw.url}/v2.0/handover/providers/leak/test`, {}, ADMIN_KEY)).text).not.toContain(
      LEAKY_TOKEN,
    );

    // Wrong keys in both headers, a forged webhook, a handover whose deliveries Cognigy refuses then drops.
    await http(`${gw.url}/v1/handover/get`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN_KEY}x` },
      body: '{}',
    });
    await http(`${gw.url}/v2.0/handover/providers`, { headers: { 'x-api-key': NODES_KEY } });
    const session = { userId: 'log-user', sessionId: 'log-session', urlToken: 'url-token' };
    await gw.client.startHandover({ providerId: 'sim', session, behaviour: { sendActiveEvent: true } });
    const center = await simCenter(gw);
    const conv = center.accept('anna');
    const forged = signedWebhook(
      [{ type: 'agent-message', text: 'x', conversationId: conv.id, eventId: 'f', occurredAt: Date.now() }],
      'wrong-secret-000000000000',
    );
    expect(
      (await http(`${gw.url}/webhooks/sim`, { method: 'POST', headers: forged.headers, body: forged.body })).status,
    ).toBe(401);
    cognigy.failNext(2, { status: 503 });
    center.say('anna', conv.id, 'first');
    await cognigy.waitFor((f) => f.texts(session).length === 1, 5_000, 'the first text');
    cognigy.failNext(1, { status: 400 });
    center.say('anna', conv.id, 'second');
    await waitUntil(async () => (await gw!.gateway.deadLetters()).length === 1, 5_000, 'a dead letter');
    await gw.gateway.settle();
    await gw.close();

    if (process.env.SHOW_LOGS) console.log(logs.join('\n'));
    const text = logs.join('\n');
    expect(logs.length).toBeGreaterThan(20);
    for (const line of logs) expect(() => JSON.parse(line)).not.toThrow();
    // The run did log the paths that could leak: the masked vendor error, the retries, the dead letter.
    expect(text).toContain('upstream refused the call made with token [redacted]');
    expect(text).toContain('Cognigy delivery failed; will retry');
    expect(text).toContain('Cognigy delivery dead-lettered');
    expect(text).toContain('webhook rejected: bad signature');
    for (const secretValue of [ADMIN_KEY, NODES_KEY, cognigy.apiKey, WEBHOOK_SECRET, LEAKY_TOKEN, PATCHED_SECRET]) {
      expect(text.includes(secretValue), `a log line shows ${secretValue.slice(0, 6)}…`).toBe(false);
    }
  });
});
