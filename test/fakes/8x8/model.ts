import type { IncomingMessage, ServerResponse } from 'node:http';
import { Response as UndiciResponse } from 'undici';

/** Types, defaults and body helpers of the fake 8x8. */

export type FakeOperation =
  | 'create'
  | 'message'
  | 'attachment'
  | 'conversation'
  | 'participant'
  | 'jwk'
  | 'token'
  | 'metrics'
  | 'file';
export interface FakeFailure {
  status: number;
  retryAfterMs?: number;
}

export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  body: unknown;
  operation?: FakeOperation;
}

export interface FakeConversation {
  id: string;
  channelId: string;
  state: 'created' | 'active' | 'idle';
  assignment: { type: 'queue' | 'agent'; id: string };
  queueId: string;
  user: Record<string, unknown>;
  messages: Array<{ authorType: string; text: string; attachments?: string[] }>;
  /** Uploaded files by attachment id. */
  files: Map<string, { filename: string; contentType: string; bytes: Buffer; authorType: string }>;
  userRemoved: boolean;
}

export const FAKE_DEFAULTS = {
  apiKey: 'fake-8x8-api-key-0123456789',
  apiSecret: 'fake-8x8-api-secret-abcdef',
  channelId: 'f5odm43occnifcdcsa',
  queueId: '123',
  customerId: 'cust0001',
  tenantId: 'acmecc01',
};

export interface Route {
  method: string;
  pattern: RegExp;
  op: FakeOperation;
  auth: 'key' | 'basic' | 'bearer' | 'none';
  handle(params: string[], body: unknown, res: ServerResponse): void;
}

export const problem = (message: string, code: string) => ({ message, errors: [{ code, message }] });

export interface Multipart {
  fields: Record<string, string>;
  files: Record<string, { filename: string; contentType: string; bytes: Buffer }>;
}

/** Reads a multipart/form-data body with the platform's own parser. */
export async function multipart(raw: Buffer, contentType: string): Promise<Multipart | undefined> {
  try {
    const form = await new UndiciResponse(new Uint8Array(raw), { headers: { 'content-type': contentType } }).formData();
    const out: Multipart = { fields: {}, files: {} };
    for (const [key, value] of form.entries()) {
      if (typeof value === 'string') out.fields[key] = value;
      else
        out.files[key] = {
          filename: value.name,
          contentType: value.type,
          bytes: Buffer.from(await value.arrayBuffer()),
        };
    }
    return out;
  } catch {
    return undefined;
  }
}
