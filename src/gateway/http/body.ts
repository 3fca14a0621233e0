import type { IncomingMessage } from 'node:http';
import { BadRequestError } from '../../contract';
import { HttpStatusError } from './errors';

/**
 * Reads a request body into one Buffer, refusing more than `limit` bytes: by Content-Length before
 * reading anything, or as soon as the stream passes the limit. Never throws anything but typed errors.
 */
export function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = req.headers['content-length'];
  if (declared !== undefined) {
    const n = Number(declared);
    if (!Number.isInteger(n) || n < 0) return Promise.reject(new BadRequestError('Malformed Content-Length'));
    if (n > limit) return Promise.reject(tooLarge(limit));
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const finish = (error?: Error) => {
      if (settled) return;
      settled = true;
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('aborted', onAborted);
      if (error) reject(error);
      else resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size));
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.pause();
        finish(tooLarge(limit));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => finish();
    const onError = () => finish(new BadRequestError('The request body could not be read'));
    const onAborted = () => finish(new BadRequestError('The client aborted the request'));
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('aborted', onAborted);
  });
}

function tooLarge(limit: number) {
  return new HttpStatusError(413, `Request body is larger than ${limit} bytes`, { connection: 'close' });
}

/** Parses a JSON body; an empty body is `undefined`. Malformed JSON or UTF-8 is a 400. */
export function parseJson(body: Buffer): unknown {
  if (body.length === 0) return undefined;
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(body);
  } catch {
    throw new BadRequestError('Request body is not valid UTF-8');
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new BadRequestError('Request body is not valid JSON');
  }
}

/** A JSON object body, or a 400 saying what was expected. */
export function parseJsonObject(body: Buffer, what = 'a JSON object'): Record<string, unknown> {
  const value = parseJson(body);
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    throw new BadRequestError(`Request body must be ${what}`);
  return value as Record<string, unknown>;
}
