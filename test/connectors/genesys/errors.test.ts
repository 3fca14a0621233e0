import { afterEach, describe, expect, it } from 'vitest';
import { HandoverTimeoutError, RateLimitError, type VendorApiError, VendorNotFoundError } from 'handover-kit';
import { startTestBed, waitUntil, type GenesysTestBed } from './harness';

let bed: GenesysTestBed;
afterEach(async () => {
  await bed?.close();
});

const user = { id: 'user-err' };
async function started() {
  return (
    await bed.connector.doStartHandover({
      idempotencyKey: 'err-1',
      user,
      routing: {},
      transcript: [],
      customAttributes: {},
    })
  ).conversationId;
}

describe('genesys errors', () => {
  it('maps the ErrorBody: status, code, message and ININ-Correlation-Id as the vendor request id', async () => {
    bed = await startTestBed();
    const conversationId = await started();
    bed.fake.failNext('conversation', { status: 404 });
    const error = (await bed.connector.doGetStatus({ conversationId }).catch((e: unknown) => e)) as VendorNotFoundError;
    expect(VendorNotFoundError.isInstance(error)).toBe(true);
    const res = bed.fake.requestsOf('conversation').at(-1)!;
    expect(res.status).toBe(404);
    expect(error.status).toBe(404);
    expect(error.details).toMatchObject({ vendor: 'genesys', vendorCode: 'not.found', operation: 'get status' });
    expect(error.vendorRequestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(error.message).toContain('The requested resource could not be found.');
  });

  it('a 400 for a malformed inbound body carries Genesys’ explanation', async () => {
    bed = await startTestBed();
    const conversationId = await started();
    bed.fake.failNext('inbound', { status: 400 });
    const error = (await bed.connector
      .doSendMessage({ conversationId, messageId: 'm', user, text: 'x' })
      .catch((e: unknown) => e)) as VendorApiError;
    expect(error.status).toBe(400);
    expect(error.isRetryable).toBe(false);
    expect(error.details.vendorCode).toBe('bad.request');
  });

  it('429 on a non-idempotent send: RateLimitError with Retry-After, not retried', async () => {
    bed = await startTestBed();
    const conversationId = await started();
    bed.fake.failNext('inbound', { status: 429, retryAfterMs: 7000 });
    const error = (await bed.connector
      .doSendMessage({ conversationId, messageId: 'm', user, text: 'x' })
      .catch((e: unknown) => e)) as RateLimitError;
    expect(RateLimitError.isInstance(error)).toBe(true);
    expect(error.retryAfterMs).toBe(7000);
    expect(error.details.vendorCode).toBe('too.many.requests.retry.after');
    expect(bed.fake.requestsOf('inbound')).toHaveLength(2); // start + the refused send
  });

  it('429 on an idempotent read: waits Retry-After on the runtime clock, then retries', async () => {
    bed = await startTestBed({ settings: { pollIntervalMs: 300_000 } }); // no participant poll in between
    const conversationId = await started();
    bed.fake.failNext('conversation', { status: 429, retryAfterMs: 2000 });
    const pending = bed.connector.doGetStatus({ conversationId });
    await waitUntil(
      () => bed.fake.requestsOf('conversation').length === 1 && bed.fake.requestsOf('conversation')[0]!.status === 429,
      'the 429',
    );
    await bed.clock.advance(1900);
    expect(bed.fake.requestsOf('conversation')).toHaveLength(1);
    await bed.clock.advance(100);
    await expect(pending).resolves.toMatchObject({ status: 'queue' });
    expect(bed.fake.requestsOf('conversation').map((r) => r.status)).toEqual([429, 200]);
  });

  it('5xx: idempotent reads are retried with backoff, posts are not', async () => {
    bed = await startTestBed();
    const conversationId = await started();
    bed.fake.failNext('conversation', { status: 503 });
    const status = bed.connector.doGetStatus({ conversationId });
    await waitUntil(
      () =>
        bed.fake.requestsOf('conversation').length === 1 &&
        bed.fake.requestsOf('conversation')[0]!.status !== undefined,
      'the 503',
    );
    await bed.clock.advance(250); // first backoff: at most 250 ms
    await expect(status).resolves.toMatchObject({ status: 'queue' });

    bed.fake.failNext('inbound', { status: 503 });
    const error = (await bed.connector
      .doSendMessage({ conversationId, messageId: 'm', user, text: 'x' })
      .catch((e: unknown) => e)) as VendorApiError;
    expect(error.status).toBe(503);
    expect(error.isRetryable).toBe(true);
    expect(bed.fake.requestsOf('inbound').map((r) => r.status)).toEqual([200, 503]);
  });

  it('a slow Genesys hits the per-request timeout', async () => {
    bed = await startTestBed({ settings: { requestTimeoutMs: 150 } });
    const conversationId = await started();
    bed.fake.failNext('inbound', { status: 200, delayMs: 600 });
    const error = await bed.connector
      .doSendMessage({ conversationId, messageId: 'm', user, text: 'x' })
      .catch((e: unknown) => e);
    expect(HandoverTimeoutError.isInstance(error)).toBe(true);
  });

  it('a caller abort stops the call', async () => {
    bed = await startTestBed();
    const conversationId = await started();
    bed.fake.failNext('inbound', { status: 200, delayMs: 600 });
    const controller = new AbortController();
    const pending = bed.connector.doSendMessage(
      { conversationId, messageId: 'm', user, text: 'x' },
      { signal: controller.signal },
    );
    controller.abort();
    await expect(pending).rejects.toBeDefined();
  });
});
