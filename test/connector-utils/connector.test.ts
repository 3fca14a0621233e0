// The pieces every connector factory shares: in-process events and the once-per-key wrappers of
// doStartHandover / doSendMessage.
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  HandoverConfigError,
  UnsupportedCapabilityError,
  defineCapabilities,
  type HandoverConnectorV1,
  type HandoverEvent,
  type SendMessageRequest,
  type StartHandoverRequest,
} from 'handover-kit/contract';
import {
  assertCapability,
  connectorEvents,
  connectorFactory,
  connectorSettings,
  oncePerIdempotencyKey,
  oncePerMessage,
  oncePerMessageInFlight,
} from 'handover-kit/connector-utils';
import { testConnectorRuntime } from 'handover-kit/testing';

const startRequest = (idempotencyKey: string): StartHandoverRequest => ({
  idempotencyKey,
  user: { id: 'u1' },
  routing: {},
  transcript: [],
  customAttributes: {},
});

const message = (conversationId: string, messageId: string): SendMessageRequest => ({
  conversationId,
  messageId,
  text: 'hi',
  user: { id: 'u1' },
});

describe('oncePerIdempotencyKey', () => {
  it('starts once per key: a repeat, at once or later, gets the first start; another key starts again', async () => {
    let starts = 0;
    const start = oncePerIdempotencyKey(async (request) => ({
      conversationId: `c${++starts}-${request.idempotencyKey}`,
      status: 'queue',
    }));
    const [a, b] = await Promise.all([start(startRequest('k1')), start(startRequest('k1'))]);
    expect(a).toEqual({ conversationId: 'c1-k1', status: 'queue' });
    expect(b).toBe(a);
    expect(await start(startRequest('k1'))).toBe(a);
    expect((await start(startRequest('k2'))).conversationId).toBe('c2-k2');
    expect(starts).toBe(2);
  });

  it('forgets a failed start, so a retry runs again; passes the call options through', async () => {
    let calls = 0;
    const signals: Array<AbortSignal | undefined> = [];
    const start = oncePerIdempotencyKey(async (_request, options) => {
      signals.push(options?.signal);
      if (++calls === 1) throw new Error('vendor down');
      return { conversationId: 'c1', status: 'queue' };
    });
    const signal = new AbortController().signal;
    await expect(start(startRequest('k1'), { signal })).rejects.toThrow('vendor down');
    await expect(start(startRequest('k1'))).resolves.toEqual({ conversationId: 'c1', status: 'queue' });
    expect(calls).toBe(2);
    expect(signals).toEqual([signal, undefined]);
  });

  it('remembers at most `max` keys, oldest first out', async () => {
    let starts = 0;
    const start = oncePerIdempotencyKey(async () => ({ conversationId: `c${++starts}`, status: 'queue' }), { max: 2 });
    await start(startRequest('k1'));
    await start(startRequest('k2'));
    await start(startRequest('k3'));
    expect((await start(startRequest('k3'))).conversationId).toBe('c3');
    expect((await start(startRequest('k1'))).conversationId).toBe('c4');
  });
});

describe('oncePerMessage', () => {
  it('sends once per conversation and message id; repeats get the result marked duplicate', async () => {
    let sends = 0;
    const send = oncePerMessage(async (request) => ({
      vendorMessageId: `v${++sends}-${request.messageId}`,
      duplicate: false,
    }));
    const first = send(message('c1', 'm1'));
    const concurrent = send(message('c1', 'm1'));
    expect(await first).toEqual({ vendorMessageId: 'v1-m1', duplicate: false });
    expect(await concurrent).toEqual({ vendorMessageId: 'v1-m1', duplicate: true });
    expect(await send(message('c1', 'm1'))).toEqual({ vendorMessageId: 'v1-m1', duplicate: true });
    // The same message id in another conversation is another message.
    expect(await send(message('c2', 'm1'))).toEqual({ vendorMessageId: 'v2-m1', duplicate: false });
    expect(sends).toBe(2);
  });

  it('forgets a failed send, and a remembered one after ttlMs', async () => {
    let now = 0;
    let calls = 0;
    const send = oncePerMessage(
      async () => {
        if (++calls === 1) throw new Error('timeout');
        return { duplicate: false };
      },
      { max: 10, ttlMs: 1_000, now: () => now },
    );
    await expect(send(message('c1', 'm1'))).rejects.toThrow('timeout');
    expect(await send(message('c1', 'm1'))).toEqual({ duplicate: false });
    now = 500;
    expect(await send(message('c1', 'm1'))).toEqual({ duplicate: true });
    now = 1_501;
    expect(await send(message('c1', 'm1'))).toEqual({ duplicate: false });
    expect(calls).toBe(3);
  });
});

