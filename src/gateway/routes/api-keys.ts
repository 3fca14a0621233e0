import { BadRequestError } from '../../contract';
import { HttpStatusError } from '../http/errors';
import type { NamedApiKeys } from '../keys/named';
import type { Route } from '../http/server';

export const API_KEY_ROUTES = {
  list: '/v2.0/handover/apikeys',
  create: '/v2.0/handover/apikeys',
  revoke: '/v2.0/handover/apikeys/:keyId',
} as const;

/**
 * Named API keys, for unrestricted admin keys only: create (the key is in this answer and nowhere
 * else, ever), list (names, scopes, last use; never a key or a hash), revoke (effective at once here,
 * within the key cache time on other instances).
 */
export function apiKeyRoutes(keys: NamedApiKeys): Route[] {
  const by = (ctx: { principal?: { name: string } }) => ctx.principal?.name ?? 'unknown';
  return [
    {
      method: 'GET',
      path: API_KEY_ROUTES.list,
      auth: 'admin',
      handler: async () => ({ status: 200, body: { items: await keys.list() } }),
    },
    {
      method: 'POST',
      path: API_KEY_ROUTES.create,
      auth: 'admin',
      handler: async (ctx) => {
        const body = await ctx.json();
        if (body === undefined) throw new BadRequestError('Send { name, scope, providers? }');
        const created = await keys.create(body, by(ctx));
        return { status: 201, body: created, headers: { 'cache-control': 'no-store' } };
      },
    },
    {
      method: 'DELETE',
      path: API_KEY_ROUTES.revoke,
      auth: 'admin',
      handler: async (ctx) => {
        const revoked = await keys.revoke(ctx.params.keyId!, by(ctx));
        if (!revoked) throw new HttpStatusError(404, `No API key "${ctx.params.keyId}"`);
        return { status: 204 };
      },
    },
  ];
}
