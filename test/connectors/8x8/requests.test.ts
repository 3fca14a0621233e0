import { afterEach, describe, expect, it } from 'vitest';
import { HandoverConfigError, UnsupportedCapabilityError, type StartHandoverRequest } from 'handover-kit';
import { secretFields } from 'handover-kit/contract';
import { MemoryConnectorState, testConnectorRuntime } from 'handover-kit/testing';
import {
  createEightByEightConnector,
  eightByEightConnector,
  eightByEightSettingsSchema,
} from 'handover-kit/connectors/8x8';
import { FAKE_DEFAULTS } from '../../fakes/8x8';
import { settingsFor, startTestBed, type EightByEightTestBed } from './harness';

let bed: EightByEightTestBed | undefined;
afterEach(async () => {
  await bed?.close();
  bed = undefined;
});

const startRequest = (over: Partial<StartHandoverRequest> = {}): StartHandoverRequest => ({
  idempotencyKey: 'k-1',
  user: { id: 'cg-user-42', name: 'Jane Roe', email: 'jane@example.com', phone: '+15550100' },
  routing: {},
  transcript: [
    { role: 'user', text: 'Where is my order?' },
    { role: 'bot', text: '' },
    { role: 'bot', text: 'Connecting you to an agent' },
  ],
  customAttributes: { plan: 'gold', orders: 3 },
  locale: 'de-DE',
  ...over,
});

const sentTo = (b: EightByEightTestBed, op: string) => b.fake.requests.filter((r) => r.operation === op);