describe('oncePerMessageInFlight', () => {
  it('shares a send in flight with its concurrent repeats (duplicate), keeps nothing once it settles', async () => {
    const sent = new Set<string>(); // what the connector's state records
    const keys: string[] = [];
    let sends = 0;
    const send = oncePerMessageInFlight(
      (r) => `${r.conversationId}/${r.messageId}`,
      async (_request, key) => {
        keys.push(key);
        if (sent.has(key)) return { vendorMessageId: key, duplicate: true };
        sends++;
        await Promise.resolve();
        sent.add(key);
        return { vendorMessageId: key, duplicate: false };
      },
    );
    const first = send(message('c1', 'm1'));
    const concurrent = send(message('c1', 'm1'));
    expect(await first).toEqual({ vendorMessageId: 'c1/m1', duplicate: false });
    expect(await concurrent).toEqual({ vendorMessageId: 'c1/m1', duplicate: true });
    // After it settled, a repeat runs the connector's send again, which finds it in the state.
    expect(await send(message('c1', 'm1'))).toEqual({ vendorMessageId: 'c1/m1', duplicate: true });
    expect(await send(message('c2', 'm1'))).toEqual({ vendorMessageId: 'c2/m1', duplicate: false });
    expect(keys).toEqual(['c1/m1', 'c1/m1', 'c2/m1']);
    expect(sends).toBe(2);
  });

  it('a failed send fails its concurrent repeats too, and a later retry sends', async () => {
    let calls = 0;
    const send = oncePerMessageInFlight(
      (r) => r.messageId,
      async () => {
        if (++calls === 1) throw new Error('timeout');
        return { duplicate: false };
      },
    );
    const first = send(message('c1', 'm1'));
    const concurrent = send(message('c1', 'm1'));
    await expect(first).rejects.toThrow('timeout');
    await expect(concurrent).rejects.toThrow('timeout');
    expect(await send(message('c1', 'm1'))).toEqual({ duplicate: false });
    expect(calls).toBe(2);
  });
});

describe('connectorEvents', () => {
  it('emits a list of events in order on `events`', () => {
    const { events, emit } = connectorEvents();
    const seen: string[] = [];
    events.on('event', (e) => seen.push(e.eventId));
    const event = (eventId: string): HandoverEvent => ({
      type: 'agent-typing',
      conversationId: 'c1',
      eventId,
      occurredAt: 0,
      typing: true,
    });
    emit([event('e1'), event('e2')]);
    emit([]);
    expect(seen).toEqual(['e1', 'e2']);
  });
});

describe('connectorSettings', () => {
  const schema = z.strictObject({ queueId: z.string().min(1), pollMs: z.coerce.number().default(5000) });

  it('answers the parsed settings (defaults applied, strings coerced)', () => {
    expect(connectorSettings(schema, { queueId: 'q1', pollMs: '250' }, 'Acme')).toEqual({ queueId: 'q1', pollMs: 250 });
    expect(connectorSettings(schema, { queueId: 'q1' }, 'Acme').pollMs).toBe(5000);
  });

  it('fails with a HandoverConfigError that names the vendor and each bad field under settings.', () => {
    let caught: unknown;
    try {
      connectorSettings(schema, { queueId: '', extra: 1 }, 'Acme');
    } catch (error) {
      caught = error;
    }
    expect(HandoverConfigError.isInstance(caught)).toBe(true);
    const error = caught as HandoverConfigError;
    expect(error.message).toMatch(/^Invalid Acme settings: /);
    expect(error.issues.map((i) => i.path)).toEqual(expect.arrayContaining(['settings.queueId', 'settings']));
  });
});

describe('assertCapability', () => {
  it('passes when the capability is on, and otherwise throws UnsupportedCapabilityError saying what it needs', () => {
    const on = defineCapabilities(['availability']);
    const off = defineCapabilities([]);
    expect(() => assertCapability(on, 'availability', 'acme', 'needs the queueId setting')).not.toThrow();
    let caught: unknown;
    try {
      assertCapability(off, 'availability', 'acme', 'Acme availability needs the queueId setting');
    } catch (error) {
      caught = error;
    }
    expect(UnsupportedCapabilityError.isInstance(caught)).toBe(true);
    const error = caught as UnsupportedCapabilityError;
    expect(error.code).toBe('unsupported_capability');
    expect(error.message).toBe('Acme availability needs the queueId setting');
    expect(error.details).toEqual({ capability: 'availability', connectorType: 'acme' });
  });
});

describe('connectorFactory', () => {
  const schema = z.strictObject({ queueId: z.string().min(1), pollMs: z.coerce.number().default(5000) });

  it('builds from the validated settings and the runtime; invalid settings never reach the build', () => {
    const built: Array<{ settings: unknown; providerId: string }> = [];
    const create = connectorFactory(schema, 'Acme', (settings, runtime) => {
      built.push({ settings, providerId: runtime.providerId });
      return { type: 'acme' } as unknown as HandoverConnectorV1;
    });
    const runtime = testConnectorRuntime({ providerId: 'acme_1' });
    expect(create({ queueId: 'q1' }, runtime).type).toBe('acme');
    expect(built).toEqual([{ settings: { queueId: 'q1', pollMs: 5000 }, providerId: 'acme_1' }]);
    expect(() => create({ queueId: '' }, runtime)).toThrow(/^Invalid Acme settings: settings\.queueId/);
    expect(built).toHaveLength(1);
  });
});
