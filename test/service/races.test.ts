import { describe, expect, it } from 'vitest';
import { session, setup } from './helpers';

/** The center's own events go nowhere (webhook mode, no URL): the kit hears of the close only if it asks. */
const silentCenter = [
  {
    id: 'sim',
    name: 'Sim',
    type: 'simulated',
    settings: { delivery: 'webhook', webhookSecret: 'secret-for-tests-0001' },
  },
];

describe('the end race: the agent closes while the user is writing', () => {
  it('a message refused because the agent just closed goes back to the flow, with one terminal status', async () => {
    const { service, center, delivery } = await setup(undefined, silentCenter);
    await service.startHandover({ providerId: 'sim', session, behaviour: { sendResolveEvent: true } });
    const conv = center.accept('anna');
    // The agent closes; the close has not reached the kit when the user's message goes out.
    center.resolve('anna', conv.id);
    expect((await service.getHandover({ session }))!.status).toBe('queue'); // it never heard the agent join either
    const outcome = await service.sendUserMessage({ session, text: 'one more question', messageId: 'in-1' });
    expect(outcome).toMatchObject({ forwarded: false, returned: true, handover: { status: 'completed' } });
    expect(center.conversation(conv.id)!.messages.map((m) => m.text)).not.toContain('one more question');
    // The center's own end event, arriving late (or a cancel, disagreeing), changes nothing.
    const late = await service.ingest('sim', [
      { type: 'handover-completed', by: 'agent', conversationId: conv.id, eventId: 'late-end', occurredAt: 5 },
      { type: 'handover-cancelled', by: 'agent', conversationId: conv.id, eventId: 'late-cancel', occurredAt: 6 },
    ]);
    expect(late.accepted + late.rejected).toBe(2);
    expect((await service.getHandover({ session }))!.status).toBe('completed');
    expect(delivery.events(session).filter((e) => e.status === 'completed' || e.status === 'cancelled')).toEqual([]);
    // The next message is the bot's as well.
    expect(await service.sendUserMessage({ session, text: 'hello?' })).toMatchObject({ forwarded: false });
  });

  it('a refusal while the conversation is still open is an error, never a silent drop: the retry reaches the agent', async () => {
    const { service, center } = await setup(undefined, silentCenter);
    await service.startHandover({ providerId: 'sim', session });
    const conv = center.accept('anna');
    center.failNext('send', { status: 409 }, 3); // every try the service makes
    await expect(service.sendUserMessage({ session, text: 'are you there?', messageId: 'in-2' })).rejects.toMatchObject(
      { code: 'vendor_error' },
    );
    expect((await service.getHandover({ session }))!.status).toBe('queue');
    // The same message again (Cognigy retries the input, or the user resends): not taken for a duplicate.
    expect(await service.sendUserMessage({ session, text: 'are you there?', messageId: 'in-2' })).toMatchObject({
      forwarded: true,
      duplicate: false,
    });
    expect(center.conversation(conv.id)!.messages.filter((m) => m.text === 'are you there?')).toHaveLength(1);
  });

  it('a close forced between the send and its answer: the message is delivered before the close, never both or neither', async () => {
    const { service, center } = await setup(undefined, silentCenter);
    await service.startHandover({ providerId: 'sim', session });
    const conv = center.accept('anna');
    // Failure injection: the send hangs in the center; the agent closes while it is in flight.
    center.failNext('send', { status: 200, delayMs: 1 });
    const sending = service.sendUserMessage({ session, text: 'in flight', messageId: 'in-3' });
    center.resolve('anna', conv.id);
    const outcome = await sending;
    const reachedAgent = center.conversation(conv.id)!.messages.some((m) => m.text === 'in flight');
    // Exactly one of: forwarded to the agent (before the close), or handed back to the flow.
    expect(reachedAgent).toBe(outcome.forwarded);
    expect(outcome.forwarded || outcome.returned === true).toBe(true);
  });

  it('a crash right after the contact center took the message: the retry is not dropped as seen, the agent gets it once', async () => {
    const { service, center, kit } = await setup(undefined, silentCenter);
    await service.startHandover({ providerId: 'sim', session });
    const conv = center.accept('anna');
    const store = kit.registry.store;
    const mark = store.markSeen.bind(store);
    store.markSeen = async () => {
      throw new Error('connection lost'); // the instance died after the send, before the mark
    };
    await expect(service.sendUserMessage({ session, text: 'did you get this?', messageId: 'in-4' })).rejects.toThrow();
    store.markSeen = mark;
    expect(await service.sendUserMessage({ session, text: 'did you get this?', messageId: 'in-4' })).toMatchObject({
      forwarded: true,
    });
    expect(center.conversation(conv.id)!.messages.filter((m) => m.text === 'did you get this?')).toHaveLength(1);
    expect(await service.sendUserMessage({ session, text: 'did you get this?', messageId: 'in-4' })).toMatchObject({
      forwarded: true,
      duplicate: true,
    });
  });
});
