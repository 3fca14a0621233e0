// The helpers connectors share: settings builders, vendor bodies, state, attachments, transcripts,
// periodic work and webhook checks. Each connector's own tests cover them in use; these pin the edges.
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  BadSignatureError,
  RateLimitError,
  VendorApiError,
  VendorNotFoundError,
  type ConnectorStateV1,
  type WebhookRequest,
} from 'handover-kit/contract';
import {
  HeldLease,
  NotFoundStreaks,
  PeriodicTask,
  SharedIdList,
  StateRecords,
  agentAttachment,
  agentMessageEvent,
  attachmentType,
  configuredSecret,
  failureReason,
  fetchableAttachments,
  httpsUrl,
  matchesSecret,
  newestLines,
  packLines,
  parseIdList,
  parseVendorBody,
  requestTimeoutMs,
  requiredHeader,
  requiredText,
  settingIssue,
  transcriptLine,
  validItems,
  withWarnings,
} from 'handover-kit/connector-utils';
import { MemoryConnectorState, createFakeClock } from 'handover-kit/testing';

const request = (headers: Record<string, string>): WebhookRequest =>
  ({ method: 'POST', url: '/webhooks/p', headers, rawBody: Buffer.from('{}'), receivedAt: 0 }) as WebhookRequest;

describe('settings builders', () => {
  it('httpsUrl accepts https anywhere and http only on loopback', () => {
    expect(httpsUrl().safeParse('https://api.example.com').success).toBe(true);
    expect(httpsUrl().safeParse('http://127.0.0.1:4000').success).toBe(true);
    const plain = httpsUrl('Base URL').safeParse('http://api.example.com');
    expect(plain.success).toBe(false);
    expect(plain.error?.issues[0]?.message).toBe(
      'Base URL: use https (plain http is only allowed on 127.0.0.1 / localhost)',
    );
  });

  it('requiredText names the setting; requestTimeoutMs coerces and bounds', () => {
    expect(requiredText('Client ID').safeParse('  ').error?.issues[0]?.message).toBe('Client ID is required');
    expect(requiredText('Client ID').safeParse(undefined).error?.issues[0]?.message).toBe('Client ID is required');
    expect(requestTimeoutMs('X API').parse(undefined)).toBe(10_000);
    expect(requestTimeoutMs('X API').parse('2500')).toBe(2500);
    expect(requestTimeoutMs('X API').safeParse(50).success).toBe(false);
  });

  it('settingIssue reports a cross-field problem on the named setting', () => {
    const schema = z.object({ a: z.string().optional(), b: z.string().optional() }).superRefine((s, ctx) => {
      if (!s.a !== !s.b) settingIssue(ctx, 'b', 'Set both or neither');
    });
    expect(schema.safeParse({ a: 'x' }).error?.issues[0]).toMatchObject({
      path: ['b'],
      message: 'Set both or neither',
    });
    expect(schema.safeParse({ a: 'x', b: 'y' }).success).toBe(true);
  });
});

describe('vendor bodies and results', () => {
  it('parseVendorBody returns the data or a VendorApiError naming the operation', () => {
    const schema = z.object({ id: z.string() });
    expect(parseVendorBody('acme', 'get thing', schema, { id: '1' })).toEqual({ id: '1' });
    const error = (() => {
      try {
        parseVendorBody('acme', 'get thing', schema, { id: 1 }, 201);
      } catch (e) {
        return e;
      }
    })();
    expect(VendorApiError.isInstance(error)).toBe(true);
    expect((error as VendorApiError).status).toBe(201);
    expect((error as VendorApiError).message).toBe('acme get thing returned an unexpected body');
  });

  it('validItems keeps what matches and skips the rest', () => {
    expect(validItems(z.object({ n: z.number() }), [{ n: 1 }, { n: 'x' }, null, { n: 2 }])).toEqual([
      { n: 1 },
      { n: 2 },
    ]);
    expect(validItems(z.number(), undefined)).toEqual([]);
  });

  it('withWarnings leaves out an empty list; failureReason never leaks an untyped error', () => {
    expect(withWarnings([])).toEqual({});
    expect(withWarnings([{ type: 'other', message: 'm' }])).toEqual({ warnings: [{ type: 'other', message: 'm' }] });
    expect(failureReason(new Error('secret internals'))).toBe('unexpected error');
    expect(failureReason(new RateLimitError('slow down', { vendor: 'acme', status: 429 }))).toBe('slow down');
  });

  it('agentMessageEvent leaves out empty attachments and an unknown agent', () => {
    const base = { conversationId: 'c', eventId: 'e', occurredAt: 1 };
    expect(agentMessageEvent(base, 'hi')).toEqual({ ...base, type: 'agent-message', text: 'hi' });
    const file = agentAttachment('https://x/a.pdf', 'application/pdf', 'a.pdf');
    expect(agentMessageEvent(base, '', [file], { id: 'a1' })).toEqual({
      ...base,
      type: 'agent-message',
      text: '',
      attachments: [{ url: 'https://x/a.pdf', type: 'file', name: 'a.pdf' }],
      agent: { id: 'a1' },
    });
  });
});

