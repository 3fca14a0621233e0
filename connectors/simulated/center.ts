import { EventEmitter } from 'eventemitter3';
import {
  AgentsUnavailableError,
  type AvailabilityResult,
  type Clock,
  type HandoverEvent,
  type Routing,
  type StartHandoverRequest,
  type StatusResult,
} from 'handover-kit/contract';
import { systemClock } from '../../src/clock';
import { nextOpening, openState } from './hours';
import {
  PRIORITY_RANK,
  SimulatedVendorError,
  agentConfigSchema,
  agentMatches,
  agentView,
  centerConfigSchema,
  type AgentConfig,
  type AgentState,
  type AgentStatus,
  type CenterConfig,
  type SimConversation,
  type SimMessage,
  type SimOperation,
  type SimulatedFailure,
} from './model';

type EventBody = HandoverEvent extends infer E
  ? E extends HandoverEvent
    ? Omit<E, 'conversationId' | 'eventId' | 'occurredAt' | 'sequence'>
    : never
  : never;

export interface CenterEvents {
  /** Every event, tagged with the provider that owns the conversation. */
  event: [owner: string, event: HandoverEvent];
  /** A user (or system) message reached a conversation. */
  'user-message': [conversation: SimConversation, message: SimMessage];
  /** Any change (for desks and dashboards). */
  change: [];
}

/**
 * An in-process contact center: queues with business hours, agents with skills, languages,
 * capacity and status, priority routing, queue positions and wait estimates, and a control API to
 * act as an agent. All time comes from the injected clock.
 */
export class SimulatedContactCenter extends EventEmitter<CenterEvents> {
  readonly clock: Clock;
  private readonly config: ReturnType<typeof centerConfigSchema.parse>;
  private readonly agents = new Map<string, AgentState>();
  private readonly conversations = new Map<string, SimConversation>();
  private readonly byIdempotencyKey = new Map<string, string>();
  /** Indexes kept in step with conversation status, so routing stays cheap with many conversations. */
  private readonly waitingIds = new Map<string, Set<string>>();
  private readonly activeCount = new Map<string, number>();
  private readonly failures: Array<{ op: SimOperation | 'any'; failure: SimulatedFailure; remaining: number }> = [];
  private nextId = 1;

  constructor(config: CenterConfig = {}, clock: Clock = systemClock) {
    super();
    this.clock = clock;
    this.config = centerConfigSchema.parse(config);
    for (const a of this.config.agents) this.agents.set(a.id, a);
  }

  // ---- configuration and control -------------------------------------------------------------

  get queueIds(): string[] {
    return this.config.queues.map((q) => q.id);
  }

  addAgent(config: AgentConfig): AgentState {
    const agent = agentConfigSchema.parse(config);
    this.agents.set(agent.id, agent);
    this.route();
    return agent;
  }

  listAgents(): AgentState[] {
    return [...this.agents.values()].map((a) => ({ ...a }));
  }

  setAgentStatus(agentId: string, status: AgentStatus): void {
    this.requireAgent(agentId).status = status;
    this.route();
  }

  /** Makes the next `count` calls of `op` fail the way a vendor would (401, 404, 429 + Retry-After, 5xx, slow). */
  failNext(op: SimOperation | 'any', failure: SimulatedFailure, count = 1): void {
    this.failures.push({ op, failure, remaining: count });
  }

  conversation(id: string): SimConversation | undefined {
    return this.conversations.get(id);
  }

  listConversations(filter: { status?: SimConversation['status']; owner?: string } = {}): SimConversation[] {
    return [...this.conversations.values()].filter(
      (c) => (!filter.status || c.status === filter.status) && (!filter.owner || c.owner === filter.owner),
    );
  }

  /** Waiting conversations of a queue, in routing order (priority, then arrival). */
  waiting(queueId: string): SimConversation[] {
    return [...(this.waitingIds.get(queueId) ?? [])]
      .map((id) => this.conversations.get(id)!)
      .sort(
        (a, b) =>
          PRIORITY_RANK[b.priority] - PRIORITY_RANK[a.priority] ||
          a.enqueuedAt - b.enqueuedAt ||
          a.id.localeCompare(b.id),
      );
  }

  // ---- what the connector calls ----------------------------------------------------------------

