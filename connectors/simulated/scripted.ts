import type { SimulatedContactCenter } from './center';
import { agentConfigSchema, type AgentConfig, type SimConversation, type SimMessage } from './model';

export interface ReplyRule {
  /** Case-insensitive substring or a regular expression. */
  when: string | RegExp;
  reply: string;
}

export interface ScriptedAgentOptions extends AgentConfig {
  /** Delay before taking a waiting conversation (default 1 s). */
  acceptAfterMs?: number;
  /** First thing the agent says after joining. */
  greeting?: string;
  replies?: ReplyRule[];
  /** Said when no rule matches; nothing when omitted. */
  defaultReply?: string;
  /** Delay before each reply (default 1.5 s); the agent shows typing meanwhile. */
  replyAfterMs?: number;
  /** Resolve the conversation after this many user messages. */
  resolveAfterMessages?: number;
}

/**
 * An agent that works on its own, on the center's clock: takes waiting conversations it can serve,
 * greets, answers by rules, resolves after N messages. Returns a function that detaches it.
 */
export function attachScriptedAgent(center: SimulatedContactCenter, options: ScriptedAgentOptions): () => void {
  // The agent part of the options is whatever the agent schema knows; the rest is the script.
  const agentConfig = Object.fromEntries(
    Object.keys(agentConfigSchema.shape).flatMap((k) => (k in options ? [[k, options[k as keyof AgentConfig]]] : [])),
  ) as AgentConfig;
  const agent = center.addAgent(agentConfig);
  const clock = center.clock;
  const pendingAccepts = new Set<string>();
  const counts = new Map<string, number>();
  const timers = new Set<unknown>();

  const later = (ms: number, fn: () => void) => {
    const handle = clock.setTimeout(() => {
      timers.delete(handle);
      try {
        fn();
      } catch {
        // the conversation moved on (closed, transferred) while we waited: nothing to do
      }
    }, ms);
    timers.add(handle);
  };

  const onChange = () => {
    const state = center.listAgents().find((a) => a.id === agent.id);
    if (state?.status !== 'available') return;
    const active = center.listConversations({ status: 'active' }).filter((c) => c.agentId === agent.id).length;
    let free = state.capacity - active - pendingAccepts.size;
    for (const queueId of center.queueIds) {
      for (const conv of center.waiting(queueId)) {
        if (free <= 0) return;
        if (pendingAccepts.has(conv.id) || !center.freeAgents(queueId, conv.routing).some((a) => a.id === agent.id))
          continue;
        pendingAccepts.add(conv.id);
        free--;
        later(options.acceptAfterMs ?? 1000, () => {
          pendingAccepts.delete(conv.id);
          const current = center.conversation(conv.id);
          if (current?.status !== 'queue') return;
          center.accept(agent.id, conv.id);
          if (options.greeting) center.say(agent.id, conv.id, options.greeting);
        });
      }
    }
  };

  const onUserMessage = (conv: SimConversation, message: SimMessage) => {
    if (conv.agentId !== agent.id || conv.status !== 'active' || message.from !== 'user') return;
    const n = (counts.get(conv.id) ?? 0) + 1;
    counts.set(conv.id, n);
    const rule = options.replies?.find((r) =>
      typeof r.when === 'string'
        ? message.text.toLowerCase().includes(r.when.toLowerCase())
        : r.when.test(message.text),
    );
    const reply = rule?.reply ?? options.defaultReply;
    const resolveNow = options.resolveAfterMessages !== undefined && n >= options.resolveAfterMessages;
    if (!reply && !resolveNow) return;
    if (reply) center.typing(agent.id, conv.id, true);
    later(options.replyAfterMs ?? 1500, () => {
      if (reply) center.say(agent.id, conv.id, reply);
      if (resolveNow) center.resolve(agent.id, conv.id);
    });
  };

  center.on('change', onChange);
  center.on('user-message', onUserMessage);
  onChange();
  return () => {
    center.off('change', onChange);
    center.off('user-message', onUserMessage);
    for (const t of timers) clock.clearTimeout(t);
    timers.clear();
  };
}
