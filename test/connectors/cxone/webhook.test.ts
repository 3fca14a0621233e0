import { afterEach, describe, expect, it } from 'vitest';
import { matchPath, readReply, subPathOf } from 'handover-kit/connectors/cxone';
import { fixture } from '../../fakes/cxone';
import {
  CHANNEL_CLIENT_ID,
  CHANNEL_CLIENT_SECRET,
  PROVIDER_ID,
  SharedState,
  connectorOn,
  startIngress,
  startTestBed,
  type CxoneTestBed,
} from './harness';

const start = (bed: CxoneTestBed, key = 'k1') =>
  bed.connector
    .doStartHandover({
      idempotencyKey: key,
      user: { id: 'u1', name: 'Jane Doe' },
      routing: {},
      transcript: [],
      customAttributes: {},
    })
    .then((r) => r.conversationId);

describe('cxone reply bodies (fixtures)', () => {
  it('reads the sample 1.0 body: text only, thread from the path', () => {
    const reply = readReply(fixture('reply-posts-1.0'), 'thread-1');
    expect(reply).toMatchObject({ threadId: 'thread-1', text: '<agent text>', attachments: [], notFromAgent: false });
  });

  it('reads the 3.0 outbound body: thread, text, author and attachments', () => {
    const body = {
      ...fixture('reply-outbound-3.0'),
      attachments: [{ url: 'https://files.example/a.png', friendlyName: 'a.png' }],
    };
    const reply = readReply(body);
    expect(reply).toMatchObject({
      threadId: '<thread>',
      text: '<agent text>',
      agent: { id: '1234567', name: 'Ana Agent' },
      vendorMessageId: '<message>',
    });
    expect(reply.attachments).toEqual([{ url: 'https://files.example/a.png', type: 'image', name: 'a.png' }]);
  });

  it('matches reply paths and finds the provider segment', () => {
    expect(subPathOf('/webhooks/p1/1.0/posts/t%201/messages?x=1', 'p1')).toEqual(['1.0', 'posts', 't 1', 'messages']);
    expect(subPathOf('/webhooks/p2/1.0/token', 'p1')).toBeUndefined();
    expect(subPathOf('/webhooks/p1/1.0/posts/%E0%A4%A/messages', 'p1')).toBeUndefined();
    expect(matchPath('1.0/posts/{thread}/messages', ['1.0', 'posts', 't1', 'messages'])).toEqual({ thread: 't1' });
    expect(matchPath('1.0/posts/{thread}/messages', ['1.0', 'posts', 't1'])).toBeUndefined();
  });
});

