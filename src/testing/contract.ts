import assert from 'node:assert/strict';
import {
  BadRequestError,
  BadSignatureError,
  HandoverError,
  RateLimitError,
  SPECIFICATION_VERSION,
  UnsupportedCapabilityError,
  VendorApiError,
  VendorAuthError,
  VendorNotFoundError,
  availabilityResultSchema,
  canTransition,
  closeHandoverResultSchema,
  connectorCapabilitiesSchema,
  handoverEventSchema,
  sendMessageResultSchema,
  startHandoverResultSchema,
  statusResultSchema,
  type HandoverConnectorV1,
  type HandoverEvent,
  type HandoverStatus,
  type Routing,
  type StartHandoverRequest,
  type WebhookRequest,
} from '../contract';
import { EventCollector } from './collector';

export type ContractOperation = 'availability' | 'start' | 'send' | 'status' | 'close';

/** What a connector's test setup provides so the shared suite can drive it. */
export interface ConnectorContractHarness {
  connector: HandoverConnectorV1;
  /** Acts as an agent at the (fake) vendor. */
  agent: {
    join(conversationId: string): Promise<void>;
    say(conversationId: string, text: string): Promise<void>;
    resolve(conversationId: string): Promise<void>;
  };
  /** Texts the vendor received from the user for this handover, in order. */
  userMessagesAtVendor(conversationId: string): Promise<string[]>;
  /**
   * The vendor fails the next `count` calls behind `operation` with this status. A connector that
   * polls in the background may consume a `status` failure meant for the suite: drive its polls
   * from the test clock. The suite asks for two 401s where it means "credentials refused", since a
   * connector may refresh its token and repeat once.
   */
  failNext(
    operation: ContractOperation,
    failure: { status: number; retryAfterMs?: number },
    count?: number,
  ): Promise<void>;
  /** For webhook connectors: a correctly authenticated webhook the vendor would send for this handover. */
  signedWebhook?(conversationId: string): Promise<WebhookRequest>;
  /**
   * How the vendor authenticates webhooks: `signature` (an HMAC over the body: a changed body must be
   * rejected), or `shared-secret` / `url-token` (the sender is authenticated, the body is not).
   * Default `signature`.
   */
  webhookAuth?: 'signature' | 'shared-secret' | 'url-token';
  /** The webhook without its authentication (default: without any header). */
  stripAuth?(request: WebhookRequest): WebhookRequest;
  teardown(): Promise<void>;
}

export interface ConnectorContractOptions {
  /** Shown in test names. */
  name: string;
  /** A fresh harness per test. Events the connector produces (pushed or webhooks) go to `events`. */
  setup(events: EventCollector): Promise<ConnectorContractHarness>;
  /** Routing for the handovers the suite starts. */
  routing?: Routing;
  /** Tests to leave out, each with the reason (shown in the test name). */
  skip?: Record<string, string>;
  /** How long to wait for an event (default 5 s). */
  eventTimeoutMs?: number;
}

/** The bits of a test runner the suite needs: vitest, jest and node:test all fit. */
export interface TestRunner {
  describe(name: string, fn: () => void): void;
  it: ((name: string, fn: () => Promise<void>, timeout?: number) => void) & {
    skip?: (name: string, fn: () => Promise<void>) => void;
  };
}

interface CaseContext {
  h: ConnectorContractHarness;
  events: EventCollector;
  start: (key?: string) => Promise<string>;
  opts: ConnectorContractOptions;
}
type Case = (ctx: CaseContext) => Promise<void>;

function startRequest(key: string, routing: Routing): StartHandoverRequest {
  return {
    idempotencyKey: key,
    user: { id: `user-${key}`, name: 'Contract User' },
    routing,
    transcript: [
      { role: 'user', text: 'I need a human' },
      { role: 'bot', text: 'Connecting you to an agent' },
    ],
    customAttributes: { plan: 'gold', orders: 3 },
    locale: 'en-US',
  };
}

