import type { Agent, HandoverStatus } from 'handover-kit/contract';

/** An agent as Chatwoot shows one (REST agent partial, webhook `sender` / `meta.assignee`). */
export interface AgentLike {
  id: number | string;
  name?: string | null;
  available_name?: string | null;
  thumbnail?: string | null;
  avatar_url?: string | null;
}

export function agentOf(agent: AgentLike): Agent {
  const name = agent.available_name || agent.name || undefined;
  const avatarUrl = agent.thumbnail || agent.avatar_url || undefined;
  return { id: String(agent.id), ...(name ? { name } : {}), ...(avatarUrl ? { avatarUrl } : {}) };
}

/**
 * A Chatwoot conversation's status as a handover status. `pending` means the bot owns the
 * conversation again (handed back), so the handover is over; `open` is queued until a user
 * (not an agent bot) is assigned; a snoozed conversation stays with its agent.
 */
export function handoverStatusOf(status: string, assignedToUser: boolean): HandoverStatus {
  switch (status) {
    case 'resolved':
    case 'pending':
      return 'completed';
    default:
      return assignedToUser ? 'active' : 'queue';
  }
}
