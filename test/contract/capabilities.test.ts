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

// Written out name by name (not from the groups) so a change to a group or a declaration shows here.
const EXPECTED: Record<string, CapabilityName[]> = {
  simulated: [...CAPABILITY_NAMES],
  chatwoot: [
    'availability',
    'priority',
    'queueRouting',
    'transcript',
    'customAttributes',
    'closeFromBot',
    'typing',
    'agentJoined',
    'webhooks',
  ],
  cxone: [
    'availability',
    'estimatedWaitTime',
    'queueRouting',
    'transcript',
    'customAttributes',
    'closeFromBot',
    'attachments',
    'agentJoined',
    'webhooks',
    'pushEvents',
  ],
  genesys: [
    'availability',
    'estimatedWaitTime',
    'transcript',
    'customAttributes',
    'closeFromBot',
    'attachments',
    'typing',
    'agentJoined',
    'webhooks',
    'pushEvents',
  ],
  ringcentral: [
    'availability',
    'queuePosition',
    'estimatedWaitTime',
    'queueRouting',
    'transcript',
    'customAttributes',
    'closeFromBot',
    'attachments',
    'typing',
    'agentJoined',
    'webhooks',
  ],
  zendesk: [
    'availability',
    'skills',
    'priority',
    'queueRouting',
    'transcript',
    'customAttributes',
    'closeFromBot',
    'attachments',
    'typing',
    'webhooks',
  ],
  'twilio-flex': [
    'availability',
    'queuePosition',
    'estimatedWaitTime',
    'skills',
    'languages',
    'priority',
    'queueRouting',
    'transcript',
    'customAttributes',
    'closeFromBot',
    'agentJoined',
    'webhooks',
  ],
  '8x8': [
    'availability',
    'estimatedWaitTime',
    'languages',
    'queueRouting',
    'transcript',
    'customAttributes',
    'closeFromBot',
    'attachments',
    'typing',
    'agentJoined',
    'webhooks',
  ],
  'salesforce-miaw': [
    'estimatedWaitTime',
    'transcript',
    'customAttributes',
    'closeFromBot',
    'typing',
    'agentJoined',
    'pushEvents',
  ],
};

describe('capabilities of the built-in connectors', () => {
  const definitions = builtInConnectors();

  it('covers every built-in connector type', () => {
    expect(definitions.map((d) => d.type).sort()).toEqual(Object.keys(EXPECTED).sort());
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
