import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'eventemitter3';
import { toHandoverError, type Clock } from '../../contract';
import { systemClock } from '../../clock';
import { createFlowTester, type ExecutionRecord, type FlowTester, type TestFlow } from '../../testing/flow/tester';
import type { ChatSession } from '../../testing/flow/session';
import { AVAILABILITY_CHILDREN, LOOKUP_CASES } from '../../../nodes';
import { SimulatedVendorError, type SimConversation, type SimulatedContactCenter } from '../../../connectors/simulated';
import { HttpStatusError } from '../http/errors';
import { sampleFlow } from './flow';
import type { AgentAction, ChatLine, DeskConversation, PlaygroundState, TimelineEntry } from './types';

export interface PlaygroundOptions {
  /** Seconds between queue updates while the customer waits (default 10, at least 5). */
  queueUpdateSeconds?: number;
  /** Seconds of customer silence before the inactivity event (default 60); the second one closes. */
  inactivitySeconds?: number;
  /** Customer sessions kept at once (default 20; the oldest goes first). */
  maxSessions?: number;
  /** The agent's display name (default "Alex"). */
  agentName?: string;
  /** Default: the real clock. */
  clock?: Clock;
}

export const PLAYGROUND_PROVIDER = 'playground';
export const PLAYGROUND_AGENT = 'you';
export const PLAYGROUND_QUEUES = [
  { id: 'support', name: 'Support', averageHandleTimeSec: 120 },
  { id: 'billing', name: 'Billing', averageHandleTimeSec: 180 },
];
const TIMELINE_LIMIT = 200;
const BRANCH_LABELS: Record<string, string> = Object.fromEntries(
  [...LOOKUP_CASES, ...AVAILABILITY_CHILDREN].map((c) => [c.child, c.label]),
);

interface Visit {
  id: string;
  chat: ChatSession;
  /** When each transcript line was first seen (the transcript only grows). */
  seenAt: number[];
  timeline: TimelineEntry[];
  executions: number;
}

/**
 * The playground: a sample flow of the five handover nodes, run by the flow tester's runtime on the
 * real clock against an in-process handover service and an embedded simulated contact center, with
 * an agent desk acting on that center. Each browser page is one customer session.
 */
export class Playground extends EventEmitter<{ change: []; close: [] }> {
  readonly settings: { queueUpdateSeconds: number; inactivitySeconds: number };
  private readonly sessions = new Map<string, Visit>();
  private readonly typing = new Set<string>();
  private visitors = 0;
  private pending?: ReturnType<typeof setTimeout>;
  private readonly tick: ReturnType<typeof setInterval>;
  private closed = false;
  private tester!: FlowTester<Clock>;
  private flow!: TestFlow;

  private constructor(private readonly options: PlaygroundOptions) {
    super();
    this.settings = {
      queueUpdateSeconds: clamp(options.queueUpdateSeconds ?? 10, 5, 3600),
      inactivitySeconds: clamp(options.inactivitySeconds ?? 60, 5, 86_400),
    };
    // A slow heartbeat of state, for what changes without an event (the waiting time shown).
    this.tick = setInterval(() => this.listenerCount('change') > 0 && this.emit('change'), 2_000);
    this.tick.unref?.();
  }

  static async create(options: PlaygroundOptions = {}): Promise<Playground> {
    const playground = new Playground(options);
    await playground.init();
    return playground;
  }

  private async init() {
    this.tester = await createFlowTester({
      clock: this.options.clock ?? systemClock,
      providers: [
        { id: PLAYGROUND_PROVIDER, name: 'Playground desk', type: 'simulated', settings: { center: 'playground' } },
      ],
      centers: {
        playground: {
          queues: PLAYGROUND_QUEUES,
          agents: [{ id: PLAYGROUND_AGENT, name: this.options.agentName ?? 'Alex', capacity: 3 }],
        },
      },
      intents: { cancel: /^\s*cancel\s*$/i },
      onExecution: (record) => this.record(record),
    });
    this.flow = this.tester.flow(sampleFlow({ providerId: PLAYGROUND_PROVIDER, ...this.settings }));
    this.center.on('change', () => this.changed());
  }