describe('8x8 requests', () => {
  it('creates the conversation in the channel with queue, user, properties and history', async () => {
    bed = await startTestBed({
      settings: {
        jsonProperties: '{"user":{"company":"Acme","additionalProperties":[{"key":"source","value":"cognigy"}]}}',
      },
    });
    const result = await bed.connector.doStartHandover(startRequest({ routing: { queue: '777' } }));
    expect(result).toMatchObject({ status: 'queue', estimatedWaitMs: 45_000 });
    const [create] = sentTo(bed, 'create');
    expect(create!.headers['x-api-key']).toBe(FAKE_DEFAULTS.apiKey);
    expect(create!.headers['x-8x8-tenant']).toBe(FAKE_DEFAULTS.tenantId);
    expect(create!.body).toEqual({
      channelId: FAKE_DEFAULTS.channelId,
      assignment: { type: 'queue', id: '777' },
      user: {
        name: 'Jane Roe',
        userId: 'cg-user-42',
        email: 'jane@example.com',
        phone: '+15550100',
        language: 'de',
        company: 'Acme',
        additionalProperties: [
          { key: 'plan', value: 'gold' },
          { key: 'orders', value: '3' },
          { key: 'source', value: 'cognigy' },
        ],
      },
      history: {
        messages: [
          { authorType: 'user', text: 'Where is my order?' },
          { authorType: 'bot', text: 'Connecting you to an agent' },
        ],
      },
    });
    expect(bed.fake.conversation(result.conversationId).queueId).toBe('777');
  });

  it('takes channel, queue and JSON properties from connectorOptions["8x8"], and warns about skills', async () => {
    bed = await startTestBed();
    const result = await bed.connector.doStartHandover(
      startRequest({
        routing: { skills: ['billing'] },
        connectorOptions: {
          '8x8': { channelId: 'other-channel', queueId: '900', jsonProperties: { user: { caseId: 'C-1' } } },
        },
      }),
    );
    expect(sentTo(bed, 'create')[0]!.body).toMatchObject({
      channelId: 'other-channel',
      assignment: { id: '900' },
      user: { caseId: 'C-1' },
    });
    expect(result.warnings).toMatchObject([{ type: 'unsupported', feature: 'skills' }]);
  });

  it('never opens a second conversation for one idempotency key, across instances sharing state', async () => {
    bed = await startTestBed();
    const state = new MemoryConnectorState().forProvider('p');
    const a = createEightByEightConnector(settingsFor(bed.fake), testConnectorRuntime({ state }));
    const b = createEightByEightConnector(settingsFor(bed.fake), testConnectorRuntime({ state }));
    const [one, two] = await Promise.all([a.doStartHandover(startRequest()), a.doStartHandover(startRequest())]);
    const three = await b.doStartHandover(startRequest());
    expect(new Set([one.conversationId, two.conversationId, three.conversationId]).size).toBe(1);
    expect(sentTo(bed, 'create')).toHaveLength(1);
    await Promise.all([a.dispose(), b.dispose()]);
  });

  it('relays user text as the user and system notices as the bot; an empty message is not sent', async () => {
    bed = await startTestBed();
    const { conversationId } = await bed.connector.doStartHandover(startRequest());
    const user = { id: 'cg-user-42' };
    await bed.connector.doSendMessage({ conversationId, messageId: 'm1', user, text: 'hello' });
    const notice = 'The user left the chat';
    await bed.connector.doSendMessage({ conversationId, messageId: 'm2', user, text: notice, kind: 'system' });
    const empty = await bed.connector.doSendMessage({ conversationId, messageId: 'm4', user, text: '  ' });
    expect(sentTo(bed, 'message').map((r) => r.body)).toEqual([
      { authorType: 'user', text: 'hello' },
      { authorType: 'bot', text: notice },
    ]);
    expect(empty.warnings?.[0]?.message).toMatch(/Empty/);
  });

  it('uploads user files (multipart) and names them in one message; an unreachable file goes as its link', async () => {
    bed = await startTestBed();
    const { conversationId } = await bed.connector.doStartHandover(startRequest());
    const pdf = Buffer.from('%PDF-1.4 fake invoice \u0000\u00ff bytes', 'latin1');
    bed.fake.files.set('invoice.pdf', { contentType: 'application/pdf', bytes: pdf });
    const result = await bed.connector.doSendMessage({
      conversationId,
      messageId: 'f1',
      user: { id: 'cg-user-42' },
      text: 'my invoice',
      attachments: [
        { url: `${bed.fake.url}/files/invoice.pdf`, type: 'file', name: 'Invoice March.pdf' },
        { url: `${bed.fake.url}/files/missing.png`, type: 'image' },
      ],
    });
    const [upload] = sentTo(bed, 'attachment');
    expect(String(upload!.headers['content-type'])).toMatch(/^multipart\/form-data; boundary=/);
    const stored = [...bed.fake.conversation(conversationId).files.values()];
    expect(stored).toEqual([
      { filename: 'Invoice March.pdf', contentType: 'application/pdf', bytes: pdf, authorType: 'user' },
    ]);
    const [id] = [...bed.fake.conversation(conversationId).files.keys()];
    expect(sentTo(bed, 'message').map((r) => r.body)).toEqual([
      { authorType: 'user', text: `my invoice\n${bed.fake.url}/files/missing.png`, attachments: [{ id }] },
    ]);
    expect(result.warnings).toMatchObject([{ feature: 'attachments', message: expect.stringMatching(/link.*404/) }]);
    expect(bed.connector.stats().uploads).toBe(1);
  });

  it('does not fetch file URLs other than https (or loopback http)', async () => {
    bed = await startTestBed();
    const { conversationId } = await bed.connector.doStartHandover(startRequest());
    const result = await bed.connector.doSendMessage({
      conversationId,
      messageId: 'f2',
      user: { id: 'u' },
      text: '',
      attachments: [{ url: 'file:///etc/passwd', type: 'file' }],
    });
    expect(sentTo(bed, 'attachment')).toHaveLength(0);
    expect(sentTo(bed, 'message').map((r) => r.body)).toEqual([{ authorType: 'user', text: 'file:///etc/passwd' }]);
    expect(result.warnings?.[0]?.message).toMatch(/https/);
  });

  it('reads availability and wait from the real-time metrics, with one token for many calls', async () => {
    bed = await startTestBed();
    expect(await bed.connector.doCheckAvailability({ routing: {} })).toEqual({
      available: true,
      agentsAvailable: 2,
      queueLength: 1,
      estimatedWaitMs: 45_000,
    });
    bed.fake.metrics = { availableIdle: 0, waiting: 4, avgWaitMs: null };
    expect(await bed.connector.doCheckAvailability({ routing: { queue: '555' } })).toEqual({
      available: false,
      reason: 'no-agents',
      agentsAvailable: 0,
      queueLength: 4,
    });
    const metrics = sentTo(bed, 'metrics');
    const query = 'metrics=availableIdle.rt&metrics=interactionsWaitInQueue.rt&metrics=interactionsAvgWaitTime.int-15m';
    expect(metrics.map((r) => r.path)).toEqual([
      `/analytics/cc/v5/realtime-metrics/queues/123?${query}`,
      `/analytics/cc/v5/realtime-metrics/queues/555?${query}`,
    ]);
    expect(metrics[0]!.headers['x-tenant-info']).toBe(FAKE_DEFAULTS.tenantId);
    expect(bed.fake.tokensIssued).toBe(1);
  });

  it('uses the regional metrics host', async () => {
    bed = await startTestBed({ settings: { metricsRegion: 'eu' } });
    await bed.connector.doCheckAvailability({ routing: {} });
    expect(sentTo(bed, 'metrics')[0]!.path).toMatch(/^\/eu\/analytics\/cc\/v5\/realtime-metrics\/queues\/123\?/);
  });

  it('without an API secret has no availability or wait estimate, and says so', async () => {
    bed = await startTestBed({ settings: { apiSecret: undefined } });
    expect(bed.connector.capabilities.availability).toBe(false);
    expect(bed.connector.capabilities.estimatedWaitTime).toBe(false);
    await expect(bed.connector.doCheckAvailability({ routing: {} })).rejects.toSatisfy((e) =>
      UnsupportedCapabilityError.isInstance(e),
    );
    const result = await bed.connector.doStartHandover(startRequest());
    expect(result).not.toHaveProperty('estimatedWaitMs');
    expect(sentTo(bed, 'token')).toHaveLength(0);
  });

  it('reports status from the conversation: queue, then active with the agent, then completed', async () => {
    bed = await startTestBed();
    const { conversationId } = await bed.connector.doStartHandover(startRequest());
    expect(await bed.connector.doGetStatus({ conversationId })).toEqual({ status: 'queue', estimatedWaitMs: 45_000 });
    await bed.fake.join(conversationId, 'agent-ana');
    expect(await bed.connector.doGetStatus({ conversationId })).toEqual({
      status: 'active',
      agent: { id: 'agent-ana' },
    });
    await bed.fake.resolve(conversationId);
    expect(await bed.connector.doGetStatus({ conversationId })).toEqual({ status: 'completed' });
  });

  it('closes by removing the user, with a closing note from the bot, once', async () => {
    bed = await startTestBed();
    const { conversationId } = await bed.connector.doStartHandover(startRequest());
    expect(
      await bed.connector.doCloseHandover({
        conversationId,
        reason: 'bot-closed',
        message: 'Handing you back to the bot',
      }),
    ).toEqual({ alreadyClosed: false });
    expect(sentTo(bed, 'message').map((r) => r.body)).toEqual([
      { authorType: 'bot', text: 'Handing you back to the bot' },
    ]);
    expect(sentTo(bed, 'participant').map((r) => r.body)).toEqual([{ removed: true }]);
    expect(await bed.connector.doGetStatus({ conversationId })).toEqual({ status: 'cancelled' });
    // Another instance (no shared memory of the close) learns it from 8x8.
    const other = createEightByEightConnector(settingsFor(bed.fake), testConnectorRuntime());
    expect(await other.doCloseHandover({ conversationId, reason: 'bot-closed' })).toEqual({ alreadyClosed: true });
    await other.dispose();
  });
});