  async checkAvailability(routing: Routing): Promise<AvailabilityResult> {
    await this.maybeFail('availability');
    const queueId = this.resolveQueue(routing.queue);
    const queue = this.queueConfig(queueId);
    const now = this.clock.now();
    const state = openState(queue.businessHours, now);
    const queueLength = this.waiting(queueId).length;
    if (!state.open) {
      const next = nextOpening(queue.businessHours, now);
      return {
        available: false,
        reason: state.reason,
        agentsAvailable: 0,
        queueLength,
        ...(next !== undefined ? { nextOpenAt: next } : {}),
      };
    }
    if (queue.maxQueueLength !== undefined && queueLength >= queue.maxQueueLength) {
      return {
        available: false,
        reason: 'queue-full',
        agentsAvailable: this.onlineAgents(queueId, routing).length,
        queueLength,
      };
    }
    // As in Cognigy: agents count as available when they are online (status available) and match,
    // even if busy with chats; their load shows in the wait estimate instead.
    const online = this.onlineAgents(queueId, routing).length;
    const estimate = this.estimateWait(queueId, routing, queueLength + 1);
    return {
      available: online > 0,
      ...(online > 0 ? {} : { reason: 'no-agents' as const }),
      agentsAvailable: online,
      queueLength,
      ...(estimate !== undefined ? { estimatedWaitMs: estimate } : {}),
    };
  }

  async start(owner: string, request: StartHandoverRequest): Promise<SimConversation> {
    await this.maybeFail('start');
    const known = this.byIdempotencyKey.get(request.idempotencyKey);
    if (known) return this.conversations.get(known)!;
    const queueId = this.resolveQueue(request.routing.queue);
    const queue = this.queueConfig(queueId);
    const now = this.clock.now();
    const state = openState(queue.businessHours, now);
    if (!state.open && this.config.rejectWhenClosed) throw new AgentsUnavailableError(state.reason);
    if (queue.maxQueueLength !== undefined && this.waiting(queueId).length >= queue.maxQueueLength)
      throw new AgentsUnavailableError('queue-full');
    const conv: SimConversation = {
      id: `conv-${this.nextId++}`,
      owner,
      queueId,
      status: 'queue',
      user: request.user,
      routing: request.routing,
      priority: request.routing.priority ?? 'none',
      enqueuedAt: now,
      messages: request.transcript.map((t, i) => ({
        id: `t${i}`,
        from: t.role === 'agent' ? 'agent' : t.role === 'system' ? 'system' : 'user',
        text: `[${t.role}] ${t.text}`,
        at: t.at ?? now,
      })),
      transcript: request.transcript,
      customAttributes: request.customAttributes,
      ...(request.locale ? { locale: request.locale } : {}),
      seq: 0,
      seenMessageIds: new Set(),
    };
    this.conversations.set(conv.id, conv);
    this.byIdempotencyKey.set(request.idempotencyKey, conv.id);
    this.waitingSet(queueId).add(conv.id);
    this.publishQueue(queueId);
    this.route();
    return conv;
  }

  async userMessage(
    conversationId: string,
    messageId: string,
    text: string,
    kind: 'user' | 'system' = 'user',
  ): Promise<{ duplicate: boolean }> {
    await this.maybeFail('send');
    const conv = this.requireConversation(conversationId);
    if (conv.seenMessageIds.has(messageId)) return { duplicate: true };
    if (conv.status !== 'queue' && conv.status !== 'active')
      throw new SimulatedVendorError(409, `Conversation ${conv.id} is ${conv.status}`);
    conv.seenMessageIds.add(messageId);
    const message: SimMessage = {
      id: messageId,
      from: kind === 'system' ? 'system' : 'user',
      text,
      at: this.clock.now(),
    };
    conv.messages.push(message);
    this.emit('user-message', conv, message);
    this.emit('change');
    return { duplicate: false };
  }

  async status(conversationId: string): Promise<StatusResult> {
    await this.maybeFail('status');
    const conv = this.requireConversation(conversationId);
    const result: StatusResult = { status: conv.status };
    if (conv.status === 'queue') {
      const position = this.positionOf(conv);
      result.queuePosition = position;
      const estimate = this.estimateWait(conv.queueId, conv.routing, position);
      if (estimate !== undefined) result.estimatedWaitMs = estimate;
    }
    const agent = conv.agentId ? this.agents.get(conv.agentId) : undefined;
    if (agent && conv.status === 'active') result.agent = agentView(agent);
    return result;
  }

