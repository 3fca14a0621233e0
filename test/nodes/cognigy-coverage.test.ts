import type { INodeDescriptor } from '@cognigy/extension-tools';
import { describe, expect, it } from 'vitest';
import { createHandoverNodes, type HandoverApi } from 'handover-kit';
import { defineCapabilities } from 'handover-kit/contract';

/**
 * How much of Cognigy's own node interface the built descriptors carry, for the providers the kit
 * supports (Live Agent, Chatwoot, Genesys). The list is Cognigy 4.85's descriptors
 * (`@cognigy/rest-api-client@0.19.0`: handoverV2, checkAgentAvailability, closeHandover,
 * handoverInactivityTimer): every field key of the generic part and of those providers' sections,
 * with Cognigy's default (`undefined` where Cognigy sets none).
 */
const COGNIGY_FIELDS: Record<string, Array<[key: string, cognigyDefault: unknown]>> = {
  handoverToAgent: [
    ['text', undefined],
    ['repeatHandoverMessage', false],
    ['cancelIntent', undefined],
    ['quickReply', undefined],
    ['resolveBehavior', 'resetEntrypoint'],
    ['sendResolveEvent', true],
    // Live Agent section (the queue-update fields sit there in Cognigy)
    ['liveAgentInboxId', undefined],
    ['liveAgentSkills', undefined],
    ['liveAgentLanguages', undefined],
    ['liveAgentPriority', 'none'],
    ['agentAssistInitMessage', undefined],
    ['allowAgentInject', false],
    ['getQueuePosition', false],
    ['updateIntervalQueuePosition', undefined],
    ['getEstimatedWaitTime', false],
    ['updateIntervalEstimatedWaitTime', undefined],
    ['alternativeUpdate', false],
    ['maximumQueuePosition', undefined],
    ['maximumEstimatedWaitTime', undefined],
    ['alternativeText', undefined],
    // Chatwoot section
    ['chatwootInboxId', undefined],
    // Genesys section
    ['genesysLanguage', undefined],
    ['genesysSkills', []],
    ['genesysPriority', undefined],
    ['genesysCustomAttributes', {}],
    // Event settings
    ['sendOnQueueEvent', false],
    ['sendOnActiveEvent', false],
  ],
  checkAgentAvailability: [
    ['chatwootInboxId', undefined],
    ['liveAgentInboxId', undefined],
    ['liveAgentSkills', undefined],
    ['liveAgentLanguages', undefined],
    ['genesysCloudSkills', undefined],
    ['genesysCloudProfileSkills', undefined],
    ['genesysCloudLanguageSkills', undefined],
    ['storeLocation', 'input'],
    ['inputKey', 'availableAgents'],
    ['contextKey', 'availableAgents'],
    ['errorLogging', 'none'],
    ['logWarning', undefined],
    ['abortOnError', false],
  ],
  closeHandover: [['closeHandoverInProvider', true]],
  handoverInactivityTimer: [['timer', undefined]],
};

const noService = new Proxy({}, { get: () => () => Promise.reject(new Error('not called')) }) as HandoverApi;

function measure(nodes: INodeDescriptor[]) {
  let total = 0;
  let sameKey = 0;
  let sameDefault = 0;
  const missing: string[] = [];
  const otherDefault: string[] = [];
  for (const [type, fields] of Object.entries(COGNIGY_FIELDS)) {
    const node = nodes.find((n) => n.type === type);
    for (const [key, cognigyDefault] of fields) {
      total++;
      const field = node?.fields?.find((f) => f.key === key);
      if (!field) {
        missing.push(`${type}.${key}`);
        continue;
      }
      sameKey++;
      if (JSON.stringify(field.defaultValue) === JSON.stringify(cognigyDefault)) sameDefault++;
      else
        otherDefault.push(
          `${type}.${key} (${JSON.stringify(field.defaultValue)} vs Cognigy ${JSON.stringify(cognigyDefault)})`,
        );
    }
  }
  return { total, sameKey, sameDefault, missing, otherDefault };
}

describe("Cognigy's node interface, measured on the built descriptors", () => {
  it("carries at least 90 % of Cognigy's field keys, at least 85 % with Cognigy's default", () => {
    const m = measure(createHandoverNodes({ service: noService }));
    const pct = (n: number) => Math.round((1000 * n) / m.total) / 10;
    console.log(
      `Cognigy field keys (Live Agent, Chatwoot, Genesys): ${m.sameKey}/${m.total} = ${pct(m.sameKey)} % under Cognigy's key, ` +
        `${m.sameDefault}/${m.total} = ${pct(m.sameDefault)} % with Cognigy's default. Missing: ${m.missing.join(', ') || 'none'}. ` +
        `Other default: ${m.otherDefault.join(', ') || 'none'}.`,
    );
    expect(m.total).toBe(42);
    expect(m.sameKey / m.total).toBeGreaterThanOrEqual(0.9);
    expect(m.sameDefault / m.total).toBeGreaterThanOrEqual(0.85);
  });

  it('measures the same with a gateway Connection and with a provider list (the form changes, not the keys)', () => {
    const a = measure(createHandoverNodes({ service: noService, connection: { type: 'handover-gateway' } }));
    const caps = defineCapabilities({ queuePosition: true, availability: true });
    const providers = [
      { id: 'la', name: 'Live Agent', type: 'chatwoot', capabilities: caps },
      { id: 'gen', name: 'Genesys', type: 'genesys', capabilities: caps },
    ];
    const b = measure(createHandoverNodes({ service: noService, providers }));
    expect(a).toEqual(b);
    const h = createHandoverNodes({ service: noService, providers }).find((n) => n.type === 'handoverToAgent')!;
    // Cognigy shows a provider's section only for that provider: here, by the provider's connector type.
    expect(h.sections!.find((s) => s.key === 'liveAgentSettings')!.condition).toEqual({
      key: 'providerId',
      value: ['la'],
    });
    expect(h.sections!.find((s) => s.key === 'genesysSettings')!.condition).toEqual({
      key: 'providerId',
      value: ['gen'],
    });
  });
});
