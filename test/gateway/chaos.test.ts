import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { startFakeCognigy, type FakeCognigy } from '../fakes/cognigy';
import { http, postJson, redisUrl, signedWebhook, uniquePrefix, waitUntil, NODES_KEY, WEBHOOK_SECRET } from './helpers';

/*
 * Chaos, with real processes: two gateway processes on one redis-server take a steady stream of
 * signed webhooks (the test plays the vendor: each webhook is sent until one instance answers 200,
 * as vendors retry) while one of them is SIGKILLed and restarted again and again. Inactivity timers
 * are armed meanwhile, to fire while instances die. Nothing may be lost: every agent message reaches
 * Cognigy, and every timer fires exactly once (one inactivity event id per handover).
 */
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const SCRIPT = fileURLToPath(new URL('./chaos/instance.ts', import.meta.url));
const MESSAGES = 300;
const CHATS = 8;
const TIMED = 6;

interface Instance {
  child: ChildProcess;
  url: string;
}

describe('chaos: two gateway processes, steady webhooks, repeated SIGKILL + restart (real redis-server)', () => {
  const children = new Set<ChildProcess>();
  let cognigy: FakeCognigy | undefined;
  afterAll(async () => {
    for (const child of children) child.kill('SIGKILL');
    await cognigy?.close();
  });

  it('loses no agent message and fires every inactivity timer exactly once', { timeout: 90_000 }, async () => {
    const began = Date.now();
    cognigy = await startFakeCognigy();
    const prefix = uniquePrefix();
    const env = {
      ...process.env,
      REDIS_URL: redisUrl(),
      REDIS_PREFIX: prefix,
      COGNIGY_URL: cognigy.url,
      COGNIGY_KEY: cognigy.apiKey,
      WEBHOOK_SECRET,
      NODES_KEY,
    };
    const start = (): Promise<Instance> =>
      new Promise((resolve, reject) => {
        const child = spawn(process.execPath, ['--import', 'tsx', SCRIPT], {
          cwd: ROOT,
          env,
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        children.add(child);
        let out = '';
        const timer = setTimeout(() => reject(new Error(`instance did not start: ${out}`)), 30_000);
        child.stdout!.on('data', (chunk) => {
          out += chunk;
          const ready = /READY (\S+)/.exec(out);
          if (ready) {
            clearTimeout(timer);
            resolve({ child, url: ready[1]! });
          }
        });
        child.stderr!.on('data', (chunk) => (out += chunk));
        child.once('exit', () => children.delete(child));
      });
    const instances: Instance[] = await Promise.all([start(), start()]);
    const redis = new Redis(redisUrl());
    const record = async (id: string) =>
      JSON.parse((await redis.hget(`${prefix}ho:${id}`, 'j'))!) as { conversationId: string; status: string };

    // The handovers: CHATS take agent messages, TIMED get an inactivity timer (auto-close after one).
    const sessions = Array.from({ length: CHATS + TIMED }, (_, i) => ({
      userId: `user-${i}`,
      sessionId: `chaos-${i}`,
      urlToken: 'url-token',
    }));
    const conversations: string[] = [];
    for (const session of sessions) {
      const res = await postJson(`${instances[0]!.url}/v1/handover/start`, { providerId: 'sim', session }, NODES_KEY);
      expect(res.status).toBe(200);
      conversations.push((await record(res.json.handover.id)).conversationId);
    }

    // The vendor: each webhook until some instance answers 200 (connection refused, 503: try again).
    let attempts = 0;
    // A killed instance's URL stays in the list until its replacement is up: the vendor hits it too.
    const alive = () => instances.map((i) => i.url);
    const deliver = async (body: string, headers: Record<string, string>) => {
      for (let tries = 0; tries < 400; tries++) {
        attempts++;
        const urls = alive();
        const url = urls[tries % urls.length]!;
        const answer = await http(`${url}/webhooks/sim`, { method: 'POST', headers, body }).catch(() => undefined);
        if (answer?.status === 200) return true;
        await new Promise((r) => setTimeout(r, 25));
      }
      return false;
    };
    const accepted: string[] = [];
    let kills = 0;
    const traffic = (async () => {
      const inFlight = new Set<Promise<void>>();
      for (let i = 0; i < MESSAGES; i++) {
        // However slow the machine, the last fifth of the traffic runs after at least three kills.
        if (i === Math.floor(MESSAGES * 0.8)) await waitUntil(() => kills >= 3, 60_000, 'three kills');
        const chat = i % CHATS;
        const text = `agent message ${i}`;
        const hook = signedWebhook([
          {
            type: 'agent-message',
            text,
            conversationId: conversations[chat]!,
            eventId: `chaos-${i}`,
            occurredAt: Date.now(),
          },
        ]);
        const p: Promise<void> = deliver(hook.body, hook.headers).then((ok) => {
          if (ok) accepted.push(text);
          inFlight.delete(p);
        });
        inFlight.add(p);
        if (inFlight.size >= 8) await Promise.race(inFlight);
        await new Promise((r) => setTimeout(r, 50)); // ~20 webhooks a second, for ~15 s
      }
      await Promise.all(inFlight);
    })();

    // Timers armed during the chaos (2.4 s each), so that they come due while instances die.
    const timers = (async () => {
      for (let i = 0; i < TIMED; i++) {
        await new Promise((r) => setTimeout(r, 700));
        const session = sessions[CHATS + i]!;
        for (let tries = 0; tries < 100; tries++) {
          const res = await postJson(
            `${alive()[tries % 2]}/v1/handover/inactivity`,
            { session, minutes: 0.04, autoCloseAfter: 1 },
            NODES_KEY,
          ).catch(() => undefined);
          if (res?.status === 200 && res.json.armed) break;
          await new Promise((r) => setTimeout(r, 50));
        }
      }
    })();

    // The chaos: SIGKILL one instance mid-traffic, start a new process in its place, then the other.
    let trafficDone = false;
    void traffic.then(() => (trafficDone = true));
    while (!trafficDone && kills < 8) {
      await new Promise((r) => setTimeout(r, 300));
      if (trafficDone) break;
      const slot = kills % 2;
      instances[slot]!.child.kill('SIGKILL');
      kills++;
      instances[slot] = await start();
    }
    await Promise.all([traffic, timers]);
    const trafficMs = Date.now() - began;

    // Bounded waits for the outcome, polling Redis and the fake Cognigy.
    const allTexts = () => new Set(sessions.slice(0, CHATS).flatMap((s) => cognigy!.texts(s)));
    await waitUntil(
      () => accepted.every((t) => allTexts().has(t)),
      30_000,
      'every accepted agent message at Cognigy',
    ).catch(() => {});
    const timedIds = async () =>
      Promise.all(
        sessions
          .slice(CHATS)
          .map(async (s) => (await redis.get(`${prefix}ho:session:${s.userId}\u0000${s.sessionId}`))!),
      );
    const ids = await timedIds();
    await waitUntil(
      async () => (await Promise.all(ids.map(record))).every((r) => r.status === 'completed'),
      30_000,
      'every timed handover auto-closed',
    ).catch(() => {});
    await waitUntil(
      () => sessions.slice(CHATS).every((s) => inactivityIds(cognigy!, s).size >= 1),
      15_000,
      'the inactivity events at Cognigy',
    ).catch(() => {});

    const lost = accepted.filter((t) => !allTexts().has(t));
    const notifies = cognigy.calls.filter((c) => c.body.text.startsWith('agent message '));
    const figures = {
      messages: MESSAGES,
      acceptedByGateway: accepted.length,
      lost: lost.length,
      duplicateNotifies: notifies.length - new Set(notifies.map((c) => c.body.text)).size,
      webhookAttempts: attempts,
      kills,
      timers: TIMED,
      inactivityEventsPerHandover: sessions.slice(CHATS).map((s) => inactivityIds(cognigy!, s).size),
      seconds: Math.round((Date.now() - began) / 100) / 10,
      untilTrafficDoneSeconds: Math.round(trafficMs / 100) / 10,
    };
    console.log(`chaos figures: ${JSON.stringify(figures)}`);
    const ended = await Promise.all(ids.map(record));
    redis.disconnect();

    expect(kills).toBeGreaterThanOrEqual(3);
    expect(accepted).toHaveLength(MESSAGES);
    expect(lost).toEqual([]);
    expect(figures.inactivityEventsPerHandover).toEqual(Array(TIMED).fill(1));
    for (const r of ended) expect(r.status).toBe('completed');
    for (const instance of instances) expect((await http(`${instance.url}/readyz`)).status).toBe(200);
  });
});

/** Distinct ids of the inactivity events a session got (a redelivered copy has the same id). */
function inactivityIds(cognigy: FakeCognigy, session: { userId: string; sessionId: string }): Set<string> {
  const ids = new Set<string>();
  for (const call of cognigy.calls) {
    if (call.body.userId !== session.userId || call.body.sessionId !== session.sessionId) continue;
    const kit = call.body.data?.handoverKit as { messageId?: string; handover?: { eventType?: string } } | undefined;
    if (kit?.handover?.eventType === 'handoverInactivity') ids.add(kit.messageId ?? '?');
  }
  return ids;
}