  /** Closing from the bot side: a waiting conversation is cancelled, a live one completed. */
  async close(
    conversationId: string,
    reason: 'user-cancelled' | 'bot-closed' | 'inactivity' | 'timeout',
  ): Promise<{ alreadyClosed: boolean }> {
    await this.maybeFail('close');
    const conv = this.requireConversation(conversationId);
    if (conv.status !== 'queue' && conv.status !== 'active') return { alreadyClosed: true };
    const wasQueued = conv.status === 'queue';
    if (reason === 'user-cancelled') this.finish(conv, 'cancelled', { type: 'handover-cancelled', by: 'user' });
    else
      this.finish(conv, 'completed', { type: 'handover-completed', by: reason === 'bot-closed' ? 'bot' : 'timeout' });
    if (wasQueued) this.publishQueue(conv.queueId);
    return { alreadyClosed: false };
  }

  // ---- acting as an agent ----------------------------------------------------------------------

  /** The agent takes a waiting conversation (the given one, or the next it can serve). */
  accept(agentId: string, conversationId?: string): SimConversation {
    const agent = this.requireAgent(agentId);
    const conv = conversationId
      ? this.requireConversation(conversationId)
      : this.config.queues.flatMap((q) => this.waiting(q.id)).find((c) => agentMatches(agent, c.queueId, c.routing));
    if (!conv) throw new SimulatedVendorError(404, `No waiting conversation for agent ${agentId}`);
    if (conv.status !== 'queue') throw new SimulatedVendorError(409, `Conversation ${conv.id} is ${conv.status}`);
    this.assign(conv, agent);
    return conv;
  }

  say(agentId: string, conversationId: string, text: string): void {
    const conv = this.requireActive(agentId, conversationId);
    const id = `m${conv.messages.length + 1}`;
    conv.messages.push({ id, from: 'agent', text, at: this.clock.now(), agentId });
    this.publish(conv, { type: 'agent-message', text, agent: agentView(this.requireAgent(agentId)) });
  }

  typing(agentId: string, conversationId: string, typing: boolean): void {
    const conv = this.requireActive(agentId, conversationId);
    this.publish(conv, { type: 'agent-typing', typing, agent: agentView(this.requireAgent(agentId)) });
  }

  /** Sends the conversation back to a queue (this or another): the user waits again. */
  transfer(agentId: string, conversationId: string, toQueueId?: string): void {
    const conv = this.requireActive(agentId, conversationId);
    const target = this.resolveQueue(toQueueId ?? conv.queueId);
    conv.enqueuedAt = this.clock.now();
    this.setStatus(conv, 'queue', target);
    this.publish(conv, { type: 'agent-left', agent: agentView(this.requireAgent(agentId)), requeued: true });
    this.publishQueue(target);
    this.route();
  }

  /** The agent resolves the conversation. */
  resolve(agentId: string, conversationId: string): void {
    const conv = this.requireActive(agentId, conversationId);
    this.finish(conv, 'completed', { type: 'handover-completed', by: 'agent' });
    this.route();
  }

  /** The center fails the conversation (routing error). */
  fail(conversationId: string, message = 'Routing failed'): void {
    const conv = this.requireConversation(conversationId);
    if (conv.status !== 'queue' && conv.status !== 'active') return;
    this.finish(conv, 'error', { type: 'handover-error', code: 'routing_failed', message });
  }

  /** Forwards a vendor-specific event to the flow (Cognigy's "Events" case). */
  providerEvent(conversationId: string, name: string, data?: Record<string, unknown>, text?: string): void {
    this.publish(this.requireConversation(conversationId), {
      type: 'provider-event',
      name,
      ...(data ? { data } : {}),
      ...(text ? { text } : {}),
    });
  }

  /** Matching agents who are online (status `available`), busy or not. */
  onlineAgents(queueId: string, routing: Routing): AgentState[] {
    return [...this.agents.values()].filter((a) => a.status === 'available' && agentMatches(a, queueId, routing));
  }

  /** Agents free to take this conversation now. */
  freeAgents(queueId: string, routing: Routing): AgentState[] {
    return [...this.agents.values()].filter(
      (a) => a.status === 'available' && agentMatches(a, queueId, routing) && this.load(a.id) < a.capacity,
    );
  }

  positionOf(conv: SimConversation): number {
    return this.waiting(conv.queueId).findIndex((c) => c.id === conv.id) + 1;
  }

  /**
   * Wait estimate: the conversations ahead beyond the free slots, handled in parallel by the
   * matching agents' capacity, each taking the queue's average handle time.
   */
  estimateWait(queueId: string, routing: Routing, position: number): number | undefined {
    const matching = [...this.agents.values()].filter(
      (a) => a.status !== 'offline' && agentMatches(a, queueId, routing),
    );
    const capacity = matching.reduce((sum, a) => sum + a.capacity, 0);
    if (capacity === 0) return undefined;
    const free = matching
      .filter((a) => a.status === 'available')
      .reduce((sum, a) => sum + Math.max(0, a.capacity - this.load(a.id)), 0);
    const aht = (this.queueConfig(queueId).averageHandleTimeSec ?? 300) * 1000;
    return Math.round((Math.max(0, position - free) * aht) / capacity);
  }

