import type { Logger } from '../../contract';
import type { ApiKeyAuth } from '../auth';
import type { Route, Reply, RequestContext } from '../http/server';
import { HttpStatusError } from '../http/errors';
import type { Playground, PlaygroundOptions } from '../playground/playground';
import { assetsVersion, findUiDir, loadAssets, type Asset } from './assets';
import { SECURITY_HEADERS, pageHtml, type PageName } from './pages';

export const UI_ROUTES = { console: '/console', playground: '/playground', asset: '/ui/:file' } as const;

export interface UiOptions {
  auth: ApiKeyAuth;
  logger: Logger;
  /** Serve the console (default true). */
  console: boolean;
  /** Serve the playground with these options (off when undefined or false). */
  playground?: PlaygroundOptions | boolean;
  /** Folder of the built assets (default: found beside the package's bundles). */
  dir?: string;
}

export interface Ui {
  routes: Route[];
  playground?: Playground;
  close(): Promise<void>;
}

/**
 * The console and the playground: two HTML pages and their static assets, plus the playground's API.
 * The pages carry no data; everything they show comes from the admin API, with the admin key the user
 * signed in with. A page request is answered like every admin route: 401 without a key (the body is
 * the sign-in page), 403 with a nodes key, 200 with an admin key.
 */
export async function createUi(options: UiOptions): Promise<Ui> {
  const playgroundOptions = options.playground === true ? {} : options.playground || undefined;
  if (!options.console && !playgroundOptions) return { routes: [], close: async () => {} };

  const dir = options.dir ?? findUiDir();
  const assets = dir ? loadAssets(dir) : new Map<string, Asset>();
  if (assets.size === 0)
    options.logger.warn('the console and playground assets are missing (dist/ui): run "npm run build"', {
      dir: dir ?? null,
    });
  const version = assetsVersion(assets);
  const routes: Route[] = [];

  const page = (name: PageName): Route => ({
    method: 'GET',
    path: UI_ROUTES[name],
    auth: 'none',
    handler: async (ctx) =>
      pageReply(
        ctx,
        options.auth,
        assets.size > 0
          ? pageHtml(name, { version, console: options.console, playground: !!playgroundOptions })
          : undefined,
      ),
  });
  if (options.console) routes.push(page('console'));

  let playground: Playground | undefined;
  if (playgroundOptions) {
    // Loaded only when enabled: the playground brings the nodes and the flow runtime with it.
    const mod = await import('../playground/routes');
    playground = await mod.createPlayground(playgroundOptions);
    routes.push(page('playground'), ...mod.playgroundRoutes(playground));
  }
  routes.push({
    method: 'GET',
    path: '/',
    auth: 'none',
    handler: async () => ({
      status: 302,
      headers: { location: playgroundOptions ? 'playground' : 'console', 'cache-control': 'no-store' },
    }),
  });
  routes.push({
    method: 'GET',
    path: UI_ROUTES.asset,
    auth: 'none',
    handler: async (ctx) => assetReply(ctx, assets.get(ctx.params.file!)),
  });

  return { routes, ...(playground ? { playground } : {}), close: async () => playground?.close() };
}

async function pageReply(ctx: RequestContext, auth: ApiKeyAuth, html: string | undefined): Promise<Reply> {
  const role = (await auth.authenticate(ctx.req.headers))?.role;
  const status = role === 'admin' ? 200 : role === 'nodes' ? 403 : 401;
  if (html === undefined)
    throw new HttpStatusError(503, 'The console assets are not built (dist/ui is missing): run "npm run build"');
  return {
    status,
    text: html,
    contentType: 'text/html; charset=utf-8',
    headers: { ...SECURITY_HEADERS, 'cache-control': 'no-store', vary: 'x-api-key, authorization' },
  };
}

function assetReply(ctx: RequestContext, asset: Asset | undefined): Reply {
  if (!asset) throw new HttpStatusError(404, 'No such asset');
  const headers = { ...SECURITY_HEADERS, etag: asset.etag, 'cache-control': 'no-cache' };
  if (ctx.req.headers['if-none-match'] === asset.etag) return { status: 304, headers };
  return { status: 200, text: asset.body, contentType: asset.type, headers };
}