  get center(): SimulatedContactCenter {
    return this.tester.center('playground');
  }

  /** Opens a customer session (one per page); the oldest goes when there are too many. */
  createSession(): string {
    const id = randomBytes(9).toString('base64url');
    const n = ++this.visitors;
    const chat = this.flow.session({
      userId: `visitor-${n}`,
      sessionId: id,
      profile: { firstname: 'Visitor', lastname: String(n) },
    });
    this.sessions.set(id, { id, chat, seenAt: [], timeline: [], executions: 0 });
    const max = this.options.maxSessions ?? 20;
    for (const old of this.sessions.keys()) if (this.sessions.size > max) this.sessions.delete(old);
    return id;
  }

  has(id: string): boolean {
    return this.sessions.has(id);
  }

  /** The customer writes. Flow errors are not thrown: the timeline shows them. */
  async say(id: string, text: string): Promise<void> {
    const visit = this.require(id);
    await visit.chat.send(text).catch(() => {});
    await this.settle();
  }

  /** The agent at the desk acts on the simulated center. */
  async act(a: AgentAction): Promise<void> {
    const c = this.center;
    const me = PLAYGROUND_AGENT;
    try {
      if (a.action === 'status') c.setAgentStatus(me, a.status);
      else if (a.action === 'accept') c.accept(me, a.conversationId);
      else if (a.action === 'typing') {
        c.typing(me, a.conversationId, a.on);
        if (a.on) this.typing.add(a.conversationId);
        else this.typing.delete(a.conversationId);
      } else {
        if (this.typing.delete(a.conversationId)) c.typing(me, a.conversationId, false);
        if (a.action === 'say') c.say(me, a.conversationId, a.text);
        else if (a.action === 'transfer') c.transfer(me, a.conversationId, a.queueId);
        else c.resolve(me, a.conversationId);
      }
    } catch (error) {
      if (error instanceof SimulatedVendorError)
        throw new HttpStatusError(error.status === 404 ? 404 : 409, error.message);
      throw error;
    }
    await this.settle();
  }

