import { randomUUID } from 'node:crypto';
import type { InboundMessage } from './schemas';

/** The fake's view of Genesys message conversations and participants (shapes of `MessageConversation`). */

export interface FakeParticipant {
  id: string;
  name?: string;
  startTime: string;
  connectedTime?: string;
  endTime?: string;
  purpose: 'customer' | 'acd' | 'agent';
  state: 'alerting' | 'connected' | 'disconnected';
  direction: 'inbound';
  disconnectType?: string;
  held: boolean;
  wrapupRequired: boolean;
  user?: { id: string; name?: string; selfUri: string };
  queue?: { id: string; selfUri: string };
  attributes: Record<string, string>;
  fromAddress?: { addressNormalized: string };
  type: 'open';
  messages: Array<{ messageId: string; messageTime: string; messageStatus: string }>;
}

export interface FakeConversation {
  id: string;
  integrationId: string;
  /** `channel.from.id` of the customer: Genesys threads inbound messages by sender. */
  customerId: string;
  participants: FakeParticipant[];
  /** Inbound messages in arrival order (the request bodies). */
  inbound: Array<{ id: string; body: InboundMessage }>;
}

export interface FakeAgent {
  id: string;
  name: string;
}

const iso = (t = Date.now()) => new Date(t).toISOString();

export class ConversationStore {
  readonly conversations = new Map<string, FakeConversation>();
  /** Genesys message id → conversation (for GET …/messages/{messageId}/details). */
  readonly messages = new Map<string, { conversationId: string; body: InboundMessage; time: string }>();

  constructor(private readonly queueId: string) {}

  /** The open conversation of this sender, or a new one routed to the queue. */
  inbound(integrationId: string, body: InboundMessage): { conversation: FakeConversation; messageId: string } {
    const from = body.channel.from;
    let conversation = [...this.conversations.values()].find(
      (c) => c.integrationId === integrationId && c.customerId === from.id && !this.ended(c),
    );
    if (!conversation) {
      const now = iso();
      conversation = {
        id: randomUUID(),
        integrationId,
        customerId: from.id,
        participants: [
          {
            id: randomUUID(),
            name: from.nickname,
            startTime: now,
            connectedTime: now,
            purpose: 'customer',
            state: 'connected',
            direction: 'inbound',
            held: false,
            wrapupRequired: false,
            attributes: { ...body.channel.metadata?.customAttributes },
            fromAddress: { addressNormalized: from.id },
            type: 'open',
            messages: [],
          },
          this.acdParticipant(),
        ],
        inbound: [],
      };
      this.conversations.set(conversation.id, conversation);
    }
    const messageId = randomUUID().replace(/-/g, '');
    conversation.inbound.push({ id: messageId, body });
    this.customer(conversation).messages.push({ messageId, messageTime: body.channel.time, messageStatus: 'received' });
    this.messages.set(messageId, { conversationId: conversation.id, body, time: body.channel.time });
    return { conversation, messageId };
  }

  get(id: string): FakeConversation | undefined {
    return this.conversations.get(id);
  }

  require(id: string): FakeConversation {
    const c = this.conversations.get(id);
    if (!c) throw new Error(`fake genesys: no conversation ${id}`);
    return c;
  }

  customer(c: FakeConversation): FakeParticipant {
    return c.participants.find((p) => p.purpose === 'customer')!;
  }

  ended(c: FakeConversation): boolean {
    return this.customer(c).state === 'disconnected';
  }

  /** An agent is offered the conversation and accepts it; the ACD leg ends. */
  agentJoin(id: string, agent: FakeAgent): FakeParticipant {
    const c = this.require(id);
    const now = iso();
    for (const p of c.participants)
      if (p.purpose === 'acd' && p.state !== 'disconnected') this.disconnect(p, 'transfer', now);
    const participant: FakeParticipant = {
      id: randomUUID(),
      name: agent.name,
      startTime: now,
      connectedTime: now,
      purpose: 'agent',
      state: 'connected',
      direction: 'inbound',
      held: false,
      wrapupRequired: true,
      user: { id: agent.id, name: agent.name, selfUri: `/api/v2/users/${agent.id}` },
      queue: { id: this.queueId, selfUri: `/api/v2/routing/queues/${this.queueId}` },
      attributes: {},
      type: 'open',
      messages: [],
    };
    c.participants.push(participant);
    return participant;
  }

  /** The connected agent transfers back to the queue: the agent leg ends, a new ACD leg starts. */
  agentTransferToQueue(id: string): void {
    const c = this.require(id);
    for (const p of c.participants)
      if (p.purpose === 'agent' && p.state !== 'disconnected') this.disconnect(p, 'transfer');
    c.participants.push(this.acdParticipant());
  }

  /** The agent ends the conversation: agent and customer legs disconnect. */
  agentResolve(id: string, customerDisconnectType = 'peer'): void {
    const c = this.require(id);
    const now = iso();
    for (const p of c.participants)
      if (p.purpose !== 'customer' && p.state !== 'disconnected') this.disconnect(p, 'client', now);
    this.disconnect(this.customer(c), customerDisconnectType, now);
  }

  disconnect(p: FakeParticipant, disconnectType: string, at = iso()): void {
    if (p.state === 'disconnected') return;
    p.state = 'disconnected';
    p.disconnectType = disconnectType;
    p.endTime = at;
  }

  connectedAgent(c: FakeConversation): FakeParticipant | undefined {
    return c.participants.find((p) => p.purpose === 'agent' && p.state === 'connected');
  }

  private acdParticipant(): FakeParticipant {
    const now = iso();
    return {
      id: randomUUID(),
      name: 'Support',
      startTime: now,
      connectedTime: now,
      purpose: 'acd',
      state: 'connected',
      direction: 'inbound',
      held: false,
      wrapupRequired: false,
      queue: { id: this.queueId, selfUri: `/api/v2/routing/queues/${this.queueId}` },
      attributes: {},
      type: 'open',
      messages: [],
    };
  }
}
