import type { INodeDescriptor } from '@cognigy/extension-tools';
import { describe, expect, it } from 'vitest';
import { createHandoverNodes, type HandoverApi, type StartHandoverInput } from 'handover-kit';

/** What Handover to Agent asks the service for, from Cognigy's profile and input. */
describe('Handover to Agent: the start request', () => {
  async function startWith(cognigy: { profile?: Record<string, unknown>; input: Record<string, unknown> }) {
    const started: StartHandoverInput[] = [];
    const service = {
      startHandover: async (request: StartHandoverInput) => {
        started.push(request);
        const handover = { id: 'h', providerId: 'p', status: 'queue', createdAt: 0, updatedAt: 0 };
        return { alreadyInProgress: false, handover: { ...handover, inactivityCount: 0, attempts: [] } };
      },
    } as unknown as HandoverApi;
    const node = createHandoverNodes({ service }).find((n) => n.type === 'handoverToAgent') as INodeDescriptor;
    const noop = () => {};
    const api = { say: noop, log: noop, addToContext: noop, addToInput: noop, setNextNode: noop, stopExecution: noop };
    await node.function!({
      cognigy: { api, context: {}, ...cognigy } as never,
      config: { providerId: 'p' },
      childConfigs: [],
      nodeId: 'n1',
    });
    return started[0]!;
  }

  it("names the user from Cognigy's profile and passes the input's language as the locale", async () => {
    const request = await startWith({
      profile: { firstname: 'Ada', lastname: 'Lovelace', email: 'ada@example.com' },
      input: { userId: 'u1', sessionId: 's1', language: 'en-GB' },
    });
    expect(request.user).toEqual({ id: 'u1', name: 'Ada Lovelace', email: 'ada@example.com' });
    expect(request.locale).toBe('en-GB');
    expect(request.session).toEqual({ userId: 'u1', sessionId: 's1' });
  });

  it('without a profile or a language: the user id alone, no locale', async () => {
    const request = await startWith({ input: { userId: 'u1', sessionId: 's1' } });
    expect(request.user).toEqual({ id: 'u1' });
    expect('locale' in request).toBe(false);
    const named = await startWith({ profile: { lastname: 'Hopper' }, input: { userId: 'u2', sessionId: 's2' } });
    expect(named.user).toEqual({ id: 'u2', name: 'Hopper' });
  });
});
