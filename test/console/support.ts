import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';
import { builtInConnectors, createGateway, type Gateway, type GatewayOptions } from 'handover-kit/gateway';
import { SimulatedCenters } from 'handover-kit/connectors/simulated';
import { findUiDir } from '../../src/gateway/ui/assets';

export const ADMIN_KEY = 'console-admin-key-4e1f8a2b7c9d3056';
export const NODES_KEY = 'console-nodes-key-8b3c5d7e9f1a2046';

/** The flags the Debian chromium needs here (no sandbox as root, no background traffic to Google). */
export const CHROMIUM_FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** The Debian `chromium` on the PATH (or CHROMIUM_PATH); a clear error when there is none. */
export function chromiumPath(): string {
  const fromEnv = process.env.CHROMIUM_PATH;
  if (fromEnv && existsSync(fromEnv)) return fromEnv;
  for (const name of ['chromium', 'chromium-browser']) {
    const found = (spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' }).stdout ?? '').trim();
    if (found) return found;
  }
  throw new Error(
    'The browser tests need Chromium, and none is on the PATH. Install the Debian package: ' +
      '"sudo apt-get install -y chromium" (npm test does it through scripts/ensure-services.mjs when run as root), ' +
      'or point CHROMIUM_PATH at a Chromium binary.',
  );
}

/** Headless Chromium through playwright-core (which gives it a fresh, temporary --user-data-dir). */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: chromiumPath(), headless: true, args: CHROMIUM_FLAGS, timeout: 30_000 });
}

export function requireUiBuild(): void {
  if (!findUiDir()) throw new Error('dist/ui is missing: build the package first ("npm run build"; npm test does it)');
}

export interface ConsoleGateway {
  gateway: Gateway;
  url: string;
  centers: SimulatedCenters;
  close(): Promise<void>;
}

/** A gateway on 127.0.0.1 with the built-in connectors, the console and (optionally) the playground. */
export async function startConsoleGateway(overrides: Partial<GatewayOptions> = {}): Promise<ConsoleGateway> {
  requireUiBuild();
  const centers = new SimulatedCenters();
  const gateway = await createGateway({
    connectors: builtInConnectors({ centers }),
    keys: { nodes: [NODES_KEY], admin: [ADMIN_KEY] },
    host: '127.0.0.1',
    port: 0,
    logLevel: 'silent',
    shutdownTimeoutMs: 3_000,
    ...overrides,
  });
  const url = await gateway.listen();
  return { gateway, url, centers, close: () => gateway.close() };
}

/** Collects what would make a page test misleading: uncaught errors, console errors, CSP violations. */
export function watchPage(page: Page): string[] {
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    // The pages' own 401 (sign-in) and the validation 400s are expected answers, not failures.
    if (m.type() === 'error' && !/status of 40[013]/.test(m.text())) problems.push(`console: ${m.text()}`);
  });
  return problems;
}
