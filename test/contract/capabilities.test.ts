import { describe, expect, it } from 'vitest';
import {
  CAPABILITY_GROUPS,
  CAPABILITY_NAMES,
  HandoverConfigError,
  defineCapabilities,
  type CapabilityName,
} from 'handover-kit/contract';
import { builtInConnectors } from '../../src/gateway/connectors';

/** The full map with exactly `on` true, in CAPABILITY_NAMES order. */
function only(...on: CapabilityName[]): Record<CapabilityName, boolean> {
  return Object.fromEntries(CAPABILITY_NAMES.map((name) => [name, on.includes(name)])) as Record<
    CapabilityName,
    boolean
  >;
}

// Written out as a table (not from the groups), so a change to a group or a declaration shows here:
// one row per capability, one column per connector type, `x` where the type has it.
const TABLE = `
                  simulated chatwoot cxone genesys ringcentral zendesk twilio-flex 8x8 salesforce-miaw
availability      x         x        x     x       x           x       x           x   .
queuePosition     x         .        .     .       x           .       x           .   .
estimatedWaitTime x         .        x     x       x           .       x           x   x
skills            x         .        .     .       .           x       x           .   .
languages         x         .        .     .       .           .       x           x   .
priority          x         x        .     .       .           x       x           .   .
queueRouting      x         x        x     .       x           x       x           x   .
businessHours     x         .        .     .       .           .       .           .   .
transcript        x         x        x     x       x           x       x           x   x
customAttributes  x         x        x     x       x           x       x           x   x
closeFromBot      x         x        x     x       x           x       x           x   x
attachments       x         .        x     x       x           x       .           x   .
typing            x         x        .     x       x           x       .           x   x
agentJoined       x         x        x     x       x           .       x           x   x
webhooks          x         x        x     x       x           x       x           x   .
pushEvents        x         .        x     x       .           .       .           .   x
`;

/** Connector type → the capability names marked in its column. */
function parseTable(table: string): Record<string, CapabilityName[]> {
  const [head, ...rows] = table.trim().split('\n');
  const types = head!.trim().split(/ +/);
  const expected = Object.fromEntries(types.map((t) => [t, [] as CapabilityName[]]));
  for (const row of rows) {
    const [name, ...marks] = row.trim().split(/ +/);
    for (const [i, mark] of marks.entries()) if (mark === 'x') expected[types[i]!]!.push(name as CapabilityName);
  }
  return expected;
}
const EXPECTED = parseTable(TABLE);

describe('capabilities of the built-in connectors', () => {
  const definitions = builtInConnectors();

  it('covers every built-in connector type, and the table names only capabilities', () => {
    expect(definitions.map((d) => d.type).sort()).toEqual(Object.keys(EXPECTED).sort());
    const rows = TABLE.trim()
      .split('\n')
      .slice(1)
      .map((row) => row.trim().split(/ +/)[0]);
    expect(rows).toEqual([...CAPABILITY_NAMES]);
  });

  for (const [type, names] of Object.entries(EXPECTED)) {
    it(`${type}: the declared map, every name present, frozen`, () => {
      const definition = definitions.find((d) => d.type === type);
      expect(definition?.capabilities).toStrictEqual(only(...names));
      expect(Object.keys(definition?.capabilities ?? {})).toEqual([...CAPABILITY_NAMES]);
      expect(Object.isFrozen(definition?.capabilities)).toBe(true);
    });
  }
});

describe('defineCapabilities', () => {
  it('a map of flags: only `true` counts, the rest is false', () => {
    expect(defineCapabilities({ availability: true, typing: false })).toStrictEqual(only('availability'));
    expect(defineCapabilities({})).toStrictEqual(only());
  });

  it('lists and groups are joined, duplicates are harmless', () => {
    const caps = defineCapabilities(CAPABILITY_GROUPS.handover, CAPABILITY_GROUPS.liveAgent, ['webhooks', 'typing']);
    expect(caps).toStrictEqual(
      only('transcript', 'customAttributes', 'closeFromBot', 'typing', 'agentJoined', 'webhooks'),
    );
    expect(defineCapabilities(CAPABILITY_GROUPS.all)).toStrictEqual(only(...CAPABILITY_NAMES));
    expect(defineCapabilities(CAPABILITY_GROUPS.contactCenter)).toStrictEqual(
      defineCapabilities(CAPABILITY_GROUPS.handover, CAPABILITY_GROUPS.liveAgent, CAPABILITY_GROUPS.queueFigures),
    );
    expect(defineCapabilities(CAPABILITY_GROUPS.contactCenter, ['webhooks'])).toStrictEqual(
      only(
        'transcript',
        'customAttributes',
        'closeFromBot',
        'typing',
        'agentJoined',
        'availability',
        'estimatedWaitTime',
        'webhooks',
      ),
    );
    expect(defineCapabilities([])).toStrictEqual(only());
  });

  it('flags can be joined with lists', () => {
    expect(defineCapabilities({ pushEvents: true }, CAPABILITY_GROUPS.queueFigures)).toStrictEqual(
      only('availability', 'estimatedWaitTime', 'pushEvents'),
    );
  });

  it('a listed name that is not a capability is a typed error naming it', () => {
    const typo = ['availability', 'queuPosition'] as unknown as CapabilityName[];
    let thrown: unknown;
    try {
      defineCapabilities(typo);
    } catch (error) {
      thrown = error;
    }
    expect(HandoverConfigError.isInstance(thrown)).toBe(true);
    expect((thrown as HandoverConfigError).message).toContain('queuPosition');
    expect((thrown as HandoverConfigError).issues).toEqual([
      { path: 'capabilities', message: '"queuPosition" is not a capability name' },
    ]);
  });
});
