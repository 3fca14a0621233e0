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
  return new Promise((resolve, reject) => new BodyReader(req, limit, resolve, reject));
}

/** One body being read: its listeners are bound methods (no closures to allocate per request). */
class BodyReader {
  private readonly chunks: Buffer[] = [];
  private size = 0;
  private settled = false;
  private readonly onData = this.data.bind(this);
  private readonly onEnd = this.finish.bind(this, undefined);
  private readonly onError = this.finish.bind(this, 'error');
  private readonly onAborted = this.finish.bind(this, 'aborted');

  constructor(
    private readonly req: IncomingMessage,
    private readonly limit: number,
    private readonly resolve: (body: Buffer) => void,
    private readonly reject: (error: Error) => void,
  ) {
    req.on('data', this.onData);
    req.on('end', this.onEnd);
    req.on('error', this.onError);
    req.on('aborted', this.onAborted);
  }

  private data(chunk: Buffer) {
    this.size += chunk.length;
    if (this.size > this.limit) {
      this.req.pause();
      this.finish('too-large');
      return;
    }
    this.chunks.push(chunk);
  }

  private finish(failure?: 'error' | 'aborted' | 'too-large') {
    if (this.settled) return;
    this.settled = true;
    const { req, chunks } = this;
    req.off('data', this.onData);
    req.off('end', this.onEnd);
    req.off('error', this.onError);
    req.off('aborted', this.onAborted);
    if (failure === 'too-large') this.reject(tooLarge(this.limit));
    else if (failure === 'error') this.reject(new BadRequestError('The request body could not be read'));
    else if (failure === 'aborted') this.reject(new BadRequestError('The client aborted the request'));
    else this.resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, this.size));
  }
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
