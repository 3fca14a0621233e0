import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RecordedRequest } from './model';

/** Reads a request to the end and records it (JSON bodies parsed, anything else kept as text). */
export function readRequest(req: IncomingMessage): Promise<{ rec: RecordedRequest; url: URL }> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://fake');
      const raw = Buffer.concat(chunks).toString('utf8');
      let body: unknown;
      try {
        body = raw ? JSON.parse(raw) : undefined;
      } catch {
        body = raw;
      }
      const rec = {
        method: req.method ?? 'GET',
        path: url.pathname + url.search,
        headers: req.headers,
        body,
        at: Date.now(),
      };
      resolve({ rec, url });
    });
  });
}

export function json(res: ServerResponse, rec: RecordedRequest, status: number, body: unknown): void {
  rec.status = status;
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

/** A MIAW-style error body `{code, message}`. */
export function error(
  res: ServerResponse,
  rec: RecordedRequest,
  status: number,
  code: string,
  message: string,
  extra: Record<string, string> = {},
): void {
  rec.status = status;
  res.writeHead(status, { 'content-type': 'application/json', ...extra }).end(JSON.stringify({ code, message }));
}