async function expectError(fn: () => Promise<unknown>, check: (e: HandoverError) => boolean, what: string) {
  try {
    await fn();
  } catch (error) {
    assert.ok(HandoverError.isInstance(error), `${what}: expected a HandoverError, got ${String(error)}`);
    assert.ok(check(error), `${what}: got ${error.name} (${error.code}): ${error.message}`);
    return error;
  }
  assert.fail(`${what}: expected a typed error, but the call succeeded`);
}

/** Starts a handover the fake vendor was told to refuse; returns the typed error `check` accepts. */
function expectStartError(
  { h, opts }: CaseContext,
  idempotencyKey: string,
  check: (e: HandoverError) => boolean,
  what: string,
) {
  return expectError(() => h.connector.doStartHandover(startRequest(idempotencyKey, opts.routing ?? {})), check, what);
}

/** The shared contract, as named cases. */
export const CONTRACT_CASES: Record<string, Case> = {
  'declares contract v1, a connector type and valid capabilities': async ({ h }) => {
    assert.equal(h.connector.specificationVersion, SPECIFICATION_VERSION);
    assert.ok(h.connector.type.length > 0);
    connectorCapabilitiesSchema.parse(h.connector.capabilities);
    if (h.connector.capabilities.webhooks)
      assert.ok(h.connector.webhook, 'webhooks capability without a webhook handler');
    if (h.connector.capabilities.pushEvents) assert.ok(h.connector.events, 'pushEvents capability without an emitter');
  },
  'checks availability (or refuses with UnsupportedCapabilityError)': async ({ h, opts }) => {
    const call = () => h.connector.doCheckAvailability({ routing: opts.routing ?? {} });
    if (!h.connector.capabilities.availability) {
      await expectError(call, (e) => UnsupportedCapabilityError.isInstance(e), 'availability without the capability');
      return;
    }
    const result = availabilityResultSchema.parse(await call());
    if (!result.available) assert.ok(result.reason, 'unavailable without a reason');
  },
  'starts a handover with a valid result, idempotent per key': async ({ h, opts }) => {
    const first = startHandoverResultSchema.parse(
      await h.connector.doStartHandover(startRequest('idem-1', opts.routing ?? {})),
    );
    const again = startHandoverResultSchema.parse(
      await h.connector.doStartHandover(startRequest('idem-1', opts.routing ?? {})),
    );
    assert.equal(again.conversationId, first.conversationId, 'same idempotency key, different handover');
    const other = startHandoverResultSchema.parse(
      await h.connector.doStartHandover(startRequest('idem-2', opts.routing ?? {})),
    );
    assert.notEqual(other.conversationId, first.conversationId, 'different keys, same handover');
  },
  'reports status with a valid shape': async ({ h, start }) => {
    const id = await start();
    const status = statusResultSchema.parse(await h.connector.doGetStatus({ conversationId: id }));
    assert.ok(status.status === 'queue' || status.status === 'active', `fresh handover is ${status.status}`);
  },
  'relays user messages in order and once per message id': async ({ h, start }) => {
    const id = await start();
    await h.agent.join(id);
    const user = { id: 'user-contract' };
    for (const n of [1, 2, 3, 4, 5]) {
      sendMessageResultSchema.parse(
        await h.connector.doSendMessage({ conversationId: id, messageId: `m-${n}`, user, text: `message ${n}` }),
      );
    }
    const repeat = sendMessageResultSchema.parse(
      await h.connector.doSendMessage({ conversationId: id, messageId: 'm-3', user, text: 'message 3' }),
    );
    assert.equal(repeat.duplicate, true, 'a repeated message id must be reported as duplicate');
    const received = (await h.userMessagesAtVendor(id)).filter((t) => t.startsWith('message '));
    assert.deepEqual(received, ['message 1', 'message 2', 'message 3', 'message 4', 'message 5']);
  },
  'sends concurrent repeats of a message once, the repeat answered as duplicate': async ({ h, start }) => {
    const id = await start();
    await h.agent.join(id);
    const request = { conversationId: id, messageId: 'm-twice', user: { id: 'user-contract' }, text: 'message twice' };
    const answers = await Promise.all([h.connector.doSendMessage(request), h.connector.doSendMessage(request)]);
    const [first, repeat] = answers.map((a) => sendMessageResultSchema.parse(a));
    assert.deepEqual([first!.duplicate, repeat!.duplicate], [false, true], 'one send, the other a duplicate');
    const received = (await h.userMessagesAtVendor(id)).filter((t) => t === 'message twice');
    assert.equal(received.length, 1, 'the vendor got the message once');
  },
  'turns agent activity into valid events: joined, message, completed': async ({ h, events, start, opts }) => {
    const id = await start();
    const t = opts.eventTimeoutMs ?? 5000;
    await h.agent.join(id);
    await h.agent.say(id, 'Hello from the agent');
    const message = await events.waitFor(
      (e) => e.conversationId === id && e.type === 'agent-message',
      t,
      'agent-message',
    );
    assert.equal((message as Extract<HandoverEvent, { type: 'agent-message' }>).text, 'Hello from the agent');
    await h.agent.resolve(id);
    await events.waitFor((e) => e.conversationId === id && e.type === 'handover-completed', t, 'handover-completed');
    const mine = events.of(id);
    for (const e of mine) handoverEventSchema.parse(e);
    assert.equal(new Set(mine.map((e) => e.eventId)).size, mine.length, 'event ids must be unique');
    assertLegalSequence(mine);
  },
  'closes idempotently (or says it cannot)': async ({ h, start }) => {
    const id = await start();
    if (!h.connector.capabilities.closeFromBot) {
      // Without the capability a close must not pretend: an `unsupported` warning, or the typed error.
      try {
        const result = closeHandoverResultSchema.parse(
          await h.connector.doCloseHandover({ conversationId: id, reason: 'bot-closed' }),
        );
        assert.ok(
          result.warnings?.some((w) => w.type === 'unsupported'),
          'closeFromBot is false, but the close reported no unsupported warning',
        );
      } catch (error) {
        assert.ok(
          UnsupportedCapabilityError.isInstance(error),
          `closeFromBot is false: expected UnsupportedCapabilityError, got ${String(error)}`,
        );
      }
      return;
    }
    const first = closeHandoverResultSchema.parse(
      await h.connector.doCloseHandover({ conversationId: id, reason: 'bot-closed' }),
    );
    assert.equal(first.alreadyClosed, false);
    const second = closeHandoverResultSchema.parse(
      await h.connector.doCloseHandover({ conversationId: id, reason: 'bot-closed' }),
    );
    assert.equal(second.alreadyClosed, true, 'closing twice must be idempotent');
  },
  'maps vendor 401 to VendorAuthError': async (ctx) => {
    await ctx.h.failNext('start', { status: 401 }, 2); // lasting: a token refresh and one repeat do not help
    const e = await expectStartError(ctx, 'auth', (e) => VendorAuthError.isInstance(e), '401');
    assert.equal(e.isRetryable, false);
  },
  'maps vendor 404 to VendorNotFoundError': async ({ h, start }) => {
    const id = await start();
    await h.failNext('status', { status: 404 });
    await expectError(
      () => h.connector.doGetStatus({ conversationId: id }),
      (e) => VendorNotFoundError.isInstance(e),
      '404',
    );
  },
  'maps vendor 429 to RateLimitError with retry-after': async (ctx) => {
    await ctx.h.failNext('start', { status: 429, retryAfterMs: 3000 });
    const e = await expectStartError(ctx, 'limited', (e) => RateLimitError.isInstance(e), '429');
    assert.equal((e as RateLimitError).retryAfterMs, 3000);
    assert.equal(e.isRetryable, true);
  },
  'maps vendor 5xx to a retryable VendorApiError with the status': async (ctx) => {
    await ctx.h.failNext('start', { status: 503 });
    const e = await expectStartError(ctx, 'down', (e) => VendorApiError.isInstance(e), '503');
    assert.equal((e as VendorApiError).status, 503);
    assert.equal(e.isRetryable, true);
  },
  'accepts an authenticated webhook and parses it into valid events': async (ctx) => {
    const signed = await signedWebhook(ctx);
    if (!signed) return;
    await signed.webhook.verify(signed.good);
    const events = await signed.webhook.parse(signed.good);
    for (const e of events) handoverEventSchema.parse(e);
  },
  'rejects a webhook without its authentication': async (ctx) => {
    const signed = await signedWebhook(ctx);
    if (!signed) return;
    const { webhook, good } = signed;
    const stripped = ctx.h.stripAuth ? ctx.h.stripAuth(good) : { ...good, headers: {} };
    await expectError(
      async () => webhook.verify(stripped),
      (e) => BadSignatureError.isInstance(e),
      'unauthenticated webhook',
    );
  },
  'rejects a webhook whose body changed after signing': async (ctx) => {
    if ((ctx.h.webhookAuth ?? 'signature') !== 'signature') return; // only a signature covers the body
    const signed = await signedWebhook(ctx);
    if (!signed) return;
    const { webhook, good } = signed;
    const tampered = { ...good, rawBody: Buffer.concat([Buffer.from(good.rawBody), Buffer.from(' ')]) };
    await expectError(
      async () => webhook.verify(tampered),
      (e) => BadSignatureError.isInstance(e),
      'tampered body',
    );
  },
  'rejects a malformed webhook body with BadRequestError': async (ctx) => {
    const signed = await signedWebhook(ctx);
    if (!signed) return;
    const garbage = { ...signed.good, rawBody: Buffer.from('{not json') };
    await expectError(
      async () => signed.webhook.parse(garbage),
      (e) => BadRequestError.isInstance(e),
      'malformed body',
    );
  },
};

