import { afterEach, describe, expect, it } from 'vitest';
import { HandoverConfigError, UnauthorizedError, UnknownProviderError, createGatewayClient } from 'handover-kit';
import { startFakeCognigy, type FakeCognigy } from '../fakes/cognigy';
import { ADMIN_KEY, NODES_KEY, postJson, startTestGateway, type TestGateway } from './helpers';

describe('nodes API and gateway client', () => {
  let gw: TestGateway | undefined;
  let cognigy: FakeCognigy | undefined;
  afterEach(async () => {
    await gw?.close();
    await cognigy?.close();
    gw = cognigy = undefined;
  });

  it('lists providers for the node editor (ids, names, capabilities; never settings) to a nodes key', async () => {
    gw = await startTestGateway();
    const { request } = await import('undici');
    const res = await request(`${gw.url}/v1/providers`, { headers: { 'x-api-key': NODES_KEY } });
    const body = (await res.body.json()) as { providers: Array<Record<string, unknown>> };
    expect(res.statusCode).toBe(200);
    expect(body.providers).toEqual([
      expect.objectContaining({
        id: 'sim',
        type: 'simulated',
        capabilities: expect.objectContaining({ queuePosition: true }),
      }),
    ]);
    expect(body.providers[0]).not.toHaveProperty('settings');
    expect((await request(`${gw.url}/v1/providers`)).statusCode).toBe(401);
  });

  it('runs a handover end to end: one request per call, agent text notified, events injected with flowEventData', async () => {
    cognigy = await startFakeCognigy();
    gw = await startTestGateway({ cognigy });
    const session = { userId: 'u1', sessionId: 's1', urlToken: 'url-token-1' };
    const { client } = gw;

    const availability = await client.checkAvailability({ providerId: 'sim' });
    expect(availability).toMatchObject({ providerId: 'sim', available: true, agentsAvailable: 1 });
    const started = await client.startHandover({ providerId: 'sim', session, behaviour: { sendActiveEvent: true } });
    expect(started).toMatchObject({ alreadyInProgress: false, handover: { status: 'queue', providerId: 'sim' } });
    const again = await client.startHandover({ providerId: 'sim', session });
    expect(again.alreadyInProgress).toBe(true);

    const center = gw.centers.get('main');
    const conv = center.accept('anna');
    center.say('anna', conv.id, 'Hello, I am Anna');
    await cognigy.waitFor((f) => f.texts(session).length === 1, 5_000, 'the agent text');
    expect(cognigy.texts(session)).toEqual(['Hello, I am Anna']);
    expect(cognigy.events(session).map((e) => e.status)).toEqual(['active']);
    const notify = cognigy.calls.find((c) => c.kind === 'notify')!;
    expect(notify.body).toMatchObject({
      URLToken: 'url-token-1',
      userId: 'u1',
      sessionId: 's1',
      text: 'Hello, I am Anna',
    });
    const inject = cognigy.calls.find((c) => c.kind === 'inject')!;
    expect(inject.body.text).toBe('');
    expect(inject.body.data).toEqual({
      handoverKit: {
        version: 1,
        messageId: expect.any(String),
        handover: expect.objectContaining({ status: 'active', providerId: 'sim' }),
      },
    });

    const relayed = await client.sendUserMessage({ session, text: 'Hi Anna', messageId: 'in-1' });
    expect(relayed).toMatchObject({ forwarded: true, duplicate: false, handover: { status: 'active' } });
    expect(center.conversation(conv.id)!.messages.at(-1)!.text).toBe('Hi Anna');
    expect((await client.getHandover({ session }))?.status).toBe('active');
    expect(await client.getHandover({ handoverId: 'ho_nope' })).toBeNull();
    const armed = await client.setInactivity({ session, minutes: 5 });
    expect(armed.armed).toBe(true);
    const closed = await client.closeHandover({ session });
    expect(closed).toMatchObject({ closed: true, handover: { status: 'completed' } });
    expect((await client.closeHandover({ session })).closed).toBe(false);
    expect(client.requestCount).toBe(9); // one HTTP request per call
  });

  it('rebuilds typed errors: unknown provider, a bad body naming the field, a missing key', async () => {
    gw = await startTestGateway();
    await expect(gw.client.checkAvailability({ providerId: 'nope' })).rejects.toSatisfy(
      (e) => UnknownProviderError.isInstance(e) && (e as UnknownProviderError).providerId === 'nope',
    );
    const bad = await gw.client
      .setInactivity({ session: { userId: 'u', sessionId: 's' }, minutes: -1 })
      .catch((e) => e);
    expect(HandoverConfigError.isInstance(bad)).toBe(true);
    expect((bad as HandoverConfigError).field).toBe('minutes');
    const anonymous = createGatewayClient({ url: gw.url, apiKey: 'not-a-key-of-this-gateway' });
    await expect(anonymous.getHandover({ handoverId: 'x' })).rejects.toSatisfy((e) => UnauthorizedError.isInstance(e));
    await anonymous.close();
  });

  it('answers 400 naming the field, 401 without a key, and accepts admin keys and Bearer auth', async () => {
    gw = await startTestGateway();
    const badField = await postJson(
      `${gw.url}/v1/handover/start`,
      { providerId: 'sim', session: { userId: '', sessionId: 's' } },
      NODES_KEY,
    );
    expect(badField.status).toBe(400);
    expect(badField.json.error.code).toBe('invalid_config');
    expect(badField.json.error.details.issues[0].path).toBe('session.userId');
    expect((await postJson(`${gw.url}/v1/handover/get`, { handoverId: 'x' })).status).toBe(401);
    expect((await postJson(`${gw.url}/v1/handover/get`, { handoverId: 'x' }, ADMIN_KEY)).status).toBe(200);
    const bearer = await fetch(`${gw.url}/v1/handover/get`, {
      method: 'POST',
      headers: { authorization: `Bearer ${NODES_KEY}`, 'content-type': 'application/json' },
      body: '{"handoverId":"x"}',
    });
    expect(bearer.status).toBe(200);
    expect(await bearer.json()).toEqual({ handover: null });
    expect(bearer.headers.get('x-request-id')).toBeTruthy();
  });
});
