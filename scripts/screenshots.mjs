#!/usr/bin/env node
// Regenerates the README's pictures, docs/images/console.png and docs/images/playground.png, from
// the built package (`npm run screenshots` builds first) in headless Debian Chromium.
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { builtInConnectors, createGateway } from '../dist/gateway.js';
import { SimulatedCenters } from '../dist/connectors/simulated.js';

const ADMIN = 'screenshots-admin-key-0123456789';
const out = (name) => fileURLToPath(new URL(`../docs/images/${name}`, import.meta.url));
const chromiumPath =
  process.env.CHROMIUM_PATH ||
  spawnSync('sh', ['-c', 'command -v chromium || command -v chromium-browser'], { encoding: 'utf8' }).stdout.trim();
if (!chromiumPath) {
  console.error('screenshots: no chromium on the PATH (sudo apt-get install -y chromium), or set CHROMIUM_PATH');
  process.exit(1);
}

const centers = new SimulatedCenters();
const gateway = await createGateway({
  connectors: builtInConnectors({ centers }),
  keys: { nodes: ['screenshots-nodes-key-0123456789'], admin: [ADMIN] },
  port: 0,
  logLevel: 'silent',
  playground: { queueUpdateSeconds: 10, inactivitySeconds: 60 },
});
const url = await gateway.listen();
const browser = await chromium.launch({
  executablePath: chromiumPath,
  headless: true,
  args: [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
  ],
});
mkdirSync(out(''), { recursive: true });

try {
  // Console: two providers, one tested fine, one failing with its typed error.
  await gateway.registry.create({
    id: 'support-desk',
    name: 'Support desk',
    type: 'simulated',
    settings: {
      center: 'support',
      delivery: 'webhook',
      webhookSecret: 'demo-webhook-secret-0123456789',
      setup: { agents: [{ id: 'ann', name: 'Ann' }] },
    },
  });
  await gateway.registry.create({
    id: 'live-agent',
    name: 'Live Agent (staging)',
    type: 'chatwoot',
    settings: {
      flavour: 'live-agent',
      baseUrl: 'http://127.0.0.1:9',
      accountId: 1,
      inboxId: 2,
      apiAccessToken: 'demo-token',
      webhookSecret: 'demo-webhook-secret-0123456789',
    },
  });
  const page = await browser.newPage({ viewport: { width: 1280, height: 760 }, deviceScaleFactor: 1 });
  page.setDefaultTimeout(10_000);
  await page.goto(`${url}/console#key=${ADMIN}`);
  for (const id of ['support-desk', 'live-agent']) {
    const row = page.locator(`tr[data-id="${id}"]`);
    await row.getByRole('button', { name: 'Test connection' }).click();
    await row.locator('.check-cell .check').waitFor();
  }
  await page.locator('tr[data-id="support-desk"] summary').click();
  await page.getByRole('button', { name: 'New provider' }).click();
  await page.getByLabel('Name').fill('VIP desk');
  await page.getByLabel('Event delivery').selectOption('webhook');
  await page.getByLabel('Webhook secret').fill('short');
  await page.getByRole('button', { name: 'Create provider' }).click();
  await page.locator('[data-path="settings.webhookSecret"] .field-error:not([hidden])').waitFor();
  await page.screenshot({ path: out('console.png'), fullPage: true });

  // Playground, mid-handover: queued, accepted, a few messages, the agent typing.
  const pg = await browser.newPage({ viewport: { width: 1400, height: 860 }, deviceScaleFactor: 1 });
  pg.setDefaultTimeout(10_000);
  await pg.goto(`${url}/playground#key=${ADMIN}`);
  const say = async (selector, text) => {
    await pg.locator(selector).fill(text);
    await pg.locator(selector).press('Enter');
  };
  await say('#customer-text', 'Where is my order?');
  await say('#customer-text', 'Can I talk to an agent?');
  await pg.locator('.queue li button').waitFor();
  await pg.locator('.queue li button').click();
  await pg.locator('#agent-text:focus').waitFor();
  await say('#agent-text', 'Hi, Alex here. Which order is it?');
  await say('#customer-text', 'Order 1234, it has not arrived.');
  await pg.getByText('Order 1234, it has not arrived.').last().waitFor();
  await pg.locator('#agent-text').fill('Let me check');
  await pg.locator('.chat .typing:not([hidden])').waitFor();
  await pg.screenshot({ path: out('playground.png'), fullPage: true });
  console.log(`screenshots: wrote ${out('console.png')} and ${out('playground.png')}`);
} finally {
  await browser.close();
  await gateway.close();
}