  /** Everything the page shows for session `id`. */
  async state(id: string): Promise<PlaygroundState> {
    const visit = this.require(id);
    const chat = visit.chat;
    const view = await chat.handover();
    const now = (this.options.clock ?? systemClock).now();
    const transcript: ChatLine[] = chat.transcript.map((l, i) => ({
      from: l.from,
      text: l.text,
      ...('agent' in l && l.agent ? { agent: l.agent } : {}),
      at: (visit.seenAt[i] ??= now),
    }));
    return {
      session: {
        id,
        userId: chat.userId,
        transcript,
        // The handover's Cancel only means something while queued: gone once an agent joins or the chat ends.
        quickReplies:
          view?.status === 'active' || (view && FINISHED.has(view.status)) ? [] : quickRepliesOf(chat.transcript),
        agentTyping: chat.typing.at(-1) === true && view?.status === 'active',
        handover: view
          ? {
              status: view.status,
              ...(view.queuePosition !== undefined ? { position: view.queuePosition } : {}),
              ...(view.estimatedWaitMs !== undefined ? { estimatedWaitMs: view.estimatedWaitMs } : {}),
              ...(view.agent?.name ? { agent: view.agent.name } : {}),
            }
          : null,
      },
      timeline: visit.timeline,
      desk: this.desk(chat.userId),
      settings: this.settings,
    };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.tick);
    if (this.pending) clearTimeout(this.pending);
    this.emit('close');
    this.removeAllListeners();
    await this.tester.close().catch(() => {});
  }

  private desk(userId: string) {
    const c = this.center;
    const agent = c.listAgents().find((a) => a.id === PLAYGROUND_AGENT)!;
    const view = (conv: SimConversation, position?: number): DeskConversation => {
      const estimate = position ? c.estimateWait(conv.queueId, conv.routing, position) : undefined;
      return {
        id: conv.id,
        user: conv.user.name || conv.user.id,
        queueId: conv.queueId,
        status: conv.status,
        ...(position ? { position } : {}),
        ...(estimate !== undefined ? { estimatedWaitMs: estimate } : {}),
        enqueuedAt: conv.enqueuedAt,
        agentTyping: this.typing.has(conv.id),
        messages: conv.messages.map((m) => ({
          id: m.id,
          from: /^t\d+$/.test(m.id) ? 'history' : m.from,
          text: m.text,
          at: m.at,
        })),
        mine: conv.user.id === userId,
      };
    };
    const all = c.listConversations();
    return {
      agent: { id: agent.id, name: agent.name, status: agent.status },
      queues: PLAYGROUND_QUEUES.map((q) => ({
        id: q.id,
        name: q.name,
        waiting: c.waiting(q.id).map((conv, i) => view(conv, i + 1)),
      })),
      active: all
        .filter((conv) => conv.status === 'active' && conv.agentId === PLAYGROUND_AGENT)
        .map((conv) => view(conv)),
      ended: all
        .filter((conv) => conv.status !== 'active' && conv.status !== 'queue')
        .slice(-5)
        .reverse()
        .map((conv) => view(conv)),
    };
  }

  private record(r: ExecutionRecord) {
    const visit = this.sessions.get(r.sessionId);
    if (!visit) return;
    const h = r.handover;
    const data = (h?.data ?? {}) as Record<string, any>;
    const entry: TimelineEntry = {
      n: ++visit.executions,
      at: this.tester.clock.now(),
      trigger: r.trigger,
      ...(r.trigger === 'user' && typeof r.input.text === 'string' ? { text: r.input.text } : {}),
      ...(h
        ? {
            handover: compact({
              status: h.status,
              eventType: h.eventType,
              position: data.position,
              estimatedWaitTime: data.estimatedWaitTime,
              agent: data.agent?.name,
              text: data.text,
              inactivityCount: h.inactivityCount,
              error: h.error?.message,
            }) as TimelineEntry['handover'],
          }
        : {}),
      steps: r.steps.map((s) => ({
        node: s.nodeId,
        label: s.label,
        ...(s.branch ? { branch: BRANCH_LABELS[s.branch] ?? s.branch } : {}),
        ...(s.stopped ? { stopped: true } : {}),
      })),
      ...(r.error !== undefined ? { error: toHandoverError(r.error).message } : {}),
    };
    visit.timeline.push(entry);
    if (visit.timeline.length > TIMELINE_LIMIT) visit.timeline.splice(0, visit.timeline.length - TIMELINE_LIMIT);
    this.changed();
  }

  private require(id: string): Visit {
    const visit = this.sessions.get(id);
    if (!visit) throw new HttpStatusError(404, 'No such playground session (it may have been replaced by newer ones)');
    return visit;
  }

  /** Lets the flow and the service finish what an action set off; failures are in the timeline. */
  private async settle() {
    await this.tester.settle().catch(() => {});
    this.changed();
  }

  /** Tells the pages, once the service has finished what is in flight (coalesced). */
  private changed() {
    if (this.pending || this.closed) return;
    this.pending = setTimeout(() => {
      this.pending = undefined;
      const tell = () => void (!this.closed && this.emit('change'));
      this.tester.kit.service.idle().then(tell, tell);
    }, 15);
  }
}

/** A handover that is over: its Cancel quick reply means nothing any more. */
const FINISHED = new Set(['completed', 'cancelled', 'error']);

function quickRepliesOf(lines: ChatSession['transcript']): string[] {
  for (let i = lines.length - 1; i >= 0; i--) {
    const line = lines[i]!;
    if (line.from === 'user' || line.from === 'agent') return [];
    const qr = line.from === 'bot' ? (line.data as any)?._cognigy?._default?._quickReplies?.quickReplies : undefined;
    if (Array.isArray(qr)) return qr.map((q: { title?: unknown }) => String(q.title ?? '')).filter(Boolean);
  }
  return [];
}

function clamp(n: number, min: number, max: number) {
  return Math.min(max, Math.max(min, Number.isFinite(n) ? n : min));
}

function compact<T extends Record<string, unknown>>(o: T): Partial<T> {
  return Object.fromEntries(
    Object.entries(o).filter(([, v]) => v !== undefined && v !== null && v !== ''),
  ) as Partial<T>;
}
