import { readFileSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_KEY, NODES_KEY, launchChromium, startConsoleGateway, watchPage, type ConsoleGateway } from './support';

const SECRET = 'a-long-enough-webhook-secret-7d1e';

/** The console in a real (headless Debian) Chromium: sign-in, the generated form, field errors, edit, test, export/import, delete. */
describe('console in Chromium', () => {
  let gw: ConsoleGateway;
  let browser: Browser;
  let page: Page;
  let problems: string[];

  beforeAll(async () => {
    gw = await startConsoleGateway();
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.setDefaultTimeout(15_000); // bounded waits, generous for a loaded CI machine
    problems = watchPage(page);
  }, 40_000);
  afterAll(async () => {
    await browser?.close();
    await gw?.close();
  });

  const field = (path: string) => page.locator(`[data-path="${path}"]`);

  it('signs in with an admin key only: the nodes key is refused', async () => {
    const res = await page.goto(`${gw.url}/console`);
    expect(res!.status()).toBe(401); // the sign-in page, served to a request without a key
    await page.getByLabel('Admin API key').fill(NODES_KEY);
    await page.keyboard.press('Enter');
    await expect.poll(() => page.locator('#signin-error').textContent()).toContain('nodes key');
    await page.getByLabel('Admin API key').fill(ADMIN_KEY);
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Handover providers' }).waitFor();
    await page.getByText('No providers yet').waitFor();
  });

  it('generates each connector’s form from its settings schema', async () => {
    await page.getByRole('button', { name: 'New provider' }).click();
    const type = page.getByLabel('Connector type');
    expect(await type.locator('option').allTextContents()).toEqual(
      expect.arrayContaining(['Simulated contact center', 'Chatwoot / Cognigy Live Agent']),
    );
    await type.selectOption('chatwoot');
    expect(await page.getByLabel('API access token').getAttribute('type')).toBe('password');
    expect(await page.getByLabel('Account ID').getAttribute('type')).toBe('number');
    expect(await page.getByLabel('Transcript note').getAttribute('type')).toBe('checkbox');
    expect(await page.getByLabel('Transcript note').isChecked()).toBe(true); // the schema's default
    expect(await page.getByLabel('Flavour').locator('option').allTextContents()).toEqual(['chatwoot', 'live-agent']);
    expect(await field('settings.labels').locator('textarea').count()).toBe(1); // an array: JSON
    expect(await field('settings.baseUrl').locator('.required').count()).toBe(1);
    expect(await field('settings.teamId').locator('.required').count()).toBe(0);
    await type.selectOption('simulated');
    expect(await field('settings.webhookSecret').locator('.help').textContent()).toContain('HMAC-SHA256');
    expect(await field('settings.setup').locator('textarea').count()).toBe(1); // a nested object: JSON
  });

  it('shows a bad value next to its field, then creates the provider with its secret masked', async () => {
    await page.getByLabel('Name').fill('Browser desk');
    await page.getByLabel('ID', { exact: true }).fill('browser-desk');
    await page.getByLabel('Event delivery').selectOption('webhook');
    await page.getByLabel('Webhook secret').fill('short');
    await page.getByLabel('Center setup').fill('{"agents": [{"id": "ann", "name": "Ann"}]}');
    await page.getByRole('button', { name: 'Create provider' }).click();
    const error = field('settings.webhookSecret').locator('.field-error');
    await expect.poll(() => error.textContent()).toBe('Use at least 16 characters');
    expect(await page.getByLabel('Webhook secret').getAttribute('aria-invalid')).toBe('true');
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('field-settings-webhookSecret');
    expect(await field('name').locator('.field-error').isHidden()).toBe(true);

    await page.getByLabel('Center setup').fill('{not json');
    await page.getByRole('button', { name: 'Create provider' }).click();
    await expect.poll(() => field('settings.setup').locator('.field-error').textContent()).toContain('Not valid JSON');

    await page.getByLabel('Center setup').fill('{"agents": [{"id": "ann", "name": "Ann"}]}');
    await page.getByLabel('Webhook secret').fill(SECRET);
    await page.getByRole('button', { name: 'Create provider' }).click();
    const row = page.locator('tr[data-id="browser-desk"]');
    await row.waitFor();
    expect(await row.locator('th').textContent()).toBe('Browser desk');
    expect(await page.getByRole('status').textContent()).toContain('Created provider “Browser desk”');
    await row.getByText('settings').first().click(); // open the settings summary
    expect(await row.textContent()).toContain('********');
    expect(await page.content()).not.toContain(SECRET);
    expect((await gw.gateway.registry.get('browser-desk', { revealSecrets: true })).settings.webhookSecret).toBe(
      SECRET,
    );
  });

  it('tests the connection, and shows the typed error when it fails', async () => {
    const row = page.locator('tr[data-id="browser-desk"]');
    await row.getByRole('button', { name: 'Test connection' }).click();
    await expect.poll(() => row.locator('.check-cell').textContent()).toContain('✓ OK');
    gw.centers.get('default').failNext('availability', { status: 401 });
    await row.getByRole('button', { name: 'Test connection' }).click();
    await expect.poll(() => row.locator('.check-cell').textContent()).toContain('✗ vendor_auth');
    await page.reload();
    await expect
      .poll(() => page.locator('tr[data-id="browser-desk"] .check-cell').textContent())
      .toContain('✗ vendor_auth'); // kept by the gateway
  });

  it('edits the provider: the masked secret stays unless changed', async () => {
    const row = page.locator('tr[data-id="browser-desk"]');
    await row.getByRole('button', { name: 'Edit Browser desk' }).click();
    expect(await page.getByLabel('Webhook secret').inputValue()).toBe('');
    await page.getByLabel('Name').fill('Browser desk (edited)');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await expect.poll(() => row.locator('th').textContent()).toBe('Browser desk (edited)');
    expect((await gw.gateway.registry.get('browser-desk', { revealSecrets: true })).settings.webhookSecret).toBe(
      SECRET,
    );
    await expect.poll(() => row.locator('.check-cell').textContent()).toContain('settings changed since');
  });

  it('shows each provider’s webhook URL; creates a named API key (shown once), lists and revokes it', async () => {
    const row = page.locator('tr[data-id="browser-desk"]');
    expect(await row.locator('.webhook-url code').textContent()).toBe(`${gw.url}/webhooks/browser-desk`);
    await page.getByRole('button', { name: 'API keys' }).click();
    await page.getByText('No named keys yet.').waitFor();
    await page.getByLabel('Name').fill('browser key');
    await page.getByLabel('Scope').selectOption('nodes');
    await page.getByRole('button', { name: 'Create key' }).click();
    const shown = (await page.locator('.secret-once').textContent()) ?? '';
    expect(shown).toMatch(/^hk_[a-f0-9]{12}_/);
    const keys = page.locator('form[aria-labelledby="keys-title"] tbody');
    await expect.poll(() => keys.textContent()).toContain('browser key');
    expect(await keys.textContent()).not.toContain(shown);
    expect((await fetch(`${gw.url}/v1/providers`, { headers: { 'x-api-key': shown } })).status).toBe(200);
    await page.getByRole('button', { name: 'Revoke browser key' }).click();
    await page.getByText('No named keys yet.').waitFor();
    expect((await fetch(`${gw.url}/v1/providers`, { headers: { 'x-api-key': shown } })).status).toBe(401);
    await page.getByRole('button', { name: 'Close' }).click();
  });

  it('exports to JSON and imports it back', async () => {
    await page.getByRole('button', { name: 'Export' }).click();
    await page.getByLabel('Include secrets').check();
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Download JSON' }).click(),
    ]);
    const file = await download.path();
    const exported = JSON.parse(readFileSync(file, 'utf8'));
    expect(exported.providers.map((p: { id: string }) => p.id)).toEqual(['browser-desk']);
    await gw.gateway.registry.delete('browser-desk');
    await page.getByRole('button', { name: 'Import' }).click();
    await page.getByLabel('Export file (JSON)').setInputFiles(file);
    await page.getByRole('button', { name: 'Import', exact: true }).last().click();
    await expect.poll(() => page.getByRole('status').textContent()).toContain('1 created');
    await page.locator('tr[data-id="browser-desk"]').waitFor();
  });

  it('deletes with confirmation', async () => {
    const row = page.locator('tr[data-id="browser-desk"]');
    await row.getByRole('button', { name: 'Delete Browser desk (edited)' }).click();
    const dialog = page.getByRole('dialog');
    expect(await dialog.textContent()).toContain('Delete “Browser desk (edited)”?');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    expect(await row.count()).toBe(1);
    await row.getByRole('button', { name: 'Delete Browser desk (edited)' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Delete provider' }).click();
    await page.getByText('No providers yet').waitFor();
    expect(await gw.gateway.registry.list()).toEqual([]);
    expect(problems).toEqual([]);
  });

  it('is readable at phone width: no horizontal scrolling, the table becomes cards', async () => {
    await gw.gateway.registry.create({ id: 'phone', name: 'Phone desk', type: 'simulated' });
    const phone = await browser.newPage({ viewport: { width: 375, height: 740 } });
    await phone.goto(`${gw.url}/console`);
    await phone.getByLabel('Admin API key').fill(ADMIN_KEY);
    await phone.keyboard.press('Enter');
    await phone.locator('tr[data-id="phone"]').waitFor();
    expect(await phone.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
    expect(await phone.locator('thead').isHidden()).toBe(true);
    await phone.close();
  });
});