  // ---- internals ------------------------------------------------------------------------------

  private assign(conv: SimConversation, agent: AgentState) {
    conv.agentId = agent.id;
    this.setStatus(conv, 'active');
    this.publish(conv, { type: 'agent-joined', agent: agentView(agent) });
    this.publishQueue(conv.queueId);
  }

  /** With push routing, hands waiting conversations to free agents; then tells listeners (scripted agents). */
  private route() {
    if (this.config.autoAssign) {
      for (const queue of this.config.queues) {
        for (const conv of this.waiting(queue.id)) {
          const agent = this.freeAgents(queue.id, conv.routing)[0];
          if (agent) this.assign(conv, agent);
        }
      }
    }
    this.emit('change');
  }

  private finish(conv: SimConversation, status: 'completed' | 'cancelled' | 'error', body: EventBody) {
    this.setStatus(conv, status);
    this.publish(conv, body);
  }

  /** Every status change goes through here, so the waiting and load indexes stay right. */
  private setStatus(conv: SimConversation, status: SimConversation['status'], queueId = conv.queueId) {
    if (conv.status === 'queue') this.waitingSet(conv.queueId).delete(conv.id);
    if (conv.status === 'active' && conv.agentId) this.activeCount.set(conv.agentId, this.load(conv.agentId) - 1);
    if (status === 'queue') conv.agentId = undefined;
    conv.status = status;
    conv.queueId = queueId;
    if (status === 'queue') this.waitingSet(queueId).add(conv.id);
    if (status === 'active' && conv.agentId) this.activeCount.set(conv.agentId, this.load(conv.agentId) + 1);
  }

  private waitingSet(queueId: string): Set<string> {
    let set = this.waitingIds.get(queueId);
    if (!set) this.waitingIds.set(queueId, (set = new Set()));
    return set;
  }

  private publish(conv: SimConversation, body: EventBody) {
    conv.seq++;
    const event = {
      ...body,
      conversationId: conv.id,
      eventId: `${conv.id}:${conv.seq}`,
      occurredAt: this.clock.now(),
      sequence: conv.seq,
    } as HandoverEvent;
    this.emit('event', conv.owner, event);
    this.emit('change');
  }

  /** Everyone still waiting in the queue hears their new position. */
  private publishQueue(queueId: string) {
    this.waiting(queueId).forEach((conv, i) => {
      const estimate = this.estimateWait(queueId, conv.routing, i + 1);
      this.publish(conv, {
        type: 'queue-updated',
        position: i + 1,
        ...(estimate !== undefined ? { estimatedWaitMs: estimate } : {}),
      });
    });
  }

  private load(agentId: string): number {
    return this.activeCount.get(agentId) ?? 0;
  }

  private async maybeFail(op: SimOperation) {
    const i = this.failures.findIndex((f) => f.op === op || f.op === 'any');
    if (i < 0) return;
    const entry = this.failures[i]!;
    if (--entry.remaining <= 0) this.failures.splice(i, 1);
    const { status, retryAfterMs, delayMs } = entry.failure;
    if (delayMs) await new Promise((r) => setTimeout(r, delayMs));
    if (status >= 400) throw new SimulatedVendorError(status, `Simulated ${status} on ${op}`, retryAfterMs);
  }

  private resolveQueue(queueId: string | undefined): string {
    const id = queueId ?? this.config.queues[0]!.id;
    if (!this.config.queues.some((q) => q.id === id)) throw new SimulatedVendorError(404, `Unknown queue "${id}"`);
    return id;
  }

  private queueConfig(queueId: string) {
    return this.config.queues.find((q) => q.id === queueId)!;
  }

  private requireAgent(id: string): AgentState {
    const agent = this.agents.get(id);
    if (!agent) throw new SimulatedVendorError(404, `Unknown agent "${id}"`);
    return agent;
  }

  private requireConversation(id: string): SimConversation {
    const conv = this.conversations.get(id);
    if (!conv) throw new SimulatedVendorError(404, `Unknown conversation "${id}"`);
    return conv;
  }

  private requireActive(agentId: string, conversationId: string): SimConversation {
    const conv = this.requireConversation(conversationId);
    if (conv.status !== 'active' || conv.agentId !== agentId)
      throw new SimulatedVendorError(409, `Agent ${agentId} is not handling ${conversationId}`);
    return conv;
  }
}
