import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import {
  BadSignatureError,
  HandoverConfigError,
  HandoverError,
  IllegalTransitionError,
  RateLimitError,
  UnknownProviderError,
  VendorApiError,
  VendorAuthError,
  handoverErrorFromJSON,
  toHandoverError,
} from 'handover-kit';

describe('typed errors', () => {
  it('carry a stable code and isRetryable', () => {
    expect(new UnknownProviderError('p1')).toMatchObject({
      code: 'unknown_provider',
      isRetryable: false,
      providerId: 'p1',
    });
    for (const status of [408, 409, 429, 500, 503])
      expect(new VendorApiError('x', { vendor: 'v', status }).isRetryable).toBe(true);
    for (const status of [400, 401, 404, 422])
      expect(new VendorApiError('x', { vendor: 'v', status }).isRetryable).toBe(false);
    expect(new RateLimitError('slow down', { vendor: 'v', retryAfterMs: 1500 })).toMatchObject({
      code: 'rate_limited',
      status: 429,
      retryAfterMs: 1500,
      isRetryable: true,
    });
  });

  it('isInstance follows the class hierarchy', () => {
    const e = new RateLimitError('x', { vendor: 'v' });
    expect(HandoverError.isInstance(e)).toBe(true);
    expect(VendorApiError.isInstance(e)).toBe(true);
    expect(RateLimitError.isInstance(e)).toBe(true);
    expect(VendorAuthError.isInstance(e)).toBe(false);
    expect(BadSignatureError.isInstance(new Error('plain'))).toBe(false);
    expect(HandoverError.isInstance({ code: 'unknown_provider' })).toBe(false);
  });

  it('isInstance works across two copies of the package (the CJS build vs the sources)', () => {
    const require = createRequire(import.meta.url);
    const other = require('../../dist/index.cjs') as typeof import('handover-kit');
    expect(other.HandoverError).not.toBe(HandoverError); // really another copy
    const foreign = new other.IllegalTransitionError('completed', 'active');
    expect(foreign instanceof IllegalTransitionError).toBe(false);
    expect(IllegalTransitionError.isInstance(foreign)).toBe(true);
    expect(HandoverError.isInstance(foreign)).toBe(true);
    expect(
      other.HandoverConfigError.isInstance(new HandoverConfigError('bad', [{ path: 'timer', message: 'x' }])),
    ).toBe(true);
  });

  it('round-trips through JSON without losing the type or the fields', () => {
    const original = new RateLimitError('limited', {
      vendor: 'genesys',
      status: 429,
      vendorRequestId: 'req-1',
      retryAfterMs: 2000,
    });
    const back = handoverErrorFromJSON(JSON.parse(JSON.stringify(original)));
    expect(RateLimitError.isInstance(back)).toBe(true);
    expect(back).toMatchObject({ message: 'limited', vendor: 'genesys', vendorRequestId: 'req-1', retryAfterMs: 2000 });
    const config = handoverErrorFromJSON(
      new HandoverConfigError('Invalid', [{ path: 'settings.region', message: 'Required' }]).toJSON(),
    );
    expect((config as HandoverConfigError).field).toBe('settings.region');
  });

  it('wraps foreign errors, keeping the cause', () => {
    const cause = new TypeError('boom');
    const wrapped = toHandoverError(cause);
    expect(wrapped.code).toBe('internal');
    expect(wrapped.cause).toBe(cause);
  });
});