/** The connector's webhook and a correctly signed request about a fresh handover; none without webhooks. */
async function signedWebhook({ h, start }: CaseContext) {
  const webhook = webhookOf(h);
  if (!webhook) return undefined;
  return { webhook, good: await h.signedWebhook!(await start()) };
}

function webhookOf(h: ConnectorContractHarness) {
  if (!h.connector.capabilities.webhooks || !h.connector.webhook) return undefined;
  // A connector that takes webhooks must show the suite one: its security checks cannot pass by default.
  assert.ok(h.signedWebhook, 'the connector declares webhooks: the harness must provide signedWebhook()');
  return h.connector.webhook;
}

/** The statuses the events imply never break the status machine. */
export function assertLegalSequence(events: HandoverEvent[]): void {
  let status: HandoverStatus = 'queue';
  const implied: Partial<Record<HandoverEvent['type'], HandoverStatus>> = {
    'agent-joined': 'active',
    'agent-message': 'active',
    'handover-completed': 'completed',
    'handover-cancelled': 'cancelled',
    'handover-error': 'error',
  };
  for (const e of [...events].sort((a, b) => (a.sequence ?? 0) - (b.sequence ?? 0) || a.occurredAt - b.occurredAt)) {
    const next = e.type === 'agent-left' && e.requeued ? 'queue' : implied[e.type];
    if (!next) continue;
    assert.ok(canTransition(status, next), `illegal transition ${status} → ${next} at ${e.type} (${e.eventId})`);
    status = next;
  }
}

/**
 * Registers the shared connector contract with your test runner:
 *
 *   import { describe, it } from 'vitest';
 *   runConnectorContract({ name: 'acme', setup: async (events) => ({ ... }) }, { describe, it });
 */
export function runConnectorContract(options: ConnectorContractOptions, runner: TestRunner): void {
  runner.describe(`connector contract: ${options.name}`, () => {
    for (const [name, run] of Object.entries(CONTRACT_CASES)) {
      const reason = options.skip?.[name];
      if (reason) {
        // Shown as skipped, with the reason, where the runner can (vitest, jest and node:test all can).
        runner.it.skip?.(`${name} — skipped: ${reason}`, async () => {});
        continue;
      }
      runner.it(
        name,
        async () => {
          const events = new EventCollector();
          const h = await options.setup(events);
          let n = 0;
          const start = async (key = `contract-${++n}`) => {
            const result = await h.connector.doStartHandover(startRequest(key, options.routing ?? {}));
            return result.conversationId;
          };
          try {
            await run({ h, events, start, opts: options });
          } finally {
            await h.teardown();
          }
        },
        30_000,
      );
    }
  });
}
