import { FormData, request } from 'undici';
import { VendorApiError, type Attachment } from 'handover-kit/contract';
import { vendorError } from 'handover-kit/connector-utils';
import { VENDOR } from './api';
import type { EightByEightSettings } from './schema';

/**
 * User files for the agent. Chat Gateway takes files only as multipart uploads
 * (`POST …/conversations/{id}/attachments`, fields `attachment` and `authorType`) whose ids a message
 * then names, so each file is fetched from its URL (the user's channel storage) and uploaded.
 */
export const MAX_ATTACHMENT_BYTES = 20 * 1024 * 1024;
const LOOPBACK = ['127.0.0.1', 'localhost', '[::1]'];

export interface FetchedFile {
  bytes: Buffer;
  contentType: string;
  filename: string;
}

function fileName(attachment: Attachment, url: URL): string {
  const fromPath = decodeURIComponent(url.pathname.split('/').pop() ?? '');
  return (attachment.name ?? fromPath).replace(/[\r\n"]/g, '').slice(0, 200) || 'attachment';
}

/** Downloads one file: https only (http on loopback), no redirects, at most `MAX_ATTACHMENT_BYTES`. */
export async function fetchFile(attachment: Attachment, timeoutMs: number, signal?: AbortSignal): Promise<FetchedFile> {
  const url = new URL(attachment.url);
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && LOOPBACK.includes(url.hostname))) {
    throw new Error('only https file URLs are fetched');
  }
  const timeout = AbortSignal.timeout(timeoutMs);
  const res = await request(url, { method: 'GET', signal: signal ? AbortSignal.any([signal, timeout]) : timeout });
  if (res.statusCode !== 200) {
    await res.body.dump();
    throw new Error(`the file URL answered ${res.statusCode}`);
  }
  const declared = Number(res.headers['content-length'] ?? 0);
  if (declared > MAX_ATTACHMENT_BYTES) {
    await res.body.dump();
    throw new Error('the file is larger than 20 MB');
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of res.body) {
    size += (chunk as Buffer).length;
    if (size > MAX_ATTACHMENT_BYTES) {
      res.body.destroy();
      throw new Error('the file is larger than 20 MB');
    }
    chunks.push(chunk as Buffer);
  }
  const type = res.headers['content-type'];
  const contentType = (Array.isArray(type) ? type[0] : type) ?? 'application/octet-stream';
  return { bytes: Buffer.concat(chunks), contentType, filename: fileName(attachment, url) };
}

/** Uploads one file into the conversation as the user; returns 8x8's attachment id. */
export async function uploadFile(
  settings: EightByEightSettings,
  conversationId: string,
  file: FetchedFile,
  signal?: AbortSignal,
): Promise<string> {
  const form = new FormData();
  form.append('attachment', new Blob([new Uint8Array(file.bytes)], { type: file.contentType }), file.filename);
  form.append('authorType', 'user');
  const headers: Record<string, string> = {
    'x-api-key': settings.apiKey,
    accept: 'application/hal+json, application/json',
  };
  if (settings.tenant) headers['x-8x8-tenant'] = settings.tenant;
  const path = `/chat-gateway/v1/conversations/${encodeURIComponent(conversationId)}/attachments`;
  const timeout = AbortSignal.timeout(settings.requestTimeoutMs);
  const res = await request(`${settings.baseUrl}${path}`, {
    method: 'POST',
    headers,
    body: form,
    signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
  });
  const text = await res.body.text();
  let body: unknown;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = undefined;
  }
  if (res.statusCode >= 400) {
    const message = (body as { message?: unknown } | undefined)?.message;
    throw vendorError({
      vendor: VENDOR,
      status: res.statusCode,
      operation: 'upload attachment',
      headers: res.headers,
      ...(typeof message === 'string' ? { vendorMessage: message } : {}),
    });
  }
  const id = (body as { id?: unknown } | undefined)?.id;
  if (typeof id !== 'string' || !id) {
    throw new VendorApiError('8x8 upload attachment: no attachment id in the answer', {
      vendor: VENDOR,
      status: res.statusCode,
      operation: 'upload attachment',
    });
  }
  return id;
}
