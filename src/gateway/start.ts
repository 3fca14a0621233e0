import { randomBytes } from 'node:crypto';
import { loadEncryptionKeys } from './secrets/cipher';
import type { ConnectorDefinitionV1 } from '../contract';
import { SimulatedCenters } from '../../connectors/simulated';
import type { GatewayConfig } from './config';
import { builtInConnectors } from './connectors';
import { createGateway, type Gateway, type GatewayOptions } from './gateway';
import type { PlaygroundOptions } from './playground/playground';

export interface StartGatewayOptions {
  /** Connector types besides the built-in ones. */
  connectors?: readonly ConnectorDefinitionV1[];
  /** Where the one-time banner (generated keys, URLs) goes; default stderr. Never the JSON log. */
  print?: (text: string) => void;
  /** Serve the playground at `/playground` (what `handover-kit playground` does). */
  playground?: PlaygroundOptions | boolean;
  /** Extra options for `createGateway` (tests). */
  overrides?: Partial<GatewayOptions>;
}

export interface StartedGateway {
  gateway: Gateway;
  url: string;
  /** Keys generated because none were configured (printed once). */
  generatedKeys?: { admin: string; nodes: string };
  /**
   * The console's and (when enabled) the playground's addresses; with a generated admin key, it rides in the fragment
   * (never sent to the server).
   */
  pages: { console: string; playground?: string };
}

/**
 * Starts a gateway from a validated configuration (what `npx handover-kit gateway` runs). With nothing
 * configured it is a playground: in-memory store, a `simulated` provider with a scripted agent whose
 * events come back through the gateway's own signed webhook, deliveries logged, and generated API keys
 * printed once.
 */
export async function startGateway(config: GatewayConfig, options: StartGatewayOptions = {}): Promise<StartedGateway> {
  const print = options.print ?? ((text: string) => process.stderr.write(`${text}\n`));
  let keys = { nodes: config.nodeKeys, admin: config.adminKeys };
  let generatedKeys: StartedGateway['generatedKeys'];
  if (keys.nodes.length === 0 && keys.admin.length === 0) {
    generatedKeys = {
      admin: `hk_admin_${randomBytes(18).toString('base64url')}`,
      nodes: `hk_nodes_${randomBytes(18).toString('base64url')}`,
    };
    keys = { nodes: [generatedKeys.nodes], admin: [generatedKeys.admin] };
  }

  const centers = new SimulatedCenters();
  const providers: NonNullable<GatewayOptions['providers']> = [...config.providers];
  const demo = config.simulated ?? (config.providers.length === 0 && !config.redisUrl);
  if (demo) providers.push((await import('./playground/demo')).demoProvider(centers));

  const gateway = await createGateway({
    connectors: [...builtInConnectors({ centers }), ...(options.connectors ?? [])],
    keys,
    host: config.host,
    port: config.port,
    publicUrl: config.publicUrl,
    redis: config.redisUrl ? { url: config.redisUrl, prefix: config.redisPrefix } : undefined,
    encryptionKeys: loadEncryptionKeys({ keys: config.encryptionKeys, file: config.encryptionKeyFile }),
    allowPlaintextSecrets: config.allowPlaintextSecrets,
    cognigy: config.cognigy
      ? {
          apiBaseUrl: config.cognigy.apiBaseUrl,
          apiKey: config.cognigy.apiKey,
          defaultUrlToken: config.cognigy.urlToken,
          timeoutMs: config.cognigy.timeoutMs,
        }
      : undefined,
    logLevel: config.logLevel,
    limits: config.limits,
    providers,
    shutdownTimeoutMs: config.shutdownTimeoutMs,
    ...(options.playground ? { playground: options.playground } : {}),
    ...options.overrides,
  });
  const url = await gateway.listen();

  const lines = [
    ``,
    `handover-kit gateway listening on ${url} (store: ${gateway.store.kind}, delivery: ` +
      `${gateway.cognigy ? 'Cognigy' : 'log'})`,
  ];
  if (generatedKeys) {
    lines.push(
      ``,
      `No API keys configured, so these were generated for this run (shown once, not logged):`,
      `  admin key: ${generatedKeys.admin}`,
      `  nodes key: ${generatedKeys.nodes}`,
      `Set HANDOVER_GATEWAY_ADMIN_KEYS and HANDOVER_GATEWAY_NODE_KEYS to keep your own.`,
    );
  }
  if (demo) {
    const key = generatedKeys?.nodes ?? '<nodes key>';
    lines.push(
      ``,
      `A "simulated" provider is ready, with a scripted agent (Sam). Try a handover:`,
      `  curl -s ${url}/v1/handover/start -H 'x-api-key: ${key}' -H 'content-type: application/json' \\`,
      `    -d '{"providerId":"simulated","session":{"userId":"u1","sessionId":"s1"}}'`,
      `  curl -s ${url}/v1/handover/message -H 'x-api-key: ${key}' -H 'content-type: application/json' \\`,
      `    -d '{"session":{"userId":"u1","sessionId":"s1"},"text":"Hello"}'`,
      `What Cognigy would deliver to the user is logged (configure COGNIGY_API_BASE_URL and COGNIGY_API_KEY to ` +
        `deliver it).`,
    );
  }
  // The admin key in the fragment signs the page in; a fragment never leaves the browser.
  const signIn = generatedKeys ? `#key=${encodeURIComponent(generatedKeys.admin)}` : '';
  const pages = {
    console: `${url}/console${signIn}`,
    ...(gateway.playground ? { playground: `${url}/playground${signIn}` } : {}),
  };
  lines.push(``, `Console (providers): ${pages.console}${generatedKeys ? '' : '  (sign in with an admin key)'}`);
  if (pages.playground) lines.push(`Playground:           ${pages.playground}`);
  print(lines.join('\n'));
  return { gateway, url, generatedKeys, pages };
}
