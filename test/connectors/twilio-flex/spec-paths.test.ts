import { afterEach, describe, expect, it } from 'vitest';
import { TWILIO_ENDPOINTS } from 'handover-kit/connectors/twilio-flex';
import type { RecordedRequest } from '../../fakes/twilio-flex';
import { startRequest, startTestBed, type TwilioTestBed } from './harness';
import spec from './twilio-spec-operations.json';

/**
 * Every request the connector makes must be an operation of Twilio's OpenAPI files: the endpoint
 * table, and every request of a full handover as the fake recorded it (path, method, form, query and
 * header parameter names), against a list taken from the specs (twilio-spec-operations.json).
 */
interface SpecOperation {
  api: string;
  method: string;
  path: string;
  operationId: string;
  form: string[];
  required: string[];
  query: string[];
  headers: string[];
}
const OPERATIONS = spec.operations as SpecOperation[];

const templateRegex = (path: string) => new RegExp(`^${path.replace(/\{\w+\}/g, '[^/]+')}$`);
/** The most specific operation matching a concrete request (fewest placeholders). */
function operationOf(method: string, path: string): SpecOperation | undefined {
  return OPERATIONS.filter((o) => o.method === method && templateRegex(o.path).test(path)).sort(
    (a, b) => (a.path.match(/\{/g)?.length ?? 0) - (b.path.match(/\{/g)?.length ?? 0),
  )[0];
}

describe('twilio-flex requests against the Twilio OpenAPI operations', () => {
  let bed: TwilioTestBed | undefined;
  afterEach(async () => {
    await bed?.close();
    bed = undefined;
  });

  it('lists only endpoints the specs define, with the spec host for each', () => {
    for (const [name, endpoint] of Object.entries(TWILIO_ENDPOINTS)) {
      const op = OPERATIONS.find(
        (o) => o.api === endpoint.api && o.method === endpoint.method && o.path === endpoint.path,
      );
      expect(op, `${name}: ${endpoint.method} ${endpoint.path} on ${endpoint.api}`).toBeDefined();
    }
  });

  it('makes only spec-conformant requests through a whole handover, and uses every listed endpoint', async () => {
    bed = await startTestBed();
    const { connector, fake } = bed;
    const routing = { queue: 'sales', skills: ['billing'], languages: ['de'], priority: 'high' as const };
    await connector.doCheckAvailability({ routing: {} });
    const { conversationId } = await connector.doStartHandover(startRequest('spec', { routing, locale: 'de-DE' }));
    await connector.doSendMessage({ conversationId, messageId: 'm1', user: { id: 'user-spec' }, text: 'hello' });
    await connector.doSendMessage({
      conversationId,
      messageId: 'm2',
      user: { id: 'user-spec' },
      text: 'left',
      kind: 'system',
    });
    await connector.doGetStatus({ conversationId });
    await connector.doCloseHandover({ conversationId, reason: 'bot-closed', message: 'Thanks, closing now' });
    await fake.idle();

    const seen = new Set<string>();
    for (const rec of fake.requests as RecordedRequest[]) {
      const op = operationOf(rec.method, rec.path);
      expect(op, `${rec.method} ${rec.path} is no spec operation`).toBeDefined();
      seen.add(`${op!.method} ${op!.path}`);
      const form = [...new Set(rec.form.keys())];
      for (const name of form) expect(op!.form, `${op!.operationId}: form parameter ${name}`).toContain(name);
      for (const name of op!.required) expect(form, `${op!.operationId}: required ${name}`).toContain(name);
      for (const name of new Set(rec.query.keys()))
        expect(op!.query, `${op!.operationId}: query parameter ${name}`).toContain(name);
      if (rec.headers['x-twilio-webhook-enabled'] !== undefined)
        expect(op!.headers).toContain('X-Twilio-Webhook-Enabled');
    }
    const used = Object.values(TWILIO_ENDPOINTS).map((e) => `${e.method} ${e.path}`);
    expect([...seen].sort()).toEqual([...new Set(used)].sort());
  });
});
