import { readFileSync, readdirSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import type { HandoverEvent } from 'handover-kit';
import { emptyView, mapStreamMessage } from 'handover-kit/connectors/salesforce-miaw';
import { MemoryConnectorState } from 'handover-kit/testing';
import { FAKE_MIAW, FakeMiaw } from '../../fakes/salesforce-miaw';
import { ENCRYPTION_KEY, connectorOn, startRequest, startTestBed, waitUntil, type MiawTestBed } from './harness';

const texts = (events: HandoverEvent[], id: string) =>
  events.filter((e) => e.conversationId === id && e.type === 'agent-message').map((e) => (e as { text: string }).text);

let bed: MiawTestBed | undefined;
afterEach(async () => {
  await bed?.close();
  bed = undefined;
});

describe('salesforce-miaw event stream', () => {
  it('sends Authorization, X-Org-Id and the token’s lastEventId as Last-Event-Id on the first connect', async () => {
    bed = await startTestBed();
    const { conversationId } = await bed.connector.doStartHandover(startRequest('first'));
    await waitUntil(() => bed!.fake.openStreams === 1, 'the stream');
    const sse = bed.fake.requestsOf('sse')[0]!;
    expect(sse.headers.authorization).toMatch(/^Bearer fake-jwt\./);
    expect(sse.headers['x-org-id']).toBe(FAKE_MIAW.orgId);
    expect(sse.headers.accept).toBe('text/event-stream');
    expect(bed.fake.requestsOf('token').map((r) => r.status)).toEqual([200]);
    // The token response's lastEventId, from before the conversation existed.
    expect(bed.fake.streamCursors[0]).toMatch(/^\d+$/);
    // The routing result of the creation, published after the token, still arrives.
    await waitUntil(
      () => bed!.events.some((e) => e.conversationId === conversationId && e.type === 'queue-updated'),
      'queue-updated',
    );
  });

  it('dropped mid-handover: reconnects with Last-Event-Id; the message sent while down arrives once', async () => {
    bed = await startTestBed();
    const { fake, connector, events } = bed;
    const { conversationId: id } = await connector.doStartHandover(startRequest('drop'));
    await waitUntil(() => fake.openStreams === 1, 'the stream');
    fake.join(id);
    fake.say(id, 'before the drop');
    await waitUntil(() => texts(events, id).length === 1, 'the first agent message');
    const cursorBefore = fake.lastEventId; // the id of 'before the drop'

    fake.streamsDown = true; // reconnects are refused for a while
    fake.dropStreams();
    fake.say(id, 'while the stream was down');
    await waitUntil(() => fake.requestsOf('sse').some((r) => r.status === 503), 'a refused reconnect');
    fake.streamsDown = false;

    await waitUntil(() => texts(events, id).length === 2, 'the message sent while down');
    expect(texts(events, id)).toEqual(['before the drop', 'while the stream was down']);
    expect(fake.streamCursors.at(-1)).toBe(cursorBefore); // resumed exactly where it stopped
    fake.say(id, 'after the reconnect');
    await waitUntil(() => texts(events, id).length === 3, 'a later message');
    expect(events.filter((e) => e.type === 'agent-joined')).toHaveLength(1);
    expect(new Set(events.map((e) => e.eventId)).size).toBe(events.length);
  });

  it('without replay from Last-Event-Id, the catch-up over the entries delivers the message once', async () => {
    bed = await startTestBed();
    const { fake, connector, events } = bed;
    fake.replay = false; // as a third-party guide reports of the real service
    const { conversationId: id } = await connector.doStartHandover(startRequest('no-replay'));
    await waitUntil(() => fake.openStreams === 1, 'the stream');
    fake.join(id);
    fake.say(id, 'before the drop');
    await waitUntil(() => texts(events, id).length === 1, 'the first agent message');
    fake.streamsDown = true;
    fake.dropStreams();
    fake.say(id, 'while the stream was down');
    await waitUntil(() => fake.requestsOf('sse').some((r) => r.status === 503), 'a refused reconnect');
    fake.streamsDown = false;
    await waitUntil(() => texts(events, id).length === 2, 'the message sent while down');
    expect(texts(events, id)).toEqual(['before the drop', 'while the stream was down']);
    expect(fake.requestsOf('entries').length).toBeGreaterThan(0);
    fake.say(id, 'live again');
    await waitUntil(() => texts(events, id).length === 3, 'a later message');
    expect(events.filter((e) => e.type === 'agent-joined')).toHaveLength(1);
    expect(new Set(events.map((e) => e.eventId)).size).toBe(events.length);
  });

  it('a stream refused with 429 waits for Retry-After before connecting again', async () => {
    bed = await startTestBed(); // reconnectBaseMs 20: only Retry-After explains a long wait
    const { fake, connector, events } = bed;
    fake.failNext('sse', { status: 429, retryAfterMs: 1000 });
    const { conversationId: id } = await connector.doStartHandover(startRequest('limited'));
    fake.say(id, 'after the limit');
    await waitUntil(() => texts(events, id).length === 1, 'the message', 5000);
    const [refused, accepted] = fake.requestsOf('sse');
    expect([refused!.status, accepted!.status]).toEqual([429, 200]);
    expect(accepted!.at - refused!.at).toBeGreaterThanOrEqual(950);
  });

  it('reconnects a stream that stays silent past the heartbeat timeout', async () => {
    bed = await startTestBed({ settings: { heartbeatTimeoutMs: 150 } });
    const { fake, connector, events } = bed;
    const { conversationId: id } = await connector.doStartHandover(startRequest('hung'));
    await waitUntil(() => fake.openStreams === 1, 'the stream');
    fake.stalled = true; // the connection stays open but carries nothing
    fake.say(id, 'stuck behind a hung connection');
    await waitUntil(() => fake.streamCursors.length >= 2, 'a reconnect after the heartbeat timeout');
    fake.stalled = false;
    await waitUntil(() => texts(events, id).length === 1, 'the message');
    expect(texts(events, id)).toEqual(['stuck behind a hung connection']);
  });

  it('carries every recorded fixture over the wire and parses it like the mapping does', async () => {
    bed = await startTestBed();
    const { fake, connector, events } = bed;
    const { conversationId: id } = await connector.doStartHandover(startRequest('fixtures'));
    await waitUntil(() => events.some((e) => e.type === 'queue-updated'), 'the routing result');
    const dir = new URL('../../fakes/salesforce-miaw/fixtures/', import.meta.url);
    const order = [
      'participant-changed-agent-joined',
      'typing-started',
      'message-agent-text',
      'message-end-user-echo',
      'message-agent-attachment',
      'sdk-ping',
      'sdk-typing-indicator',
      'close-conversation',
    ];
    let view = emptyView();
    const expected: string[] = [];
    for (const name of order) {
      const f = JSON.parse(readFileSync(new URL(`${name}.json`, dir), 'utf8')) as {
        event: string;
        data: Record<string, unknown>;
      };
      const data = f.data.conversationEntry ? { ...f.data, conversationId: id } : f.data;
      const out = mapStreamMessage({ event: f.event, data: JSON.stringify(data) }, id, view, {
        forwardEvents: false,
        endChatWhenAgentLeaves: false,
        now: 0,
      });
      if (out) {
        view = out.view;
        expected.push(...out.events.map((e) => e.type));
      }
      fake.pushRaw(id, f.event, f.data);
    }
    expect(readdirSync(dir).length).toBeGreaterThan(order.length);
    await waitUntil(() => events.some((e) => e.type === 'handover-completed'), 'the close');
    expect(events.filter((e) => e.type !== 'queue-updated').map((e) => e.type)).toEqual(expected);
    await waitUntil(() => fake.openStreams === 0, 'the stream to close after the end');
  });

  it('stores the cursor and the view in the connector state, and never an access token in clear', async () => {
    const fake = await FakeMiaw.start();
    const state = new RecordingState();
    const { connector, events } = connectorOn(fake, state);
    try {
      const { conversationId: id } = await connector.doStartHandover(startRequest('state'));
      fake.join(id);
      fake.say(id, 'hello');
      await waitUntil(() => texts(events, id).length === 1, 'the message');
      await waitUntil(async () => (await state.get(`cursor:${id}`)) === fake.lastEventId, 'the cursor');
      expect(JSON.parse((await state.get(`view:${id}`))!)).toMatchObject({ agents: [{ id: FAKE_MIAW.agent.id }] });
      const tokens = fake.requests.filter((r) => r.operation === 'token').map((r) => r.status);
      expect(tokens).toEqual([200]);
      const issued = fake.requests
        .flatMap((r) => String(r.headers.authorization ?? '').replace('Bearer ', ''))
        .filter((t) => t.startsWith('fake-jwt.'));
      for (const token of new Set(issued)) expect(state.written.some((v) => v.includes(token))).toBe(false);
    } finally {
      await connector.dispose();
      await fake.close();
    }
  });

  it('after a restart (same state and key) resumes the stream; what came meanwhile arrives once', async () => {
    const fake = await FakeMiaw.start();
    const shared = new MemoryConnectorState().forProvider('miaw-test');
    const first = connectorOn(fake, shared, { tokenEncryptionKey: ENCRYPTION_KEY });
    const { conversationId: id } = await first.connector.doStartHandover(startRequest('restart'));
    fake.join(id);
    fake.say(id, 'one');
    await waitUntil(() => texts(first.events, id).length === 1, 'the first message');
    await first.connector.dispose(); // the gateway stops; its lease is released
    fake.say(id, 'two, while no gateway ran');
    const second = connectorOn(fake, shared, { tokenEncryptionKey: ENCRYPTION_KEY });
    try {
      await second.connector.sweep();
      await waitUntil(() => texts(second.events, id).length === 1, 'the message from the downtime');
      expect(texts(second.events, id)).toEqual(['two, while no gateway ran']);
      expect(second.events.some((e) => e.type === 'agent-joined')).toBe(false); // not replayed
      await second.connector.doSendMessage({
        conversationId: id,
        messageId: 'u-1',
        user: { id: 'u' },
        text: 'still here',
      });
      expect(fake.userTexts(id)).toEqual(['still here']);
    } finally {
      await second.connector.dispose();
      await fake.close();
    }
  });

  it('an expired guest token that cannot be renewed ends the handover with an error', async () => {
    bed = await startTestBed();
    const { fake, connector, events } = bed;
    const { conversationId: id } = await connector.doStartHandover(startRequest('expired'));
    await waitUntil(() => fake.openStreams === 1, 'the stream');
    fake.revokeTokens();
    fake.dropStreams();
    await waitUntil(() => events.some((e) => e.type === 'handover-error'), 'the error');
    expect(events.find((e) => e.type === 'handover-error')).toMatchObject({
      conversationId: id,
      code: 'stream-unauthorized',
    });
    expect(fake.requestsOf('continuation').map((r) => r.status)).toEqual([401]);
  });

  it('a verified user’s token is renewed from the identity token and the stream goes on', async () => {
    bed = await startTestBed({ settings: { authMode: 'authenticated' } });
    const { fake, connector, events } = bed;
    const identityToken = FAKE_MIAW.identityTokens[0]!;
    const { conversationId: id } = await connector.doStartHandover(
      startRequest('verified', { connectorOptions: { 'salesforce-miaw': { identityToken } } }),
    );
    await waitUntil(() => fake.openStreams === 1, 'the stream');
    fake.revokeTokens();
    fake.dropStreams();
    fake.say(id, 'after renewal');
    await waitUntil(() => texts(events, id).length === 1, 'the message');
    const tokens = fake.requestsOf('token');
    expect(tokens).toHaveLength(2);
    expect(
      tokens.every((r) => (r.body as { customerIdentityToken?: string }).customerIdentityToken === identityToken),
    ).toBe(true);
  });
});

/** A MemoryConnectorState view that remembers every value written (to look for secrets). */
class RecordingState {
  readonly written: string[] = [];
  private readonly inner = new MemoryConnectorState().forProvider('miaw-test');
  get = (k: string) => this.inner.get(k);
  set = (k: string, v: string, o?: { ttlMs?: number }) => {
    this.written.push(`${k}=${v}`);
    return this.inner.set(k, v, o);
  };
  delete = (k: string) => this.inner.delete(k);
  acquireLease = (n: string, t: number) => this.inner.acquireLease(n, t);
  releaseLease = (n: string) => this.inner.releaseLease(n);
}
