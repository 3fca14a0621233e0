import { afterEach, describe, expect, it } from 'vitest';
import { HandoverConfigError, UnsupportedCapabilityError, systemClock, type HandoverEvent } from 'handover-kit';
import {
  MiawState,
  salesforceMiawConnector,
  salesforceMiawSettingsSchema,
  transcriptChunks,
} from 'handover-kit/connectors/salesforce-miaw';
import { FAKE_MIAW } from '../../fakes/salesforce-miaw';
import { MemoryConnectorState } from 'handover-kit/testing';
import { ENCRYPTION_KEY, connectorOn, startRequest, startTestBed, waitUntil, type MiawTestBed } from './harness';

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const ofType = <T extends HandoverEvent['type']>(events: HandoverEvent[], type: T) =>
  events.filter((e): e is Extract<HandoverEvent, { type: T }> => e.type === type);

let bed: MiawTestBed | undefined;
afterEach(async () => {
  await bed?.close();
  bed = undefined;
});

describe('salesforce-miaw requests', () => {
  it('asks for a guest token, then creates the conversation with a v4 id and merged routing attributes', async () => {
    bed = await startTestBed({ settings: { routingAttributes: '{"Channel":"web","Tier":"basic"}' } });
    const { conversationId } = await bed.connector.doStartHandover(
      startRequest('create', {
        customAttributes: { Tier: 'gold', Orders: 3 },
        locale: 'es_MX',
        connectorOptions: {
          'salesforce-miaw': { routingAttributes: { Intent: 'refund' } },
          genesys: { ignored: true },
        },
      }),
    );
    expect(conversationId).toMatch(UUID_V4);
    const [token, create] = [bed.fake.requestsOf('token')[0]!, bed.fake.requestsOf('create')[0]!];
    expect(token.path).toBe('/iamessage/api/v2/authorization/unauthenticated/access-token');
    expect(token.body).toEqual({
      orgId: FAKE_MIAW.orgId,
      esDeveloperName: FAKE_MIAW.esDeveloperName,
      capabilitiesVersion: '1',
      platform: 'Web',
    });
    expect(token.headers.authorization).toBeUndefined();
    expect(create.body).toEqual({
      conversationId,
      esDeveloperName: FAKE_MIAW.esDeveloperName,
      routingAttributes: { Channel: 'web', Tier: 'gold', Orders: 3, Intent: 'refund' },
      language: 'es_MX',
    });
    expect(create.headers.authorization).toMatch(/^Bearer fake-jwt\./);
  });

  it('one idempotency key, one conversation and one create, also after the memory is gone', async () => {
    bed = await startTestBed();
    const state = new MemoryConnectorState().forProvider('miaw-test');
    const one = connectorOn(bed.fake, state);
    const first = await one.connector.doStartHandover(startRequest('same'));
    const again = await one.connector.doStartHandover(startRequest('same'));
    const other = connectorOn(bed.fake, state); // a restarted process: nothing in memory
    try {
      const later = await other.connector.doStartHandover(startRequest('same'));
      expect([again.conversationId, later.conversationId]).toEqual([first.conversationId, first.conversationId]);
      expect(bed.fake.requestsOf('create')).toHaveLength(1);
    } finally {
      await one.connector.dispose();
      await other.connector.dispose();
    }
  });

  it('keeps every concurrently started conversation in the live index, and drops it when closed', async () => {
    bed = await startTestBed();
    const state = new MemoryConnectorState().forProvider('miaw-test');
    const { connector } = connectorOn(bed.fake, state);
    try {
      const started = await Promise.all(
        Array.from({ length: 8 }, (_, i) => connector.doStartHandover(startRequest(`live-${i}`))),
      );
      const live = () => state.get('live').then((v) => (JSON.parse(v ?? '[]') as string[]).sort());
      expect(await live()).toEqual(started.map((s) => s.conversationId).sort());
      await connector.doCloseHandover({ conversationId: started[0]!.conversationId, reason: 'bot-closed' });
      expect(await live()).toEqual(
        started
          .slice(1)
          .map((s) => s.conversationId)
          .sort(),
      );
    } finally {
      await connector.dispose();
    }
  });

  it('index edits racing in one process all land (the lease only separates processes)', async () => {
    const state = new MemoryConnectorState().forProvider('miaw-test');
    const miaw = new MiawState(state, systemClock, undefined);
    const ids = Array.from({ length: 20 }, (_, i) => `c-${i}`);
    await Promise.all(ids.map((id) => miaw.addLive(id)));
    expect((await miaw.live()).sort()).toEqual([...ids].sort());
    await Promise.all(ids.slice(0, 10).map((id) => miaw.removeLive(id)));
    expect((await miaw.live()).sort()).toEqual(ids.slice(10).sort());
  });

  it('seals tokens with the key: not readable in the state, useless under another key or when tampered', async () => {
    const state = new MemoryConnectorState().forProvider('miaw-test');
    const secret = { accessToken: 'fake-jwt.secret-token-value', identityToken: 'identity-jwt-secret' };
    await new MiawState(state, systemClock, ENCRYPTION_KEY).saveCredentials('c-1', secret);
    const sealed = (await state.get('token:c-1'))!;
    expect(sealed).toMatch(/^v1\./);
    expect(sealed).not.toContain('secret-token-value');
    expect(sealed).not.toContain('identity-jwt-secret');
    expect(await new MiawState(state, systemClock, ENCRYPTION_KEY).credentials('c-1')).toEqual(secret);
    expect(await new MiawState(state, systemClock, `${ENCRYPTION_KEY}-other`).credentials('c-1')).toBeUndefined();
    // Flip one bit of the ciphertext itself (editing a base64 character can land in padding bits).
    const [version, iv, tag, body] = sealed.split('.');
    const bytes = Buffer.from(body!, 'base64');
    bytes[0] = bytes[0]! ^ 1;
    const flipped = [version, iv, tag, bytes.toString('base64')].join('.');
    await state.set('token:c-1', flipped);
    expect(await new MiawState(state, systemClock, ENCRYPTION_KEY).credentials('c-1')).toBeUndefined();
  });

  it('relays text with a stable entry id; a repeat is a duplicate; an attachment becomes a link', async () => {
    bed = await startTestBed();
    const { connector, fake } = bed;
    const { conversationId } = await connector.doStartHandover(startRequest('send'));
    const user = { id: 'u' };
    const sent = await connector.doSendMessage({ conversationId, messageId: 'm-1', user, text: 'hello' });
    expect(sent.vendorMessageId).toMatch(UUID_V4);
    const body = fake.requestsOf('message')[0]!.body;
    expect(body).toEqual({
      message: {
        id: sent.vendorMessageId,
        messageType: 'StaticContentMessage',
        staticContent: { formatType: 'Text', text: 'hello' },
      },
      esDeveloperName: FAKE_MIAW.esDeveloperName,
    });
    expect((await connector.doSendMessage({ conversationId, messageId: 'm-1', user, text: 'hello' })).duplicate).toBe(
      true,
    );
    const withFile = await connector.doSendMessage({
      conversationId,
      messageId: 'm-2',
      user,
      text: 'see',
      attachments: [{ url: 'https://x.test/a.png', type: 'image', name: 'a.png' }],
    });
    expect(withFile.warnings?.[0]).toMatchObject({ type: 'unsupported', feature: 'attachments' });
    expect(fake.userTexts(conversationId)).toEqual(['hello', 'see\na.png: https://x.test/a.png']);
    expect(fake.requestsOf('message')).toHaveLength(2);
  });

  it('our own messages echoed on the stream are not reported as agent messages', async () => {
    bed = await startTestBed();
    const { connector, fake, events } = bed;
    const { conversationId } = await connector.doStartHandover(startRequest('echo'));
    await connector.doSendMessage({ conversationId, messageId: 'm-1', user: { id: 'u' }, text: 'from the user' });
    fake.say(conversationId, 'from the agent');
    await waitUntil(() => ofType(events, 'agent-message').length === 1, 'the agent message');
    expect(ofType(events, 'agent-message').map((e) => e.text)).toEqual(['from the agent']);
  });

  it('status: queue with the routing result wait (no position), then active, then completed', async () => {
    bed = await startTestBed();
    const { connector, fake, events } = bed;
    const { conversationId: id } = await connector.doStartHandover(startRequest('status'));
    await waitUntil(() => ofType(events, 'queue-updated').length === 1, 'the routing result');
    expect(await connector.doGetStatus({ conversationId: id })).toEqual({ status: 'queue', estimatedWaitMs: 45_000 });
    expect(ofType(events, 'queue-updated')[0]!.position).toBeUndefined();
    fake.join(id);
    await waitUntil(() => ofType(events, 'agent-joined').length === 1, 'joined');
    expect(await connector.doGetStatus({ conversationId: id })).toEqual({
      status: 'active',
      agent: { id: FAKE_MIAW.agent.id, name: 'Ana Agent' },
    });
    fake.typing(id, true);
    await waitUntil(() => ofType(events, 'agent-typing').length === 1, 'typing');
    fake.resolve(id);
    await waitUntil(() => ofType(events, 'handover-completed').length === 1, 'completed');
    expect((await connector.doGetStatus({ conversationId: id })).status).toBe('completed');
    expect(fake.requestsOf('status').every((r) => r.headers.authorization?.startsWith('Bearer '))).toBe(true);
  });

  it('the SDK naming (no close event, one typing event) also drives a full handover', async () => {
    bed = await startTestBed();
    const { connector, fake, events } = bed;
    fake.naming = 'sdk';
    const { conversationId: id } = await connector.doStartHandover(startRequest('sdk'));
    fake.join(id);
    fake.typing(id, true);
    fake.typing(id, false);
    fake.say(id, 'hi');
    fake.ping();
    fake.resolve(id);
    await waitUntil(() => ofType(events, 'handover-completed').length === 1, 'completed');
    expect(ofType(events, 'agent-typing').map((e) => e.typing)).toEqual([true, false]);
    expect(events.map((e) => e.type)).toEqual([
      'queue-updated',
      'agent-joined',
      'agent-typing',
      'agent-typing',
      'agent-message',
      'handover-completed',
    ]);
  });

  it('a transfer re-queues; a routing failure ends the handover in error', async () => {
    bed = await startTestBed();
    const { connector, fake, events } = bed;
    const { conversationId: id } = await connector.doStartHandover(startRequest('transfer'));
    fake.join(id);
    fake.transfer(id);
    fake.leave(id);
    await waitUntil(() => ofType(events, 'agent-left').length === 1, 'left');
    expect(ofType(events, 'agent-left')[0]!.requeued).toBe(true);
    expect((await connector.doGetStatus({ conversationId: id })).status).toBe('queue');
    fake.routingFailure(id, 'No agent has the skill');
    await waitUntil(() => ofType(events, 'handover-error').length === 1, 'error');
    expect(ofType(events, 'handover-error')[0]).toMatchObject({
      code: 'routing-RoutingError',
      message: 'No agent has the skill',
    });
    expect((await connector.doGetStatus({ conversationId: id })).status).toBe('error');
  });

  it('close from the bot: DELETE, its close event not reported back, a second close a no-op', async () => {
    bed = await startTestBed();
    const { connector, fake, events } = bed;
    const { conversationId: id } = await connector.doStartHandover(startRequest('close'));
    await waitUntil(() => fake.openStreams === 1, 'the stream');
    expect(
      await connector.doCloseHandover({ conversationId: id, reason: 'bot-closed', message: 'Bye from the bot' }),
    ).toEqual({ alreadyClosed: false });
    const del = fake.requestsOf('close')[0]!;
    expect(del.path).toBe(`/iamessage/api/v2/conversation/${id}?esDeveloperName=${FAKE_MIAW.esDeveloperName}`);
    expect(fake.userTexts(id)).toEqual(['Bye from the bot']);
    expect(await connector.doCloseHandover({ conversationId: id, reason: 'bot-closed' })).toEqual({
      alreadyClosed: true,
    });
    expect(fake.requestsOf('close')).toHaveLength(1);
    await waitUntil(() => fake.openStreams === 0, 'the stream to stop');
    expect(ofType(events, 'handover-completed')).toEqual([]);
  });

  it('sends the transcript as first messages when asked, split at 3000 characters', async () => {
    bed = await startTestBed({ settings: { sendTranscriptAsFirstMessage: true } });
    const long = 'x'.repeat(2500);
    const { conversationId } = await bed.connector.doStartHandover(
      startRequest('transcript', {
        transcript: [
          { role: 'user', text: long },
          { role: 'bot', text: long },
        ],
      }),
    );
    expect(bed.fake.userTexts(conversationId)).toEqual([`User: ${long}`, `Bot: ${long}`]);
    expect(transcriptChunks([{ role: 'user', text: 'y'.repeat(7000) }]).map((c) => c.length)).toEqual([
      3000, 3000, 1006,
    ]);
  });

  it('authenticated mode needs an identity token and uses it', async () => {
    bed = await startTestBed({ settings: { authMode: 'authenticated' } });
    const missing = await bed.connector.doStartHandover(startRequest('no-id')).catch((e: unknown) => e);
    expect(HandoverConfigError.isInstance(missing)).toBe(true);
    const identityToken = FAKE_MIAW.identityTokens[0]!;
    await bed.connector.doStartHandover(
      startRequest('id', { connectorOptions: { 'salesforce-miaw': { identityToken } } }),
    );
    const token = bed.fake.requestsOf('token')[0]!;
    expect(token.path).toBe('/iamessage/api/v2/authorization/authenticated/access-token');
    expect(token.body).toMatchObject({
      authorizationType: 'JWT',
      customerIdentityToken: identityToken,
      platform: 'Web',
    });
  });

  it('has no availability API and says so; routing the client cannot do comes back as warnings', async () => {
    bed = await startTestBed();
    const error = await bed.connector.doCheckAvailability({ routing: {} }).catch((e: unknown) => e);
    expect(UnsupportedCapabilityError.isInstance(error)).toBe(true);
    expect((error as Error).message).toMatch(/Omni-Channel/);
    const started = await bed.connector.doStartHandover(
      startRequest('routing', { routing: { queue: 'vip', skills: ['billing'], priority: 'high' } }),
    );
    expect(started.warnings?.map((w) => [w.type, w.feature])).toEqual([
      ['unsupported', 'queueRouting'],
      ['unsupported', 'skills'],
      ['unsupported', 'priority'],
    ]);
  });
});

