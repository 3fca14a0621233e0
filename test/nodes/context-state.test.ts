import type { INodeDescriptor } from '@cognigy/extension-tools';
import { describe, expect, it } from 'vitest';
import { createHandoverNodes, type HandoverApi, type HandoverView } from 'handover-kit';

/**
 * `context.handoverKit` (what the flow remembers of its handover) is written when it changes, and only
 * then: a message forwarded while the handover stays active leaves Cognigy no context change to store.
 */
describe('the handover state in the context', () => {
  async function forward(known: Record<string, unknown>, answer: Pick<HandoverView, 'status'>) {
    const handover = { id: 'h1', providerId: 'p', createdAt: 0, updatedAt: 0, inactivityCount: 0, attempts: [] };
    let sent = 0;
    const service = {
      sendUserMessage: async () => (
        sent++, { forwarded: true, duplicate: false, handover: { ...handover, ...answer } }
      ),
    } as unknown as HandoverApi;
    const lookup = createHandoverNodes({ service }).find((n) => n.type === 'lookupHandoverStatus') as INodeDescriptor;
    const written: unknown[] = [];
    const noop = () => {};
    const api = {
      say: noop,
      log: noop,
      addToInput: noop,
      setNextNode: noop,
      stopExecution: () => written.push('stopExecution'),
      addToContext: (key: string, value: unknown) => written.push([key, value]),
    };
    const context: Record<string, unknown> = { handoverKit: known };
    await lookup.function!({
      cognigy: { api, input: { userId: 'u', sessionId: 's', text: 'hi', inputId: 'i1' }, context } as never,
      config: { forwardUserInput: true },
      childConfigs: [],
      nodeId: 'n1',
    });
    expect(sent).toBe(1); // the message was forwarded (the bot stays quiet)
    return {
      written: written.filter((w) => w !== 'stopExecution'),
      stopped: written.includes('stopExecution'),
      context,
    };
  }

  it('is not written again while the handover is unchanged', async () => {
    const { written, stopped } = await forward(
      { handoverId: 'h1', providerId: 'p', status: 'active' },
      { status: 'active' },
    );
    expect(stopped).toBe(true);
    expect(written).toEqual([]);
  });

  it('is written when the answer changes it (queue → active)', async () => {
    const { written, context } = await forward(
      { handoverId: 'h1', providerId: 'p', status: 'queue' },
      { status: 'active' },
    );
    const state = { handoverId: 'h1', providerId: 'p', status: 'active' };
    expect(written).toEqual([['handoverKit', state]]);
    expect(context.handoverKit).toEqual(state);
  });
});
