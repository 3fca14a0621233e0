import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  MAX_ATTRIBUTES_CHARS,
  MAX_ATTRIBUTE_VALUE_CHARS,
  MAX_TRANSCRIPT_CHARS,
  buildCustomAttributes,
  flattenAttributes,
  transcriptText,
} from 'handover-kit/connectors/genesys';

const base = { customAttributes: {}, routing: {}, user: { id: 'u' }, transcript: [], includeTranscript: true };

describe('genesys custom attributes', () => {
  it('flattens like Cognigy: dotted nested keys, joined scalar arrays, indexed object arrays, booleans as 1/0', () => {
    expect(
      flattenAttributes({
        plan: 'gold',
        count: 3,
        vip: true,
        churn: false,
        missing: null,
        customer: { name: 'Ana', address: { city: 'Madrid' } },
        tags: ['a', 'b', 7, true],
        orders: [{ id: 'o1' }, { id: 'o2', paid: false }],
        when: new Date('2026-03-02T10:00:00Z'),
        nan: Number.NaN,
      }),
    ).toEqual({
      plan: 'gold',
      count: '3',
      vip: '1',
      churn: '0',
      'customer.name': 'Ana',
      'customer.address.city': 'Madrid',
      tags: 'a,b,7,1',
      'orders.0.id': 'o1',
      'orders.1.id': 'o2',
      'orders.1.paid': '0',
      when: '2026-03-02T10:00:00.000Z',
    });
  });

  it('keeps the most recent transcript turns that fit, marked as shortened', () => {
    const turns = Array.from({ length: 200 }, (_, i) => ({
      role: i % 2 ? ('bot' as const) : ('user' as const),
      text: `turn ${i} ${'x'.repeat(40)}`,
    }));
    const { text, truncated } = transcriptText(turns, 1000);
    expect(truncated).toBe(true);
    expect(text.length).toBeLessThanOrEqual(1000);
    expect(text.startsWith('…\n')).toBe(true);
    expect(text.endsWith(`Bot: turn 199 ${'x'.repeat(40)}`)).toBe(true);
    const { attributes, warnings } = buildCustomAttributes({ ...base, transcript: turns });
    expect(attributes['handover.transcript']!.length).toBeLessThanOrEqual(MAX_TRANSCRIPT_CHARS);
    expect(warnings).toEqual([expect.objectContaining({ feature: 'transcript' })]);
  });

  it('cuts long values and leaves out what exceeds the budget, with warnings', () => {
    const big = Object.fromEntries(
      Array.from({ length: 40 }, (_, i) => [`k${i}`, 'v'.repeat(MAX_ATTRIBUTE_VALUE_CHARS + 10)]),
    );
    const { attributes, warnings } = buildCustomAttributes({ ...base, customAttributes: big });
    expect(attributes.k0!.length).toBe(MAX_ATTRIBUTE_VALUE_CHARS);
    const total = Object.entries(attributes).reduce((n, [k, v]) => n + k.length + v.length, 0);
    expect(total).toBeLessThanOrEqual(MAX_ATTRIBUTES_CHARS);
    expect(warnings.map((w) => w.feature)).toEqual(['customAttributes', 'customAttributes']);
  });

  it('always yields a flat string map within the budget (property)', () => {
    const json = fc.letrec((tie) => ({
      value: fc.oneof(
        { depthSize: 'small' },
        fc.string(),
        fc.integer(),
        fc.boolean(),
        fc.constant(null),
        fc.array(tie('value'), { maxLength: 4 }),
        fc.dictionary(fc.string({ minLength: 1, maxLength: 8 }), tie('value'), { maxKeys: 4 }),
      ),
    })).value;
    fc.assert(
      fc.property(
        fc.dictionary(fc.string({ minLength: 1, maxLength: 12 }), json, { maxKeys: 8 }),
        fc.array(fc.string({ maxLength: 300 }), { maxLength: 30 }),
        (extra, texts) => {
          const { attributes } = buildCustomAttributes({
            ...base,
            extra,
            transcript: texts.map((text) => ({ role: 'user' as const, text })),
          });
          let total = 0;
          for (const [k, v] of Object.entries(attributes)) {
            if (typeof v !== 'string') return false;
            total += k.length + v.length;
          }
          return total <= MAX_ATTRIBUTES_CHARS;
        },
      ),
      { numRuns: 200 },
    );
  });
});
