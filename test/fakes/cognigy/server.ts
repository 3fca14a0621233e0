/**
 * A fake Cognigy REST API for the gateway tests: a real node:http server on 127.0.0.1 serving the two
 * calls the gateway makes, `POST /new/v2.0/endpoint/inject` and `/notify`. It checks the x-api-key
 * header (401) and the body shape strictly (400, RFC 7807 body), records every accepted call, and can be
 * told to refuse calls — 503, 429 with Retry-After, anything — for the next N calls or for a while.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { z } from 'zod';

const address = {
  URLToken: z.string().min(1),
  userId: z.string().min(1),
  sessionId: z.string().min(1),
  text: z.string(),
};
const media = z
  .object({
    name: z.string(),
    url: z.string(),
    type: z.enum(['file', 'document', 'image', 'video', 'audio', 'sticker']),
    caption: z.string().optional(),
  })
  .strict();
const injectSchema = z.object({ ...address, data: z.record(z.string(), z.unknown()).optional() }).strict();
const notifySchema = z
  .object({ ...address, data: z.record(z.string(), z.unknown()).optional(), attachments: z.array(media).optional() })
  .strict();

export type CognigyBody = z.infer<typeof notifySchema>;

export interface FakeCognigyCall {
  kind: 'inject' | 'notify';
  body: CognigyBody;
  at: number;
}

export interface Refusal {
  status: number;
  /** Sent as Retry-After (seconds). */
  retryAfterSec?: number;
}

export interface FakeCognigy {
  url: string;
  apiKey: string;
  /** Accepted calls, in the order they arrived. */
  calls: FakeCognigyCall[];
  /** Every request, refused ones included. */
  requests: number;
  /** Every request's answer, in order. */
  history: Array<{ at: number; status: number }>;
  refused: Array<{ status: number; reason: string }>;
  /** Refuse the next `count` calls. */
  failNext(count: number, refusal: Refusal): void;
  /** Refuse every call for `ms`. */
  failFor(ms: number, refusal: Refusal): void;
  /** Answer each call after `ms` (slow Cognigy). */
  delay(ms: number): void;
  /** Texts notified to a session (or all), in order. */
  texts(session?: { userId: string; sessionId: string }): string[];
  /** Handover events injected into a session (or all): `input.data.handoverKit.handover`. */
  events(session?: { userId: string; sessionId: string }): Array<Record<string, unknown>>;
  waitFor(predicate: (f: FakeCognigy) => boolean, timeoutMs?: number, what?: string): Promise<void>;
  close(): Promise<void>;
}

export async function startFakeCognigy(options: { apiKey?: string } = {}): Promise<FakeCognigy> {
  const apiKey = options.apiKey ?? 'cognigy-api-key-for-tests-0123456789';
  let failCount = 0;
  let failUntil = 0;
  let refusal: Refusal = { status: 503 };
  let delayMs = 0;

  const fake: FakeCognigy = {
    url: '',
    apiKey,
    calls: [],
    requests: 0,
    history: [],
    refused: [],
    failNext(count, r) {
      failCount = count;
      refusal = r;
    },
    failFor(ms, r) {
      failUntil = Date.now() + ms;
      refusal = r;
    },
    delay(ms) {
      delayMs = ms;
    },
    texts(session) {
      return fake.calls
        .filter((c) => c.kind === 'notify' && c.body.text !== '' && matches(c, session))
        .map((c) => c.body.text);
    },
    events(session) {
      return fake.calls
        .filter((c) => c.kind === 'inject' && matches(c, session))
        .map(
          (c) =>
            ((c.body.data?.handoverKit as { handover?: Record<string, unknown> } | undefined)?.handover ??
              {}) as Record<string, unknown>,
        );
    },
    async waitFor(predicate, timeoutMs = 10_000, what = 'condition') {
      const deadline = Date.now() + timeoutMs;
      while (!predicate(fake)) {
        if (Date.now() > deadline)
          throw new Error(
            `fake Cognigy: timed out waiting for ${what}; got ${JSON.stringify(fake.calls.map((c) => c.body.text || (c.body.data as Record<string, unknown>)))}`,
          );
        await new Promise((r) => setTimeout(r, 10));
      }
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const answer = (status: number, body: unknown, headers: Record<string, string> = {}) => {
        fake.history.push({ at: Date.now(), status });
        const write = () => {
          res.writeHead(status, { 'content-type': 'application/json', ...headers });
          res.end(JSON.stringify(body));
        };
        if (delayMs > 0) setTimeout(write, delayMs);
        else write();
      };
      const problem = (status: number, title: string, detail: string, headers: Record<string, string> = {}) => {
        fake.refused.push({ status, reason: detail });
        answer(status, { type: 'about:blank', status, title, detail }, headers);
      };
      fake.requests++;
      const kind =
        req.url === '/new/v2.0/endpoint/inject'
          ? 'inject'
          : req.url === '/new/v2.0/endpoint/notify'
            ? 'notify'
            : undefined;
      if (!kind) return problem(404, 'Not Found', `No route ${req.method} ${req.url}`);
      if (req.method !== 'POST') return problem(405, 'Method Not Allowed', `${req.method} is not allowed`);
      if (req.headers['x-api-key'] !== apiKey) return problem(401, 'Unauthorized', 'Missing or wrong x-api-key');
      if (failCount > 0 || Date.now() < failUntil) {
        if (failCount > 0) failCount--;
        return problem(
          refusal.status,
          'Refused',
          'Told to refuse',
          refusal.retryAfterSec !== undefined ? { 'retry-after': String(refusal.retryAfterSec) } : {},
        );
      }
      let json: unknown;
      try {
        json = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        return problem(400, 'Bad Request', 'Body is not JSON');
      }
      const parsed = (kind === 'inject' ? injectSchema : notifySchema).safeParse(json);
      if (!parsed.success)
        return problem(
          400,
          'Bad Request',
          parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '),
        );
      fake.calls.push({ kind, body: parsed.data, at: Date.now() });
      answer(200, 'OK');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  fake.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return fake;
}

function matches(call: FakeCognigyCall, session?: { userId: string; sessionId: string }): boolean {
  return !session || (call.body.userId === session.userId && call.body.sessionId === session.sessionId);
}
