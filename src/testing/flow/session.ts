import { FLOW_DATA_KEY } from '../../delivery';
import type { HandoverView } from '../../model';
import type { SimConversation, SimulatedContactCenter } from '../../../connectors/simulated';
import type { Clock } from '../../contract';
import type { FlowTester } from './tester';
import type { SessionState } from './runtime';
import type { BranchTaken, FlowDefinition, TranscriptLine } from './types';

/** One user's chat on a flow: what they send, what they see, which branches the flow took. */
export class ChatSession {
  /** Agent typing indicators the user saw (true = started). */
  readonly typing: boolean[] = [];
  private chain: Promise<void> = Promise.resolve();
  private running = 0;
  private pendingError: unknown;
  private inputs = 0;

  constructor(
    private readonly tester: FlowTester<Clock>,
    private readonly flow: FlowDefinition,
    readonly state: SessionState,
  ) {}

  get userId() {
    return this.state.userId;
  }
  get sessionId() {
    return this.state.sessionId;
  }
  get transcript(): readonly TranscriptLine[] {
    return this.state.transcript;
  }
  get branches(): readonly BranchTaken[] {
    return this.state.branches;
  }
  get context(): Record<string, any> {
    return this.state.context;
  }
  get logs() {
    return this.state.logs;
  }
  /** Where the next input will start (undefined: at the flow's start). */
  get entrypoint(): string | undefined {
    return this.state.entrypoint;
  }

  /** The user writes. Resolves when the flow and everything it set off has settled. */
  async send(text: string, options: { intent?: string; data?: Record<string, unknown> } = {}): Promise<void> {
    this.state.transcript.push({ from: 'user', text, ...(options.data ? { data: options.data } : {}) });
    const intent = options.intent ?? Object.entries(this.tester.intents).find(([, re]) => re.test(text))?.[0];
    await this.enqueue(
      { text, ...(options.data ? { data: options.data } : {}), ...(intent ? { intent } : {}) },
      'user',
      true,
    );
    await this.tester.settle();
  }

  /** The user clicks a quick reply: its payload is sent as text. */
  click(payload: string): Promise<void> {
    return this.send(payload);
  }

  /** The user leaves / comes back to the chat (sent to the agent as a notice during a handover). */
  leave(): Promise<void> {
    return this.presence('disconnected');
  }
  rejoin(): Promise<void> {
    return this.presence('connected');
  }

  /** Texts from the bot, the agent and system notices, in the order the user saw them. */
  seen(): string[] {
    return this.state.transcript.filter((l) => l.from !== 'user').map((l) => l.text);
  }
  botSaid(): string[] {
    return this.state.transcript.filter((l) => l.from === 'bot').map((l) => l.text);
  }
  agentSaid(): string[] {
    return this.state.transcript.filter((l) => l.from === 'agent').map((l) => l.text);
  }

  /** The branches one node took, in order (e.g. the Lookup's cases). */
  branchesOf(nodeId: string): Array<string | undefined> {
    return this.state.branches.filter((b) => b.nodeId === nodeId).map((b) => b.branch);
  }

  /** Ids of the nodes the flow passed through, in order. */
  path(): string[] {
    return this.state.branches.map((b) => b.nodeId);
  }

  handover(): Promise<HandoverView | null> {
    return this.tester.kit.service.getHandover({ session: { userId: this.userId, sessionId: this.sessionId } });
  }

  /** This session's conversation at its simulated center, and the center itself. */
  async conversation(): Promise<{ center: SimulatedContactCenter; conversation: SimConversation }> {
    const record = await this.tester.kit.registry.store.findHandoverBySession(`${this.userId}\u0000${this.sessionId}`);
    if (!record?.conversationId) throw new Error(`Session ${this.sessionId} has no handover at a contact center`);
    const provider = await this.tester.kit.registry.get(record.providerId);
    const center = this.tester.center(String(provider.settings.center ?? 'default'));
    const conversation = center.conversation(record.conversationId);
    if (!conversation)
      throw new Error(`Conversation ${record.conversationId} is not at center ${String(provider.settings.center)}`);
    return { center, conversation };
  }

  /** Acts as agent `agentId` on this session's conversation at the simulated center. */
  agent(agentId: string) {
    const act = async (fn: (center: SimulatedContactCenter, id: string) => void) => {
      const { center, conversation } = await this.conversation();
      fn(center, conversation.id);
      await this.tester.settle();
    };
    return {
      accept: () => act((c, id) => void c.accept(agentId, id)),
      say: (text: string) => act((c, id) => c.say(agentId, id, text)),
      typing: (on = true) => act((c, id) => c.typing(agentId, id, on)),
      transfer: (queueId?: string) => act((c, id) => c.transfer(agentId, id, queueId)),
      resolve: () => act((c, id) => c.resolve(agentId, id)),
    };
  }

  /** Messages the agent received from the user (and notices), in order. */
  async agentSaw(): Promise<string[]> {
    const { conversation } = await this.conversation();
    return conversation.messages.filter((m) => m.from !== 'agent' && !m.id.startsWith('t')).map((m) => m.text);
  }

  /** @internal Queues one execution of the flow (an input, or an injected event). */
  enqueue(input: Record<string, any>, trigger: 'user' | 'event', rethrow = false): Promise<void> {
    this.running++;
    const full = {
      ...input,
      userId: this.state.userId,
      sessionId: this.state.sessionId,
      URLToken: this.state.urlToken,
      channel: this.state.channel,
      inputId: `in-${this.state.sessionId}-${++this.inputs}`,
      data: input.data ?? {},
    };
    const run = this.chain.then(() => this.tester.run(this.flow, this.state, full, trigger));
    this.chain = run.then(
      () => void this.running--,
      (error) => {
        this.running--;
        if (!rethrow) this.pendingError ??= error;
      },
    );
    return rethrow ? run : this.chain;
  }

  /** @internal */
  get busy(): boolean {
    return this.running > 0;
  }
  /** @internal */
  whenIdle(): Promise<void> {
    return this.chain;
  }
  /** @internal */
  throwPendingError(): void {
    if (this.pendingError === undefined) return;
    const error = this.pendingError;
    this.pendingError = undefined;
    throw error;
  }

  private async presence(kind: 'connected' | 'disconnected') {
    await this.enqueue({ text: '', data: { [FLOW_DATA_KEY]: { presence: kind } } }, 'user', true);
    await this.tester.settle();
  }
}
