import { afterEach, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { startFakeChatwoot, type FakeChatwoot } from '../../fakes/chatwoot';

let fake: FakeChatwoot | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

async function call(method: 'GET' | 'POST', path: string, options: { token?: string | null; json?: unknown } = {}) {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (options.token !== null) headers.api_access_token = options.token ?? fake!.token;
  if (options.json !== undefined) headers['content-type'] = 'application/json';
  const res = await request(`${fake!.url}${path}`, {
    method,
    headers,
    body: options.json === undefined ? undefined : JSON.stringify(options.json),
  });
  const text = await res.body.text();
  const json =
    String(res.headers['content-type']).startsWith('application/json') && text
      ? (JSON.parse(text) as unknown)
      : undefined;
  return { status: res.statusCode, headers: res.headers, text, json };
}

/** The fake must behave like Chatwoot where the connector depends on it; these pin that down. */
describe('fake Chatwoot fidelity', () => {
  it('auth: no token, a wrong token, another account; unknown paths → Chatwoot’s 404 body; every answer has X-Request-Id', async () => {
    fake = await startFakeChatwoot();
    const noToken = await call('GET', '/api/v1/accounts/1/agents', { token: null });
    expect([noToken.status, noToken.json]).toEqual([
      401,
      { errors: ['You need to sign in or sign up before continuing.'] },
    ]);
    const wrong = await call('GET', '/api/v1/accounts/1/agents', { token: 'nope' });
    expect([wrong.status, wrong.json]).toEqual([401, { error: 'Invalid Access Token' }]);
    const account = await call('GET', '/api/v1/accounts/2/agents');
    expect([account.status, account.json]).toEqual([404, { error: 'Resource could not be found' }]);
    const unknown = await call('GET', '/api/v1/accounts/1/nothing-here');
    expect([unknown.status, unknown.json]).toEqual([404, { error: 'Resource could not be found' }]);
    const ok = await call('GET', '/api/v1/accounts/1/agents');
    expect(ok.status).toBe(200);
    expect(Array.isArray(ok.json)).toBe(true);
    for (const r of [noToken, wrong, account, unknown, ok])
      expect(r.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('strict bodies: unknown fields and missing params are refused; invalid enums are Chatwoot’s unhandled 500', async () => {
    fake = await startFakeChatwoot();
    const contact = await call('POST', '/api/v1/accounts/1/contacts', { json: { identifier: 'x', nickname: 'y' } });
    expect(contact.status).toBe(422);
    const missing = await call('POST', '/api/v1/accounts/1/conversations', { json: { inbox_id: 7, contact_id: 1 } });
    expect(missing.status).toBe(422);
    const created = await call('POST', '/api/v1/accounts/1/contacts', { json: { identifier: 'x' } });
    const contactId = (created.json as { payload: { contact: { id: number } } }).payload.contact.id;
    const conv = await call('POST', '/api/v1/accounts/1/conversations', {
      json: { source_id: 's-1', inbox_id: 7, contact_id: contactId },
    });
    const id = (conv.json as { id: number }).id;
    const none = await call('POST', `/api/v1/accounts/1/conversations/${id}/toggle_priority`, {
      json: { priority: 'none' },
    });
    expect(none.status).toBe(500);
    const cleared = await call('POST', `/api/v1/accounts/1/conversations/${id}/toggle_priority`, {
      json: { priority: null },
    });
    expect([cleared.status, cleared.text]).toEqual([200, '']);
    const closed = await call('POST', `/api/v1/accounts/1/conversations/${id}/toggle_status`, {
      json: { status: 'closed' },
    });
    expect(closed.status).toBe(500);
  });

  it('injected failures: 429 is plain "Retry later" (Retry-After only when asked), 503 an HTML page', async () => {
    fake = await startFakeChatwoot();
    fake.failNext('agents', { status: 429 });
    fake.failNext('agents', { status: 429, retryAfterMs: 2000 });
    fake.failNext('agents', { status: 503 });
    const a = await call('GET', '/api/v1/accounts/1/agents');
    const b = await call('GET', '/api/v1/accounts/1/agents');
    const c = await call('GET', '/api/v1/accounts/1/agents');
    expect([a.status, a.text, a.headers['retry-after']]).toEqual([429, 'Retry later\n', undefined]);
    expect([b.status, b.headers['retry-after']]).toEqual([429, '2']);
    expect([c.status, String(c.headers['content-type'])]).toEqual([503, 'text/html']);
    expect((await call('GET', '/api/v1/accounts/1/agents')).status).toBe(200);
  });
});
