import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { handoverEventSchema, type HandoverEvent } from 'handover-kit/contract';
import {
  emptyView,
  mapStreamMessage,
  type ConversationView,
  type MapOptions,
} from 'handover-kit/connectors/salesforce-miaw';

const DIR = new URL('../../fakes/salesforce-miaw/fixtures/', import.meta.url);
const CONV = '3f2b6a8e-5c1d-4e7f-9a0b-1c2d3e4f5a6b';

interface Fixture {
  source: string;
  event: string;
  id: string;
  data: Record<string, unknown>;
}

const fixture = (name: string): Fixture => JSON.parse(readFileSync(new URL(`${name}.json`, DIR), 'utf8')) as Fixture;
const message = (f: Fixture) => ({ event: f.event, id: f.id, data: JSON.stringify(f.data) });
const options = (o: Partial<MapOptions> = {}): MapOptions => ({
  forwardEvents: false,
  endChatWhenAgentLeaves: false,
  now: 1,
  ...o,
});

/** Feeds fixtures in order through the mapping, carrying the view, and returns every event. */
function run(names: string[], o: Partial<MapOptions> = {}, start: ConversationView = emptyView()) {
  let view = start;
  const events: HandoverEvent[] = [];
  for (const name of names) {
    const out = mapStreamMessage(message(fixture(name)), CONV, view, options(o));
    if (!out) continue;
    view = out.view;
    for (const e of out.events) events.push(handoverEventSchema.parse(e));
  }
  return { events, view };
}