describe('cxone token and reply endpoints', () => {
  let bed: CxoneTestBed;
  afterEach(async () => {
    await bed?.close();
  });

  it('does the CXone dance: reply → 401 → token request → reply with the token → agent message', async () => {
    bed = await startTestBed();
    const id = await start(bed);
    bed.fake.assign(id);
    expect(await bed.fake.say(id, 'Hi, I am Ana')).toBe(200);
    const byoc = bed.fake.byoc!;
    expect(byoc.attempts.map((a) => a.status)).toEqual([401, 200]);
    expect(byoc.tokenRequests).toMatchObject([{ status: 200, body: { token_type: 'Bearer', expires_in: 3600 } }]);
    expect(bed.events.filter((e) => e.type === 'agent-message')).toMatchObject([
      { conversationId: id, text: 'Hi, I am Ana' },
    ]);
    // The token is reused for the next reply.
    expect(await bed.fake.say(id, 'Second')).toBe(200);
    expect(byoc.attempts.map((a) => a.status)).toEqual([401, 200, 200]);
    expect(byoc.tokenRequests).toHaveLength(1);
  });

  it('answers the reply with the external message id (sample and 3.0 shapes in one body)', async () => {
    bed = await startTestBed();
    const id = await start(bed);
    const byoc = bed.fake.byoc!;
    await byoc.fetchToken();
    const url = byoc.replyUrl({ threadId: id, channelId: 'c' });
    const res = await byoc.raw(url, JSON.stringify({ message: 'hello', id: 'm-1' }), `Bearer ${byoc.token}`);
    const body = JSON.parse(res.text);
    expect(res.status).toBe(200);
    expect(body.idOnExternalPlatform).toMatch(/^hk-reply-/);
    expect(body.message.idOnExternalPlatform).toBe(body.idOnExternalPlatform);
    expect(body.thread.idOnExternalPlatform).toBe(id);
    // A redelivery gets the same id and the same event id (the service drops the repeat).
    const again = JSON.parse(
      (await byoc.raw(url, JSON.stringify({ message: 'hello', id: 'm-1' }), `Bearer ${byoc.token}`)).text,
    );
    expect(again.idOnExternalPlatform).toBe(body.idOnExternalPlatform);
    const ids = bed.events.filter((e) => e.type === 'agent-message').map((e) => e.eventId);
    expect(new Set(ids).size).toBe(1);
  });

  it('refuses a forged or tampered bearer token with 401 and delivers nothing', async () => {
    bed = await startTestBed();
    const id = await start(bed);
    const byoc = bed.fake.byoc!;
    await byoc.fetchToken();
    const url = byoc.replyUrl({ threadId: id, channelId: 'c' });
    const body = JSON.stringify({ message: 'forged' });
    const token = byoc.token!;
    const flipped = `${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`;
    for (const auth of [
      `Bearer ${flipped}`,
      'Bearer made-up-token',
      `Basic ${Buffer.from(`${CHANNEL_CLIENT_ID}:${CHANNEL_CLIENT_SECRET}`).toString('base64')}`,
      undefined,
    ]) {
      const res = await byoc.raw(url, body, auth);
      expect(res.status, String(auth)).toBe(401);
    }
    expect(bed.events).toEqual([]);
    expect(bed.ingress.answered.filter((a) => a.events > 0)).toEqual([]);
  });

  it('issues tokens only for the configured client id and secret, JSON, form or Basic', async () => {
    bed = await startTestBed();
    const byoc = bed.fake.byoc!;
    expect(await byoc.fetchToken()).toBe(200);
    const form = await startTestBed({ byoc: { tokenBody: 'form' } });
    try {
      expect(await form.fake.byoc!.fetchToken()).toBe(200);
    } finally {
      await form.close();
    }
    const post = (body: string, headers: Record<string, string>) =>
      fetch(bed.byoc.tokenUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body,
      }).then(async (r) => ({ status: r.status, json: await r.json() }));
    const basic = `Basic ${Buffer.from(`${CHANNEL_CLIENT_ID}:${CHANNEL_CLIENT_SECRET}`).toString('base64')}`;
    expect((await post('{"grant_type":"client_credentials"}', { authorization: basic })).status).toBe(200);
    expect(
      await post(
        JSON.stringify({
          client_id: CHANNEL_CLIENT_ID,
          client_secret: `${CHANNEL_CLIENT_SECRET}x`,
          grant_type: 'client_credentials',
        }),
        {},
      ),
    ).toEqual({ status: 401, json: { error: 'invalid_client' } });
    expect(await post(JSON.stringify({ client_id: 'other', client_secret: CHANNEL_CLIENT_SECRET }), {})).toEqual({
      status: 401,
      json: { error: 'invalid_client' },
    });
    expect(
      await post(
        JSON.stringify({ client_id: CHANNEL_CLIENT_ID, client_secret: CHANNEL_CLIENT_SECRET, grant_type: 'password' }),
        {},
      ),
    ).toEqual({ status: 400, json: { error: 'unsupported_grant_type' } });
    expect((await post('{broken', {})).status).toBe(400);
  });

  it('lets an issued token expire with its lifetime (on the runtime clock), then CXone fetches a new one', async () => {
    bed = await startTestBed({ settings: { issuedTokenTtlSec: 600 } });
    const id = await start(bed);
    expect(await bed.fake.say(id, 'one')).toBe(200);
    await bed.clock.advance(600_001);
    expect(await bed.fake.say(id, 'two')).toBe(200);
    expect(bed.fake.byoc!.attempts.map((a) => a.status)).toEqual([401, 200, 401, 200]);
    expect(bed.fake.byoc!.tokenRequests).toHaveLength(2);
  });

  it('accepts the 3.0 outbound path when configured: thread from the body, agent from authorUser', async () => {
    bed = await startTestBed({
      settings: { replyPath: '2.0/channel/{channel}/outbound' },
      byoc: { replyPath: '2.0/channel/{channel}/outbound', style: 'outbound' },
    });
    const id = await start(bed);
    expect(await bed.fake.say(id, 'From 3.0')).toBe(200);
    expect(bed.events.filter((e) => e.type === 'agent-message')).toMatchObject([
      { conversationId: id, text: 'From 3.0', agent: { id: '1234567', name: 'Ana Agent' } },
    ]);
  });

  it('answers a malformed reply body with 400 (after the token check) and delivers nothing', async () => {
    bed = await startTestBed();
    const id = await start(bed);
    const byoc = bed.fake.byoc!;
    await byoc.fetchToken();
    const url = byoc.replyUrl({ threadId: id, channelId: 'c' });
    expect((await byoc.raw(url, '{not json', `Bearer ${byoc.token}`)).status).toBe(400);
    expect((await byoc.raw(url, '[1,2]', `Bearer ${byoc.token}`)).status).toBe(400);
    expect((await byoc.raw(url, '{not json')).status).toBe(401);
    expect(bed.events).toEqual([]);
  });

  it('drops replies for threads it does not know (200, no event), and 404s unknown sub-paths', async () => {
    bed = await startTestBed();
    expect(
      await bed.fake.byoc!.reply({
        threadId: 'not-ours',
        channelId: 'c',
        text: 'x',
        agent: bed.fake.options.agent,
        userId: 'u',
      }),
    ).toBe(200);
    expect(bed.events).toEqual([]);
    const res = await fetch(`${bed.byoc.boxUrl}/elsewhere`, { method: 'POST', body: '{}' });
    expect(res.status).toBe(404);
  });

  it('shares token hashes (never tokens) with a lifetime; another instance accepts them', async () => {
    bed = await startTestBed();
    const shared = new SharedState(bed.clock);
    const a = connectorOn(bed.fake, bed.clock, shared.forInstance('a'));
    const b = connectorOn(bed.fake, bed.clock, shared.forInstance('b'));
    const ingressB = await startIngress(b, () => undefined);
    try {
      const id = (
        await a.doStartHandover({
          idempotencyKey: 'x',
          user: { id: 'u' },
          routing: {},
          transcript: [],
          customAttributes: {},
        })
      ).conversationId;
      const token = await a.issueToken();
      expect(shared.dump().some(([k, v]) => k.includes(token) || v.includes(token))).toBe(false);
      expect(shared.dump().filter(([k]) => k.startsWith('token:'))).toHaveLength(1);
      const url = `${ingressB.url}/webhooks/${PROVIDER_ID}/1.0/posts/${id}/messages`;
      const res = await fetch(url, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: '{"message":"via b"}',
      });
      expect(res.status).toBe(200);
      expect(ingressB.answered.at(-1)).toMatchObject({ status: 200, events: 1 });
    } finally {
      await ingressB.close();
      await a.dispose();
      await b.dispose();
    }
  });
});
