import { z } from 'zod';
import {
  PRIORITIES,
  type Agent,
  type CustomAttributes,
  type HandoverUser,
  type Priority,
  type Routing,
  type TranscriptEntry,
} from 'handover-kit/contract';
import { businessHoursSchema } from './hours';

/** Configuration and state of the simulated contact center. */

export const queueConfigSchema = z.strictObject({
  id: z.string().min(1),
  name: z.string().optional(),
  businessHours: businessHoursSchema.optional(),
  /** Waiting conversations allowed before new ones are refused (queue full). */
  maxQueueLength: z.number().int().positive().optional(),
  /** Average handle time used for the wait estimate (default 300 s). */
  averageHandleTimeSec: z.number().positive().optional(),
});
export type QueueConfig = z.input<typeof queueConfigSchema>;

export const AGENT_STATUSES = ['available', 'busy', 'offline'] as const;
export type AgentStatus = (typeof AGENT_STATUSES)[number];

export const agentConfigSchema = z.strictObject({
  id: z.string().min(1),
  name: z.string().min(1),
  skills: z.array(z.string()).default([]),
  languages: z.array(z.string()).default([]),
  /** Conversations at once (default 2). */
  capacity: z.number().int().positive().default(2),
  status: z.enum(AGENT_STATUSES).default('available'),
  /** Queues the agent serves; empty = all. */
  queues: z.array(z.string()).default([]),
});
export type AgentConfig = z.input<typeof agentConfigSchema>;
export type AgentState = z.output<typeof agentConfigSchema>;

export const centerConfigSchema = z.strictObject({
  queues: z
    .array(queueConfigSchema)
    .min(1)
    .default([{ id: 'support', name: 'Support' }]),
  agents: z.array(agentConfigSchema).default([]),
  /** Refuse new handovers while closed (default) instead of queueing them. */
  rejectWhenClosed: z.boolean().default(true),
  /**
   * Push routing (like an ACD): a free matching agent gets a waiting conversation at once. Default: agents accept.
   */
  autoAssign: z.boolean().default(false),
});
export type CenterConfig = z.input<typeof centerConfigSchema>;

export type ConversationStatus = 'queue' | 'active' | 'completed' | 'cancelled' | 'error';

export interface SimMessage {
  id: string;
  from: 'user' | 'agent' | 'system';
  text: string;
  at: number;
  agentId?: string;
}

export interface SimConversation {
  id: string;
  /** The provider that started it: events go back to that provider only. */
  owner: string;
  queueId: string;
  status: ConversationStatus;
  user: HandoverUser;
  routing: Routing;
  priority: Priority;
  enqueuedAt: number;
  agentId?: string;
  messages: SimMessage[];
  transcript: TranscriptEntry[];
  customAttributes: CustomAttributes;
  locale?: string;
  /** Event sequence counter (gap-free per conversation). */
  seq: number;
  seenMessageIds: Set<string>;
}

export const PRIORITY_RANK: Record<Priority, number> = Object.fromEntries(PRIORITIES.map((p, i) => [p, i])) as Record<
  Priority,
  number
>;

export function agentView(agent: AgentState): Agent {
  return { id: agent.id, name: agent.name };
}

/** Does this agent match the conversation's queue, skills and languages? */
export function agentMatches(agent: AgentState, queueId: string, routing: Routing): boolean {
  if (agent.queues.length > 0 && !agent.queues.includes(queueId)) return false;
  const skills = routing.skills ?? [];
  if (!skills.every((s) => agent.skills.some((a) => a.toLowerCase() === s.toLowerCase()))) return false;
  const languages = routing.languages ?? [];
  if (languages.length > 0 && !languages.some((l) => agent.languages.some((a) => a.toLowerCase() === l.toLowerCase())))
    return false;
  return true;
}

/** Failure the center is told to simulate, as a vendor would answer. */
export interface SimulatedFailure {
  status: number;
  retryAfterMs?: number;
  /** Delay before answering (for timeouts). */
  delayMs?: number;
}

export type SimOperation = 'availability' | 'start' | 'send' | 'status' | 'close';

export class SimulatedVendorError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly retryAfterMs?: number,
    readonly requestId = `sim-${Math.random().toString(36).slice(2, 10)}`,
  ) {
    super(message);
    this.name = 'SimulatedVendorError';
  }
}
