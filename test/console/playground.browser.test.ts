import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_KEY, launchChromium, startConsoleGateway, watchPage, type ConsoleGateway } from './support';

/**
 * The playground in a real (headless Debian) Chromium: a whole handover driven from both panes —
 * the customer asks for an agent, the agent accepts and replies, the customer replies, the agent
 * closes — with every message arriving on the other side, in order, without a reload.
 */
describe('playground in Chromium', () => {
  let gw: ConsoleGateway;
  let browser: Browser;
  let page: Page;
  let problems: string[];

  beforeAll(async () => {
    gw = await startConsoleGateway({ playground: { queueUpdateSeconds: 5, inactivitySeconds: 60 } });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    page.setDefaultTimeout(15_000); // bounded waits, generous for a loaded CI machine
    problems = watchPage(page);
  }, 40_000);
  afterAll(async () => {
    await browser?.close();
    await gw?.close();
  });

  const texts = (list: Locator) => list.locator('li.msg p').allTextContents();
  const customer = () => page.locator('#chat-messages');
  const desk = () => page.locator('#desk-messages');
  const timeline = () => page.locator('.timeline');
  const poll = <T>(fn: () => Promise<T>) => expect.poll(fn, { timeout: 15_000 });

  /** The customer writes in the chat box and presses Enter. */
  async function customerSays(text: string) {
    await page.locator('#customer-text').fill(text);
    await page.locator('#customer-text').press('Enter');
  }

  it('signs in from the #key fragment, which then leaves the address bar', async () => {
    const res = await page.goto(`${gw.url}/playground#key=${encodeURIComponent(ADMIN_KEY)}`);
    expect(res!.status()).toBe(401);
    await page.locator('#customer-text').waitFor();
    expect(page.url()).toBe(`${gw.url}/playground`);
    await poll(() => page.evaluate(() => document.activeElement?.id)).toBe('customer-text'); // ready to type (focus lands after render: poll)
    await poll(() => page.getByRole('status').filter({ hasText: 'Live' }).count()).toBe(1);
  });

  it('the bot answers; asking for an agent queues the customer, and the desk shows position and wait', async () => {
    await customerSays('Where is my order?');
    await poll(() => texts(customer())).toEqual(['Where is my order?', expect.stringContaining('I am the demo bot')]);
    await customerSays('I would like to talk to an agent');
    await poll(() => page.locator('#chat-status').textContent()).toContain('In the queue');
    const waiting = page.locator('.queue li');
    await poll(() => waiting.textContent()).toMatch(
      /Visitor \d+ \(this page\) · Support · number 1 · est\. \d+ s · waiting/,
    );
    await poll(() => timeline().textContent()).toContain('Check Agent Availability → Agents Available');
    expect(await timeline().textContent()).toContain('Lookup handover status → Queue');
    expect(await timeline().locator('.tl-input').first().textContent()).toContain('status=queue');
  });

  it('completes the handover from both panes; each side sees the other’s messages in order', async () => {
    // The answer to the accept is held until the state showing the chat has arrived over SSE: the
    // reply box must get focus whichever of the two comes first.
    await page.route(
      '**/agent',
      async (route) => {
        const response = await route.fetch();
        await page.locator('#chat-status').filter({ hasText: 'With Alex' }).waitFor();
        await route.fulfill({ response });
      },
      { times: 1 },
    );
    await page.getByRole('button', { name: /^Accept Visitor/ }).click();
    await poll(() => texts(customer())).toContain('Alex has joined the chat.');
    await poll(() => page.locator('#chat-status').textContent()).toBe('With Alex');
    await poll(() => page.evaluate(() => document.activeElement?.id)).toBe('agent-text'); // accept → reply box

    // The agent starts typing: the customer sees it; sending ends it.
    await page.locator('#agent-text').fill('Hello, Alex here. Let me look at your order.');
    await poll(() => page.locator('.chat .typing').textContent()).toBe('Alex is typing…');
    await page.locator('#agent-text').press('Enter');
    await poll(() => texts(customer())).toContain('Hello, Alex here. Let me look at your order.');
    await poll(() => page.locator('.chat .typing').isHidden()).toBe(true);

    await customerSays('It is order 1234, it has not arrived.');
    await poll(() => texts(desk())).toContain('It is order 1234, it has not arrived.');
    // One person plays both sides: they turn to the customer's box while the agent's send is still
    // under way. Its late answer must not pull the focus (and their typing) back to the agent's box.
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    await page.route('**/agent', async (route) => {
      if (route.request().postDataJSON()?.action !== 'say') return route.continue();
      const response = await route.fetch();
      await held;
      await route.fulfill({ response });
    });
    await page.locator('#agent-text').fill('It ships today; you will have it tomorrow.');
    await page.locator('#agent-text').press('Enter');
    await page.locator('#customer-text').focus();
    const answered = page.waitForEvent('requestfinished', (r) => r.postDataJSON()?.action === 'say');
    release();
    await answered;
    await page.unroute('**/agent');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('customer-text');
    await customerSays('Great, thanks!');
    await poll(() => texts(desk())).toContain('Great, thanks!');

    const conversation = [
      'Hello, Alex here. Let me look at your order.',
      'It is order 1234, it has not arrived.',
      'It ships today; you will have it tomorrow.',
      'Great, thanks!',
    ];
    await poll(async () => (await texts(customer())).filter((t) => conversation.includes(t))).toEqual(conversation);
    await poll(async () => (await texts(desk())).filter((t) => conversation.includes(t))).toEqual(conversation);
    // The bot stayed quiet while the agent had the chat: the flow passed the customer's messages on.
    await poll(() => timeline().getByText('message to the agent; the bot stays quiet').count()).toBe(2);

    await page.getByRole('button', { name: 'Close chat' }).click();
    await poll(() => texts(customer())).toContain('The agent closed the chat. Thanks! I am the bot again.');
    await poll(() => page.locator('#chat-status').textContent()).toBe('With the bot');
    expect(await timeline().textContent()).toContain('Lookup handover status → Completed');
    expect(await page.locator('.desk .conversation').isHidden()).toBe(true);
    expect(problems).toEqual([]);
  });

  it('transfers to another queue, and the customer can cancel from the quick reply', async () => {
    await customerSays('agent again please');
    await page.getByRole('button', { name: /^Accept Visitor/ }).click();
    await poll(() => page.locator('#chat-status').textContent()).toBe('With Alex');
    await page.getByLabel('Transfer to').selectOption('billing');
    await page.getByRole('button', { name: 'Transfer', exact: true }).click();
    await poll(() => page.locator('.queue li').textContent()).toContain('· Billing · number 1');
    await poll(() => page.locator('#chat-status').textContent()).toContain('In the queue');
    await page.locator('.quick-replies').getByRole('button', { name: 'Cancel' }).click();
    await poll(() => texts(customer())).toContain('OK, I cancelled the request. I am still here.');
    await poll(() => page.locator('.queue li').count()).toBe(0);
    expect(await timeline().textContent()).toContain('Lookup handover status → Cancelled');
  });

  it('keeps the conversation across a reload, and is readable at phone width', async () => {
    const before = await texts(customer());
    await page.reload();
    await poll(() => texts(customer())).toEqual(before);
    const phone = await browser.newPage({ viewport: { width: 375, height: 740 } });
    await phone.goto(`${gw.url}/playground#key=${encodeURIComponent(ADMIN_KEY)}`);
    await phone.locator('#customer-text').waitFor();
    expect(await phone.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
    const boxes = await Promise.all(['.chat', '.desk', '.timeline-pane'].map((s) => phone.locator(s).boundingBox()));
    expect(boxes.every((b) => b && b.width <= 375)).toBe(true);
    expect(boxes[0]!.y < boxes[1]!.y && boxes[1]!.y < boxes[2]!.y).toBe(true); // stacked: chat, desk, timeline
    await phone.close();
  });
});
