import { randomBytes } from 'node:crypto';

/** The fake Engage's data: threads from our source, their contents, interventions and agents. */

export const engageId = () => randomBytes(12).toString('hex'); // Engage ids are 24 hex characters

export interface FakeContent {
  id: string;
  foreignId: string;
  body?: string;
  authorId: string;
  fromAgent: boolean;
  attachments?: unknown[];
  createdAt: string;
}

export interface FakeIntervention {
  id: string;
  threadId: string;
  userId: string;
  closed: boolean;
  closedAt?: string;
  userRepliesCount: number;
  createdAt: string;
}

export interface FakeThread {
  id: string;
  foreignId: string;
  sourceId: string;
  title?: string;
  categoryIds: string[];
  contents: FakeContent[];
  contextData?: Record<string, unknown>;
  createdAt: string;
  /** Lookups left before the thread shows in searches (Engage imports asynchronously). */
  hiddenFor: number;
}

export interface FakeAgentStatus {
  agent_id: string;
  channels: Array<{ id: string; name: string; status: string | null; busyness: string }>;
  categoryIds: string[];
}

export class EngageModel {
  readonly threads = new Map<string, FakeThread>();
  readonly interventions = new Map<string, FakeIntervention>();
  /** Foreign ids of every content, for Engage's dedupe by id (a set: the bench sends thousands). */
  private readonly contentIds = new Set<string>();
  /** Threads searchable only after this many lookups (import delay). */
  importDelayLookups = 0;

  byForeignId(foreignId: string): FakeThread | undefined {
    for (const t of this.threads.values()) if (t.foreignId === foreignId) return t;
    return undefined;
  }

  requireForeign(foreignId: string): FakeThread {
    const t = this.byForeignId(foreignId);
    if (!t) throw new Error(`fake engage: no thread with foreign id ${foreignId}`);
    return t;
  }

  createThread(sourceId: string, params: Record<string, unknown>): FakeThread {
    const foreignId = String(params.id);
    const existing = this.byForeignId(foreignId);
    if (existing) return existing; // same foreign id, same thread (Engage dedupes by it)
    const now = new Date().toISOString();
    const thread: FakeThread = {
      id: engageId(),
      foreignId,
      sourceId,
      title: typeof params.title === 'string' ? params.title : undefined,
      categoryIds: [],
      contents: [],
      contextData: params.context_data as Record<string, unknown> | undefined,
      createdAt: now,
      hiddenFor: this.importDelayLookups,
    };
    thread.contents.push({
      id: engageId(),
      foreignId,
      body: String(params.body ?? ''),
      authorId: authorIdOf(params),
      fromAgent: false,
      createdAt: now,
    });
    this.threads.set(thread.id, thread);
    return thread;
  }

  /** A customer message; a repeated foreign id is the same content. Returns false for a repeat. */
  addMessage(thread: FakeThread, params: Record<string, unknown>): boolean {
    const foreignId = String(params.id);
    if (this.contentIds.has(`${thread.id}:${foreignId}`)) return false;
    this.contentIds.add(`${thread.id}:${foreignId}`);
    const attachments = Array.isArray(params.attachments) ? params.attachments : undefined;
    thread.contents.push({
      id: engageId(),
      foreignId,
      ...(typeof params.body === 'string' ? { body: params.body } : {}),
      authorId: authorIdOf(params),
      fromAgent: false,
      ...(attachments ? { attachments } : {}),
      createdAt: new Date().toISOString(),
    });
    return true;
  }

  openIntervention(thread: FakeThread): FakeIntervention | undefined {
    return [...this.interventions.values()].find((i) => i.threadId === thread.id && !i.closed);
  }

  interventionsOf(threadId: string): FakeIntervention[] {
    return [...this.interventions.values()].filter((i) => i.threadId === threadId).reverse();
  }

  assign(thread: FakeThread, userId: string): FakeIntervention {
    const open = this.openIntervention(thread);
    if (open) {
      open.userId = userId;
      return open;
    }
    const i: FakeIntervention = {
      id: engageId(),
      threadId: thread.id,
      userId,
      closed: false,
      userRepliesCount: 0,
      createdAt: new Date().toISOString(),
    };
    this.interventions.set(i.id, i);
    return i;
  }

  /** Search threads with Engage's `q` syntax, as far as the fake needs: `foreign:"…" source:"…"`. */
  search(q: string): FakeThread[] {
    const terms = new Map<string, string>();
    for (const m of q.matchAll(/(\w+):"([^"]*)"/g)) terms.set(m[1]!, m[2]!);
    const found = [...this.threads.values()].filter(
      (t) =>
        (!terms.has('foreign') || t.foreignId === terms.get('foreign')) &&
        (!terms.has('source') || t.sourceId === terms.get('source')),
    );
    return found.filter((t) => {
      if (t.hiddenFor <= 0) return true;
      t.hiddenFor--;
      return false;
    });
  }
}

function authorIdOf(params: Record<string, unknown>): string {
  const author = params.author as { id?: unknown } | undefined;
  return String(author?.id ?? 'unknown');
}

export function threadJson(t: FakeThread) {
  return {
    id: t.id,
    source_id: t.sourceId,
    title: t.title ?? '',
    interventions_count: 0,
    contents_count: t.contents.length,
    closed: false,
    category_ids: t.categoryIds,
    thread_category_ids: t.categoryIds,
    extra_data: {},
    foreign_id: t.foreignId,
    created_at: t.createdAt,
    updated_at: t.createdAt,
  };
}

export function interventionJson(i: FakeIntervention, t: FakeThread) {
  return {
    id: i.id,
    created_at: i.createdAt,
    updated_at: i.closedAt ?? i.createdAt,
    source_id: t.sourceId,
    thread_id: t.id,
    content_id: t.contents[0]?.id,
    identity_id: engageId(),
    comments_count: 0,
    closed: i.closed,
    ...(i.closedAt ? { closed_at: i.closedAt } : {}),
    category_ids: t.categoryIds,
    user_id: i.userId,
    user_replies_count: i.userRepliesCount,
    // Localized in real responses ("Fermée"): the connector must not read it.
    status: i.closed ? 'Fermée' : 'Ouverte',
  };
}
