import { interventionJson, threadJson, type EngageModel, type FakeAgentStatus } from './model';
import type { FakeOperation, RecordedRequest } from './server';

/** The fake's REST API routes (`/1.0/…`): what the connector calls, with Engage's shapes and rules. */

export type Reply = (status: number, body: unknown, headers?: Record<string, string>) => void;

export function restRoute(
  model: EngageModel,
  agents: FakeAgentStatus[],
  rec: RecordedRequest,
): { op: FakeOperation; run: (reply: Reply) => void } | undefined {
  const { method, path, query } = rec;
  const m = (re: RegExp) => re.exec(path);
  const missing = (reply: Reply, what: string) =>
    reply(404, { error: 'not_found', message: `${what} not found`, status: 404 });
  let p: RegExpExecArray | null;
  if (method === 'GET' && path === '/1.0/content_threads') {
    return {
      op: 'threads',
      run: (r) => {
        const records = model.search(query.get('q') ?? '').slice(0, Number(query.get('limit') ?? 30));
        r(200, { count: records.length, limit: 30, offset: 0, records: records.map(threadJson) });
      },
    };
  }
  if (method === 'GET' && (p = m(/^\/1\.0\/content_threads\/([^/]+)$/))) {
    const t = model.threads.get(p[1]!);
    return { op: 'thread', run: (r) => (t ? r(200, threadJson(t)) : missing(r, 'Thread')) };
  }
  if (method === 'PUT' && (p = m(/^\/1\.0\/content_threads\/([^/]+)\/update_categories$/))) {
    const t = model.threads.get(p[1]!);
    const ids = [
      ...query.getAll('thread_category_ids[]'),
      ...new URLSearchParams(rec.rawBody).getAll('thread_category_ids[]'),
    ];
    return {
      op: 'categorize',
      run: (r) => {
        if (!t) return missing(r, 'Thread');
        t.categoryIds = ids;
        r(200, threadJson(t));
      },
    };
  }
  if (method === 'GET' && path === '/1.0/interventions') {
    const threadId = query.get('thread_id') ?? '';
    const t = model.threads.get(threadId);
    return {
      op: 'interventions',
      run: (r) => {
        const records = t ? model.interventionsOf(threadId).map((i) => interventionJson(i, t)) : [];
        r(200, { count: records.length, limit: 30, offset: 0, records });
      },
    };
  }
  if (
    (method === 'PUT' && (p = m(/^\/1\.0\/interventions\/([^/]+)\/close$/))) ||
    (method === 'DELETE' && (p = m(/^\/1\.0\/interventions\/([^/]+)\/cancel$/)))
  ) {
    const i = model.interventions.get(p[1]!);
    const closing = method === 'PUT';
    return {
      op: closing ? 'close-intervention' : 'cancel-intervention',
      run: (r) => {
        if (!i) return missing(r, 'Intervention');
        const t = model.threads.get(i.threadId)!;
        // Engage: close needs agent replies, cancel needs none; neither on a closed intervention.
        if (i.closed || (closing ? i.userRepliesCount === 0 : i.userRepliesCount > 0))
          return r(403, { error: 'forbidden', message: 'Intervention cannot be closed', status: 403 });
        i.closed = true;
        i.closedAt = new Date().toISOString();
        // A cancelled intervention is destroyed: it no longer shows in the thread's list.
        if (!closing) model.interventions.delete(i.id);
        r(200, interventionJson(i, t));
      },
    };
  }
  if (method === 'GET' && path === '/1.0/status') {
    const categories = query.getAll('category_ids[]');
    return {
      op: 'status',
      run: (r) =>
        r(
          200,
          agents
            .filter(
              (a) =>
                categories.length === 0 ||
                a.categoryIds.length === 0 ||
                a.categoryIds.some((c) => categories.includes(c)),
            )
            .map(({ categoryIds: _c, ...a }) => ({ ...a, custom_status: null })),
        ),
    };
  }
  return undefined;
}
