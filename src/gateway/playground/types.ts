/** What the playground page receives (the server sends it whole on every change, over SSE). Types only. */

export interface ChatLine {
  from: 'user' | 'bot' | 'agent' | 'system';
  text: string;
  agent?: string;
  /** When the playground first saw the line (epoch ms): shown as the message's time. */
  at: number;
}

/** One execution of the flow: a customer message or an injected handover event. */
export interface TimelineEntry {
  n: number;
  at: number;
  trigger: 'user' | 'event';
  /** The customer's text (user executions). */
  text?: string;
  /** `input.handover` as the flow saw it. */
  handover?: {
    status: string;
    eventType?: string;
    position?: number;
    estimatedWaitTime?: number;
    agent?: string;
    text?: string;
    inactivityCount?: number;
    error?: string;
  };
  steps: Array<{ node: string; label: string; branch?: string; stopped?: boolean }>;
  error?: string;
}

export interface DeskMessage {
  id: string;
  /** `history`: the bot conversation sent along at the start (the transcript). */
  from: 'user' | 'agent' | 'system' | 'history';
  text: string;
  at: number;
}

export interface DeskConversation {
  id: string;
  user: string;
  queueId: string;
  status: 'queue' | 'active' | 'completed' | 'cancelled' | 'error';
  position?: number;
  estimatedWaitMs?: number;
  enqueuedAt: number;
  agentTyping: boolean;
  messages: DeskMessage[];
  /** The conversation of the page's own customer. */
  mine: boolean;
}

export interface DeskState {
  agent: { id: string; name: string; status: 'available' | 'busy' | 'offline' };
  queues: Array<{ id: string; name: string; waiting: DeskConversation[] }>;
  /** Conversations the agent is handling. */
  active: DeskConversation[];
  /** The last few that ended. */
  ended: DeskConversation[];
}

export interface PlaygroundState {
  session: {
    id: string;
    userId: string;
    transcript: ChatLine[];
    /** Quick replies under the last bot message, while they still mean something (Cancel: while queued). */
    quickReplies: string[];
    agentTyping: boolean;
    handover: { status: string; position?: number; estimatedWaitMs?: number; agent?: string } | null;
  };
  timeline: TimelineEntry[];
  desk: DeskState;
  settings: { queueUpdateSeconds: number; inactivitySeconds: number };
}

export type AgentAction =
  | { action: 'accept'; conversationId: string }
  | { action: 'say'; conversationId: string; text: string }
  | { action: 'typing'; conversationId: string; on: boolean }
  | { action: 'transfer'; conversationId: string; queueId: string }
  | { action: 'close'; conversationId: string }
  | { action: 'status'; status: 'available' | 'busy' | 'offline' };
