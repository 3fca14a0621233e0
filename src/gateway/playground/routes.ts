import type { ServerResponse } from 'node:http';
import { z } from 'zod';
import { parseOrThrow } from '../../contract';
import type { Reply, RequestContext, Route } from '../http/server';
import { Playground, type PlaygroundOptions } from './playground';

export const PLAYGROUND_ROUTES = {
  sessions: '/playground/api/sessions',
  session: '/playground/api/sessions/:id',
  events: '/playground/api/sessions/:id/events',
  messages: '/playground/api/sessions/:id/messages',
  agent: '/playground/api/agent',
} as const;

export function createPlayground(options: PlaygroundOptions): Promise<Playground> {
  return Playground.create(options);
}

const text = z.string().trim().min(1, 'Write something').max(2_000);
const conversationId = z.string().min(1).max(64);
const agentAction = z.discriminatedUnion('action', [
  z.object({ action: z.literal('accept'), conversationId }).strict(),
  z.object({ action: z.literal('say'), conversationId, text }).strict(),
  z.object({ action: z.literal('typing'), conversationId, on: z.boolean() }).strict(),
  z.object({ action: z.literal('transfer'), conversationId, queueId: z.string().min(1).max(64) }).strict(),
  z.object({ action: z.literal('close'), conversationId }).strict(),
  z.object({ action: z.literal('status'), status: z.enum(['available', 'busy', 'offline']) }).strict(),
]);

const HEARTBEAT_MS = 15_000;

/**
 * The playground's API (admin key, like the console's): sessions, customer messages, agent actions, and a live state
 * stream.
 */
export function playgroundRoutes(playground: Playground): Route[] {
  const admin = (method: string, path: string, handler: Route['handler']): Route => ({
    method,
    path,
    auth: 'admin',
    handler,
  });
  const streams = new Set<ServerResponse>();
  playground.on('close', () => {
    for (const res of streams) res.end();
    streams.clear();
  });

  return [
    admin('POST', PLAYGROUND_ROUTES.sessions, async () => {
      const id = playground.createSession();
      return { status: 201, body: await playground.state(id) };
    }),
    admin('GET', PLAYGROUND_ROUTES.session, async (ctx) => ({
      status: 200,
      body: await playground.state(ctx.params.id!),
    })),
    admin('POST', PLAYGROUND_ROUTES.messages, async (ctx) => {
      const body = parseOrThrow(z.object({ text }).strict(), await ctx.json(), 'message');
      await playground.say(ctx.params.id!, body.text);
      return { status: 202, body: { accepted: true } };
    }),
    admin('POST', PLAYGROUND_ROUTES.agent, async (ctx) => {
      await playground.act(parseOrThrow(agentAction, await ctx.json(), 'agent action'));
      return { status: 202, body: { accepted: true } };
    }),
    admin('GET', PLAYGROUND_ROUTES.events, async (ctx) => eventStream(ctx, playground, streams)),
  ];
}

/**
 * Server-Sent Events: the whole state as `event: state` whenever it changed (never the same twice
 * in a row), and a comment line as heartbeat so proxies keep the connection.
 */
async function eventStream(ctx: RequestContext, playground: Playground, streams: Set<ServerResponse>): Promise<Reply> {
  const id = ctx.params.id!;
  const first = await playground.state(id); // 404 before the stream starts
  return {
    status: 200,
    headers: {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      'x-accel-buffering': 'no',
    },
    stream: (res) => {
      streams.add(res);
      let last = '';
      let sending = false;
      let again = false;
      const write = (json: string) => {
        if (json === last) return;
        last = json;
        res.write(`event: state\ndata: ${json}\n\n`);
      };
      const push = async () => {
        if (sending) {
          again = true;
          return;
        }
        sending = true;
        try {
          do {
            again = false;
            if (!playground.has(id)) return void res.end();
            write(JSON.stringify(await playground.state(id)));
          } while (again);
        } catch {
          res.end();
        } finally {
          sending = false;
        }
      };
      const heartbeat = setInterval(() => res.write(': ping\n\n'), HEARTBEAT_MS);
      heartbeat.unref?.();
      playground.on('change', push);
      res.on('close', () => {
        clearInterval(heartbeat);
        playground.off('change', push);
        streams.delete(res);
      });
      res.write('retry: 2000\n\n');
      write(JSON.stringify(first));
    },
  };
}
