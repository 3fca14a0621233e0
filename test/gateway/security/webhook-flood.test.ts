import { Agent, request } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { startFakeCognigy, type FakeCognigy } from '../../fakes/cognigy';
import { signedWebhook, startTestGateway, type TestGateway } from '../helpers';

const SECOND_SECRET = 'second-provider-secret-4242';

/** Posts a webhook as a vendor does: on 429 it waits Retry-After and sends the same request again. */
async function deliver(dispatcher: Agent, url: string, hook: { body: string; headers: Record<string, string> }) {
  const started = performance.now();
  let limited = 0;
  for (let attempt = 0; attempt < 50; attempt++) {
    const res = await request(url, { method: 'POST', headers: hook.headers, body: hook.body, dispatcher });
    await res.body.text();
    if (res.statusCode === 200) return { limited, ms: performance.now() - started };
    if (res.statusCode !== 429) throw new Error(`webhook answered ${res.statusCode}`);
    limited++;
    await new Promise((r) => setTimeout(r, Number(res.headers['retry-after']) * 1000));
  }
  throw new Error('still limited after 50 attempts');
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

describe('per-provider webhook limits', () => {
  let gw: TestGateway | undefined;
  let cognigy: FakeCognigy | undefined;
  afterEach(async () => {
    await gw?.close();
    await cognigy?.close();
  });

  it('one provider flooding at 10× its rate gets 429s and loses nothing; another provider is never limited', async () => {
    cognigy = await startFakeCognigy();
    // 20 webhooks/s per provider (burst 10); the flood sends 120 as fast as 10 senders can: > 10× the rate.
    gw = await startTestGateway({ cognigy, overrides: { limits: { webhookPerSecond: 20, webhookBurst: 10 } } });
    await gw.admin.create({
      id: 'calm',
      name: 'Calm',
      type: 'simulated',
      settings: {
        center: 'calm',
        delivery: 'webhook',
        webhookSecret: SECOND_SECRET,
        setup: { agents: [{ id: 'cal', name: 'Cal', capacity: 5 }] },
      },
    });
    const sessions = {
      flood: { userId: 'uf', sessionId: 'sf', urlToken: 'tok-flood' },
      calm: { userId: 'uc', sessionId: 'sc', urlToken: 'tok-calm' },
    };
    const conv: Record<string, string> = {};
    for (const [name, providerId] of [
      ['flood', 'sim'],
      ['calm', 'calm'],
    ] as const) {
      const { handover } = (await gw.client.startHandover({ providerId, session: sessions[name] })) as {
        handover: { id: string };
      };
      conv[name] = (await gw.gateway.store.getHandover(handover.id))!.conversationId!;
    }
    await gw.gateway.settle();
    const hook = (name: 'flood' | 'calm', i: number) =>
      signedWebhook(
        [
          {
            type: 'agent-message',
            text: `${name} ${i}`,
            conversationId: conv[name]!,
            eventId: `${name}-${i}`,
            occurredAt: Date.now(),
          },
        ],
        name === 'calm' ? SECOND_SECRET : undefined,
      );
    const dispatcher = new Agent({ connections: 16 });
    try {
      // Baseline: the calm provider alone, one webhook at a time (4/s: well under its limit).
      const pace = () => new Promise((r) => setTimeout(r, 250));
      const before: number[] = [];
      for (let i = 0; i < 5; i++) {
        before.push((await deliver(dispatcher, `${gw.url}/webhooks/calm`, hook('calm', i))).ms);
        await pace();
      }
      const floodIds = Array.from({ length: 120 }, (_, i) => i);
      let next = 0;
      const flood = Promise.all(
        Array.from({ length: 10 }, async () => {
          let limited = 0;
          while (next < floodIds.length)
            limited += (await deliver(dispatcher, `${gw!.url}/webhooks/sim`, hook('flood', floodIds[next++]!))).limited;
          return limited;
        }),
      );
      const during: Array<{ limited: number; ms: number }> = [];
      for (let i = 5; i < 15; i++) {
        during.push(await deliver(dispatcher, `${gw.url}/webhooks/calm`, hook('calm', i)));
        await pace();
      }
      const floodLimited = (await flood).reduce((a, b) => a + b, 0);
      await gw.gateway.settle();
      await cognigy.waitFor((f) => f.texts(sessions.flood).length >= 120, 20_000, 'every flood message');

      expect(floodLimited).toBeGreaterThan(0); // the flood was limited...
      expect(during.map((d) => d.limited)).toEqual(Array(10).fill(0)); // ...the calm provider never
      // Nothing lost, nothing twice.
      expect([...cognigy.texts(sessions.flood)].sort()).toEqual(floodIds.map((i) => `flood ${i}`).sort());
      expect([...cognigy.texts(sessions.calm)].sort()).toEqual(
        Array.from({ length: 15 }, (_, i) => `calm ${i}`).sort(),
      );
      const b = median(before);
      const d = median(during.map((x) => x.ms));
      console.log(
        `calm provider webhook latency: median ${b.toFixed(1)} ms alone, ${d.toFixed(1)} ms during the flood; flood 429s: ${floodLimited}`,
      );
      // Generous bound (2 shared cores): limited here means 429s, not slower answers.
      expect(d).toBeLessThan(Math.max(b * 5, 50));
    } finally {
      await dispatcher.close();
    }
  }, 60_000);
});