describe('salesforce-miaw settings', () => {
  const valid = {
    baseUrl: 'https://acme.my.salesforce-scrt.com/',
    organizationId: '00D5g000004ABCDEAA',
    esDeveloperName: 'Web_Chat',
  };

  it('uses Cognigy’s fields with their defaults and marks the secrets', () => {
    const s = salesforceMiawSettingsSchema.parse(valid);
    expect(s).toMatchObject({
      baseUrl: 'https://acme.my.salesforce-scrt.com',
      capabilitiesVersion: '1',
      authMode: 'unauthenticated',
      routingAttributes: {},
      sendTranscriptAsFirstMessage: false,
      endChatWhenAgentLeaves: false,
      forwardEventsToFlow: false,
    });
    const def = salesforceMiawConnector();
    expect(def.type).toBe('salesforce-miaw');
    expect(def.capabilities).toMatchObject({
      availability: false,
      queuePosition: false,
      estimatedWaitTime: true,
      pushEvents: true,
      webhooks: false,
      attachments: false,
    });
  });

  it('rejects a wrong org id, plain http off loopback, a bad developer name and bad routing JSON', () => {
    const bad = (patch: Record<string, unknown>) =>
      salesforceMiawSettingsSchema.safeParse({ ...valid, ...patch }).success;
    expect(bad({ organizationId: '005000000000001' })).toBe(false);
    expect(bad({ baseUrl: 'http://acme.my.salesforce-scrt.com' })).toBe(false);
    expect(bad({ esDeveloperName: 'has spaces' })).toBe(false);
    expect(bad({ routingAttributes: '{not json' })).toBe(false);
    expect(bad({ routingAttributes: { nested: { no: true } } })).toBe(false);
    expect(bad({ tokenEncryptionKey: 'short' })).toBe(false);
    expect(bad({ unknownField: 1 })).toBe(false);
  });
});