describe('attachments and transcripts', () => {
  it('attachmentType reads kinds, MIME types and file names', () => {
    expect(
      ['IMAGE', 'image/png', 'photo.JPG?x=1', 'video/mp4', 'voice.ogg', 'file', 'application/pdf', undefined].map(
        attachmentType,
      ),
    ).toEqual(['image', 'image', 'image', 'video', 'audio', 'file', 'file', 'file']);
  });

  it('fetchableAttachments keeps http(s) URLs and warns about the rest', () => {
    const { fetchable, warnings } = fetchableAttachments(
      [
        { url: 'https://x/a.png', type: 'image' },
        { url: 'data:image/png;base64,AAAA', type: 'image', name: 'inline' },
      ],
      (a) => `${a.name} not sent`,
    );
    expect(fetchable.map((a) => a.url)).toEqual(['https://x/a.png']);
    expect(warnings).toEqual([{ type: 'other', feature: 'attachments', message: 'inline not sent' }]);
  });

  it('transcript lines, the newest that fit, and packing into messages', () => {
    expect(transcriptLine({ role: 'user', text: 'hi' })).toBe('User: hi');
    expect(transcriptLine({ role: 'user', text: 'hi' }, { user: 'Customer', bot: 'B', agent: 'A', system: 'S' })).toBe(
      'Customer: hi',
    );
    expect(newestLines(['aaaa', 'bbbb', 'cccc'], 11)).toBe('…\nbbbb\ncccc');
    expect(newestLines(['x'.repeat(20)], 5)).toBe('xxxxx');
    expect(packLines(['aaa', 'bbb', 'ccc'], 7)).toEqual(['aaa\nbbb', 'ccc']);
    expect(packLines(['y'.repeat(12)], 5)).toEqual(['yyyyy', 'yyyyy', 'yy']);
  });
});

describe('shared state', () => {
  it('StateRecords reads valid records, treats anything else as absent, and follows every change', async () => {
    const state = new MemoryConnectorState().forProvider('p');
    const records = new StateRecords(state, z.object({ n: z.number() }), 60_000);
    await records.put('good', { n: 1 });
    await state.set('bad', '{"n":"x"}');
    await state.set('garbage', '{nope');
    expect(await records.get('good')).toEqual({ n: 1 });
    expect(await records.get('good')).toEqual({ n: 1 }); // the same value, parsed once
    await state.set('good', '{"n":2}'); // written by another instance
    expect(await records.get('good')).toEqual({ n: 2 });
    expect(await records.get('bad')).toBeUndefined();
    expect(await records.get('garbage')).toBeUndefined();
    expect(await records.get('missing')).toBeUndefined();
    expect(parseIdList('["a",1,"b"]')).toEqual(['a', 'b']);
  });

  it('SharedIdList applies concurrent edits in order and loses none', async () => {
    const clock = createFakeClock();
    const state = new MemoryConnectorState(clock).forProvider('p');
    const list = new SharedIdList(state, { key: 'ids', lock: 'ids-lock', clock, what: 'test list' });
    await Promise.all(['a', 'b', 'c'].map((id) => list.edit((ids) => [...ids, id])));
    await list.edit((ids) => ids.filter((id) => id !== 'b'));
    expect(await list.read()).toEqual(['a', 'c']);
    expect(await state.acquireLease('ids-lock', 1000)).toBe(true); // released after each edit
  });
});