describe('salesforce-miaw stream mapping (recorded-style fixtures)', () => {
  it('has a fixture for every documented event and each names its source', () => {
    const files = readdirSync(DIR).filter((f) => f.endsWith('.json'));
    expect(files.length).toBeGreaterThanOrEqual(18);
    for (const f of files) expect(fixture(f.replace(/\.json$/, '')).source.length).toBeGreaterThan(0);
  });

  it('maps a whole handover: estimated wait (no position), joined, typing, message, attachment', () => {
    const { events, view } = run([
      'routing-result-initial-ewt',
      'participant-changed-agent-joined',
      'typing-started',
      'typing-stopped',
      'message-agent-text',
      'message-end-user-echo',
      'message-agent-attachment',
      'delivery-acknowledgement',
      'read-acknowledgement',
    ]);
    expect(events.map((e) => e.type)).toEqual([
      'queue-updated',
      'agent-joined',
      'agent-typing',
      'agent-typing',
      'agent-message',
      'agent-message',
    ]);
    const [wait, joined, typingOn, typingOff, text, file] = events as [any, any, any, any, any, any];
    expect(wait.estimatedWaitMs).toBe(120_000);
    expect(wait.position).toBeUndefined(); // MIAW has no queue position
    expect(joined.agent).toEqual({ id: '005Hn00000AGENT1', name: 'Ana Agent' });
    expect([typingOn.typing, typingOff.typing]).toEqual([true, false]);
    expect(text.text).toBe('Hi, I am Ana. How can I help?');
    expect(text.occurredAt).toBe(1764970005012);
    expect(file.attachments).toEqual([
      { url: 'https://acme.file.force.com/label.pdf', type: 'file', name: 'label.pdf' },
    ]);
    expect(view.estimatedWaitMs).toBe(120_000);
    expect(new Set(events.map((e) => e.eventId)).size).toBe(events.length);
  });

  it('a transfer routing result makes the leaving agent re-queue the handover', () => {
    const { events } = run([
      'participant-changed-agent-joined',
      'routing-result-transfer',
      'participant-changed-agent-left',
    ]);
    expect(events.map((e) => e.type)).toEqual(['agent-joined', 'agent-left']);
    expect((events[1] as any).requeued).toBe(true);
  });

  it('an agent leaving outside a transfer does not end the handover, unless End Chat When Agent Leaves is on', () => {
    const plain = run(['participant-changed-agent-joined', 'participant-changed-agent-left']);
    expect(plain.events.map((e) => e.type)).toEqual(['agent-joined', 'agent-left']);
    expect((plain.events[1] as any).requeued).toBe(false);
    const ending = run(['participant-changed-agent-joined', 'participant-changed-agent-left'], {
      endChatWhenAgentLeaves: true,
    });
    expect(ending.events.map((e) => e.type)).toEqual(['agent-joined', 'agent-left', 'handover-completed']);
    expect(ending.view.ended).toBe(true);
  });

  it('a routing failure is a handover error with the reason', () => {
    const { events, view } = run(['routing-result-failure']);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      type: 'handover-error',
      code: 'routing-RoutingError',
      message: 'No queue matched the routing attributes',
    });
    expect(view.ended).toBe(true);
  });

  it('the close event (sample app) and a Closed routing work result (SDK: no close event) end it once', () => {
    for (const end of ['close-conversation', 'sdk-routing-work-result-closed']) {
      const { events, view } = run([
        'participant-changed-agent-joined',
        end,
        'close-conversation',
        'message-agent-text',
      ]);
      expect(events.map((e) => e.type)).toEqual(['agent-joined', 'handover-completed']);
      expect(view.ended).toBe(true);
    }
  });

  it("handles the SDK's names: one typing event, ping as keep-alive, progress indicators ignored", () => {
    const { events } = run(['sdk-ping', 'sdk-typing-indicator', 'sdk-progress-indicator']);
    expect(events.map((e) => [e.type, (e as any).typing])).toEqual([['agent-typing', true]]);
  });

  it('forwards other events to the flow only when Forward Events to the Flow is on', () => {
    expect(run(['third-party-session-status-changed']).events).toEqual([]);
    const { events } = run(['third-party-session-status-changed'], { forwardEvents: true });
    expect(events).toEqual([
      expect.objectContaining({
        type: 'provider-event',
        name: 'session-status-changed',
        data: { entryType: 'SessionStatusChanged', sessionStatus: 'Ended' },
      }),
    ]);
  });

  it('ignores events of another conversation, unknown names, malformed data and payloads', () => {
    const text = fixture('message-agent-text');
    expect(mapStreamMessage(message(text), '11111111-2222-4333-8444-555555555555', emptyView(), options())).toBeNull();
    expect(
      mapStreamMessage(
        {
          event: 'CONVERSATION_SOMETHING_NEW',
          id: '9',
          data: JSON.stringify({
            conversationId: CONV,
            conversationEntry: { entryType: 'Brand New', identifier: 'x' },
          }),
        },
        CONV,
        emptyView(),
        options(),
      ),
    ).toBeNull();
    expect(
      mapStreamMessage({ event: 'CONVERSATION_MESSAGE', id: '9', data: '{not json' }, CONV, emptyView(), options()),
    ).toBeNull();
    const broken = {
      ...text.data,
      conversationEntry: { ...(text.data.conversationEntry as object), entryPayload: '{oops' },
    };
    // A broken payload is no crash and no event (the entry only counts as seen).
    const out = mapStreamMessage(
      { event: 'CONVERSATION_MESSAGE', id: '9', data: JSON.stringify(broken) },
      CONV,
      emptyView(),
      options(),
    );
    expect(out?.events ?? []).toEqual([]);
  });

  it('an entry seen on the stream is not reported again by the catch-up; older catch-up entries are skipped', () => {
    const streamed = run(['participant-changed-agent-joined', 'message-agent-text']);
    const again = run(['message-agent-text'], { catchUp: true }, streamed.view);
    expect(again.events).toEqual([]);
    const older = run(['routing-result-initial-ewt'], { catchUp: true }, streamed.view);
    expect(older.events).toEqual([]); // transcripted before the newest entry handled
    const missed = run(['message-agent-attachment'], { catchUp: true }, streamed.view);
    expect(missed.events.map((e) => e.type)).toEqual(['agent-message']);
  });

  it('a repeated join of an agent already present emits nothing new', () => {
    const { events } = run(['participant-changed-agent-joined', 'participant-changed-agent-joined']);
    expect(events.map((e) => e.type)).toEqual(['agent-joined']);
  });
});