describe('8x8 settings', () => {
  it("marks the API key and secret as secrets and uses Cognigy's field names", () => {
    expect(secretFields(eightByEightSettingsSchema).sort()).toEqual(['apiKey', 'apiSecret']);
    const shape = Object.keys((eightByEightSettingsSchema as unknown as { shape: object }).shape);
    expect(shape).toEqual(
      expect.arrayContaining(['baseUrl', 'apiKey', 'tenant', 'channelId', 'queueId', 'jsonProperties']),
    );
    expect(eightByEightConnector().type).toBe('8x8');
  });

  it("accepts Cognigy's string forms and refuses what would fail later", () => {
    const parsed = eightByEightSettingsSchema.parse({
      apiKey: 'k',
      channelId: 'c',
      queueId: '',
      tenant: ' ',
      jsonProperties: '{"user":{"company":"A"}}',
      baseUrl: '',
    });
    expect(parsed).toMatchObject({
      baseUrl: 'https://api.8x8.com',
      jsonProperties: { user: { company: 'A' } },
      metricsRegion: 'us',
    });
    expect(parsed.queueId).toBeUndefined();
    expect(parsed.tenant).toBeUndefined();
    const runtime = testConnectorRuntime();
    const bad = [
      { apiKey: 'k', channelId: 'c', jsonProperties: '{not json' },
      { apiKey: 'k', channelId: 'c', baseUrl: 'http://api.8x8.com' },
      { apiKey: 'k' },
      { channelId: 'c' },
    ];
    for (const settings of bad) {
      expect(() => createEightByEightConnector(settings as never, runtime), JSON.stringify(settings)).toThrow(
        HandoverConfigError,
      );
    }
  });
});