describe('held leases', () => {
  /** Two instances' views of one shared lease table (the in-memory state gives every caller the lease). */
  function twoInstances() {
    const owners = new Map<string, object>();
    const released: string[] = [];
    const instance = () => {
      const me = {};
      return {
        acquireLease: async (name: string) => {
          if (owners.has(name) && owners.get(name) !== me) return false;
          owners.set(name, me);
          return true;
        },
        releaseLease: async (name: string) => {
          released.push(name);
          if (owners.get(name) === me) owners.delete(name);
        },
      } as unknown as ConnectorStateV1;
    };
    return { a: instance(), b: instance(), released };
  }

  it('one holder at a time; handed back at once, and only by its holder', async () => {
    const { a: stateA, b: stateB, released } = twoInstances();
    const a = new HeldLease(stateA, 'poller', 10_000);
    const b = new HeldLease(stateB, 'poller', 10_000);
    expect(await a.renew()).toBe(true);
    expect(await b.renew()).toBe(false);
    await b.release(); // not held: nothing to hand back
    expect(released).toEqual([]);
    await a.release();
    expect([a.held, released]).toEqual([false, ['poller']]);
    expect(await b.renew()).toBe(true);
  });
});

describe('periodic work and polling', () => {
  it('PeriodicTask runs on the clock, one round at a time, and waits out a rate limit', async () => {
    const clock = createFakeClock();
    let rounds = 0;
    const task = new PeriodicTask({ clock, intervalMs: 1000, run: async () => void rounds++ });
    task.start();
    await clock.advance(3000);
    expect(rounds).toBe(3);
    task.pauseOnRateLimit(new RateLimitError('429', { vendor: 'acme', status: 429, retryAfterMs: 5000 }), 100);
    expect(task.paused).toBe(true);
    // The round already planned (t+1 s) still runs and can look at `paused`; the next waits for the pause's end.
    await clock.advance(4000);
    expect(rounds).toBe(4);
    await clock.advance(1000);
    expect(rounds).toBe(5);
    await task.dispose();
    await clock.advance(5000);
    expect(rounds).toBe(5);
  });

  it('PeriodicTask hands a failed round to onError and keeps going', async () => {
    const clock = createFakeClock();
    const errors: unknown[] = [];
    let rounds = 0;
    const task = new PeriodicTask({
      clock,
      intervalMs: 100,
      run: async () => {
        rounds++;
        throw new Error('boom');
      },
      onError: (e) => errors.push(e),
    });
    task.start();
    await clock.advance(250);
    expect([rounds, errors.length]).toEqual([2, 2]);
    await task.dispose();
  });

  it('NotFoundStreaks calls a conversation gone after consecutive 404s only', () => {
    const streaks = new NotFoundStreaks(10, 3);
    const notFound = new VendorNotFoundError('404', { vendor: 'acme', status: 404 });
    expect([streaks.isGone('c', notFound), streaks.isGone('c', notFound)]).toEqual([false, false]);
    streaks.reset('c'); // an answer in between starts the count over
    expect([streaks.isGone('c', notFound), streaks.isGone('c', new Error('x')), streaks.isGone('c', notFound)]).toEqual(
      [false, false, false],
    );
    expect(streaks.isGone('c', notFound)).toBe(true);
  });
});

describe('webhook checks', () => {
  it('refuses without a configured secret or a required header', () => {
    expect(() => configuredSecret(undefined)).toThrow(BadSignatureError);
    expect(() => configuredSecret('', 'Auth Token')).toThrow('No Auth Token is configured for this provider');
    expect(configuredSecret('s3cret')).toBe('s3cret');
    expect(() => requiredHeader(request({}), 'x-api-key', 'X-API-Key')).toThrow('Missing X-API-Key header');
    expect(() => requiredHeader(request({ 'x-api-key': '  ' }), 'x-api-key')).toThrow(BadSignatureError);
    expect(requiredHeader(request({ 'x-api-key': ' k ' }), 'X-API-Key')).toBe('k');
  });

  it('matchesSecret compares exactly, whatever the lengths', () => {
    expect(matchesSecret('same-secret', 'same-secret')).toBe(true);
    expect(matchesSecret('same-secreT', 'same-secret')).toBe(false);
    expect(matchesSecret('short', 'a much longer secret')).toBe(false);
  });
});
