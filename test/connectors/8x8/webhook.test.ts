import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import type { HandoverEvent, Logger } from 'handover-kit';
import { createFakeClock, testConnectorRuntime, MemoryConnectorState } from 'handover-kit/testing';
import { createEightByEightConnector } from 'handover-kit/connectors/8x8';
import { FAKE_DEFAULTS, signedHeaders, type FakeEightByEight } from '../../fakes/8x8';
import { settingsFor, startTestBed, type EightByEightTestBed } from './harness';

const fixture = (name: string) =>
  readFileSync(new URL(`../../fakes/8x8/fixtures/${name}.json`, import.meta.url), 'utf8');
const CONV = 'conv-fixture-1';

let bed: EightByEightTestBed | undefined;
afterEach(async () => {
  await bed?.close();
  bed = undefined;
});

async function deliver(b: EightByEightTestBed, ...names: string[]): Promise<HandoverEvent[]> {
  const before = b.events.length;
  for (const name of names) await b.fake.deliverRaw(fixture(name));
  return b.events.slice(before);
}

function recordingLogger(): Logger & { warnings: string[] } {
  const warnings: string[] = [];
  const noop = () => {};
  return { warnings, debug: noop, info: noop, error: noop, warn: (m: string) => void warnings.push(m) };
}

describe('8x8 webhook events (fixtures of each documented example)', () => {
  it('maps each documented event to what the handover needs', async () => {
    bed = await startTestBed();
    const cases: Array<[string, Array<Partial<HandoverEvent>>]> = [
      ['conversation-update', []],
      ['queued', [{ type: 'queue-updated', estimatedWaitMs: 45_000 }]],
      ['members-changed-agent-joined', [{ type: 'agent-joined', agent: { id: 'agent-ana' } }]],
      ['activity-typing', [{ type: 'agent-typing', typing: true, agent: { id: 'agent-ana' } }]],
      ['activity-typing-stopped', [{ type: 'agent-typing', typing: false }]],
      ['activity-adaptive-card', []],
      ['activity-quick-reply', []],
      ['activity-read-receipts', []],
      ['activity-cpaas', []],
      ['message-echo', []],
    ];
    for (const [name, expected] of cases) {
      const got = await deliver(bed, name);
      expect(got, name).toMatchObject(expected);
      expect(got.length, name).toBe(expected.length);
    }
    const [message] = await deliver(bed, 'message');
    expect(message).toMatchObject({
      type: 'agent-message',
      conversationId: CONV,
      text: 'Hi Jane, I can help with that.',
      agent: { id: 'agent-ana' },
      attachments: [{ url: 'https://files.example.com/att-9?sig=xyz', type: 'image', name: 'invoice.png' }],
      occurredAt: 1765000020000,
    });
    expect(message!.eventId).toMatch(/^8x8:/);
  });

  it("drops the bot's echoed messages but relays the agent's", async () => {
    bed = await startTestBed();
    const c = await bed.connector.doStartHandover({
      idempotencyKey: 'echo',
      user: { id: 'u' },
      routing: {},
      transcript: [],
      customAttributes: {},
    });
    await bed.connector.doSendMessage({
      conversationId: c.conversationId,
      messageId: 'sys-1',
      user: { id: 'u' },
      text: 'User joined',
      kind: 'system',
    });
    await bed.fake.settled();
    expect(bed.fake.deliveries.some((d) => d.body.includes('"isEcho":true'))).toBe(true);
    expect(bed.events.filter((e) => e.type === 'agent-message')).toEqual([]);
  });

  it('an agent leaving after TRANSFER re-queues; the next agent leaving ends the handover', async () => {
    bed = await startTestBed();
    const c = await bed.connector.doStartHandover({
      idempotencyKey: 'xfer',
      user: { id: 'u' },
      routing: {},
      transcript: [],
      customAttributes: {},
    });
    const id = c.conversationId;
    await bed.fake.join(id, 'agent-ana');
    await bed.fake.transfer(id, '456');
    const mine = () => bed!.events.filter((e) => e.conversationId === id).map((e) => e.type);
    expect(mine()).toEqual(['queue-updated', 'agent-joined', 'agent-left', 'queue-updated']);
    expect(bed.events.find((e) => e.type === 'agent-left')).toMatchObject({
      requeued: true,
      agent: { id: 'agent-ana' },
    });
    await bed.fake.join(id, 'agent-bob');
    await bed.fake.say(id, 'Bob here');
    await bed.fake.resolve(id); // agent left (no transfer) + conversation idle: one end
    expect(mine().slice(4)).toEqual(['agent-joined', 'agent-message', 'agent-left', 'handover-completed']);
    const left = bed.events.filter((e) => e.type === 'agent-left');
    expect(left.map((e) => (e as { requeued: boolean }).requeued)).toEqual([true, false]);
  });

  it('ends once when the conversation goes idle without an agent leaving first', async () => {
    bed = await startTestBed();
    expect(await deliver(bed, 'conversation-update-idle')).toMatchObject([
      { type: 'handover-completed', by: 'agent', eventId: `8x8:${CONV}:end` },
    ]);
    expect(await deliver(bed, 'members-changed-agent-left')).toMatchObject([{ type: 'agent-left', requeued: false }]);
  });

  it("the user leaving (not by the bot) cancels; the bot's own close reports nothing", async () => {
    bed = await startTestBed();
    expect(await deliver(bed, 'members-changed-user-left')).toMatchObject([{ type: 'handover-cancelled', by: 'user' }]);
    const c = await bed.connector.doStartHandover({
      idempotencyKey: 'close',
      user: { id: 'u' },
      routing: {},
      transcript: [],
      customAttributes: {},
    });
    await bed.fake.settled(); // the queueing events of the start
    const before = bed.events.length;
    await bed.connector.doCloseHandover({ conversationId: c.conversationId, reason: 'bot-closed' });
    await bed.fake.settled();
    expect(bed.fake.deliveries.some((d) => d.body.includes('"memberType":"user","change":"left"'))).toBe(true);
    expect(bed.events.slice(before).filter((e) => e.conversationId === c.conversationId)).toEqual([]);
  });

  it('ignores the retired Chat API v2 event names, with a warning', async () => {
    const logger = recordingLogger();
    bed = await startTestBed({ logger });
    expect(await deliver(bed, 'retired-v2-agent-joined')).toEqual([]);
    expect(bed.fake.deliveries.at(-1)!.status).toBe(200);
    expect(logger.warnings.join(' ')).toMatch(/retired/);
  });

  it('queue updates carry no wait estimate without real-time metrics', async () => {
    bed = await startTestBed({ settings: { apiSecret: '' } });
    const [queued] = await deliver(bed, 'queued');
    expect(queued).toMatchObject({ type: 'queue-updated' });
    expect(queued).not.toHaveProperty('estimatedWaitMs');
  });

  it('does not hold a queue webhook longer than 2 s for a slow metrics API', async () => {
    bed = await startTestBed();
    const clock = createFakeClock(Date.now());
    const connector = createEightByEightConnector(settingsFor(bed.fake), testConnectorRuntime({ clock }));
    const release = bed.fake.holdMetrics();
    const body = fixture('queued');
    const req = {
      method: 'POST',
      url: '/webhooks/slow',
      headers: signedHeaders(body, bed.fake.signingKey, FAKE_DEFAULTS, {
        eventId: 'q1',
        retry: 0,
        transmissionTime: clock.now(),
      }),
      rawBody: Buffer.from(body),
      receivedAt: clock.now(),
    };
    await connector.webhook!.verify(req);
    const parsed = connector.webhook!.parse(req); // arms the 2 s deadline on the connector's clock
    await clock.advance(2_000);
    const events = await parsed;
    expect(events).toMatchObject([{ type: 'queue-updated' }]);
    expect(events[0]).not.toHaveProperty('estimatedWaitMs');
    release();
    await connector.dispose();
  });

  it('answers the WEB_HOOK_VERIFY probe with 200 and leaves everything else to verify + parse', async () => {
    bed = await startTestBed();
    const req = (body: string) => ({
      method: 'POST',
      url: '/webhooks/8x8-test',
      headers: {},
      rawBody: Buffer.from(body),
      receivedAt: Date.now(),
    });
    const reply = await bed.connector.webhook!.handle!(req(fixture('web-hook-verify')));
    expect(reply).toMatchObject({ status: 200 });
    expect(reply?.events ?? []).toEqual([]);
    expect(await bed.connector.webhook!.handle!(req(fixture('message')))).toBeUndefined();
    expect(await bed.connector.webhook!.handle!(req('{not json WEB_HOOK_VERIFY'))).toBeUndefined();
  });

  it('remembers a TRANSFER in the shared state, so another gateway instance re-queues correctly', async () => {
    bed = await startTestBed();
    const fake: FakeEightByEight = bed.fake;
    const state = new MemoryConnectorState().forProvider('shared');
    const a = createEightByEightConnector(settingsFor(fake), testConnectorRuntime({ state }));
    const b = createEightByEightConnector(settingsFor(fake), testConnectorRuntime({ state }));
    const signed = (body: string, eventId: string) => ({
      method: 'POST',
      url: '/webhooks/shared',
      headers: signedHeaders(body, fake.signingKey, FAKE_DEFAULTS, { eventId, retry: 0, transmissionTime: Date.now() }),
      rawBody: Buffer.from(body),
      receivedAt: Date.now(),
    });
    const transfer = signed(fixture('transfer'), 'e1');
    await a.webhook!.verify(transfer);
    expect(await a.webhook!.parse(transfer)).toEqual([]);
    const left = signed(fixture('members-changed-agent-left'), 'e2');
    await b.webhook!.verify(left);
    expect(await b.webhook!.parse(left)).toMatchObject([{ type: 'agent-left', requeued: true }]);
    await Promise.all([a.dispose(), b.dispose()]);
  });
});
