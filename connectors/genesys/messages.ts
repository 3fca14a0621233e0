import { hash } from 'node:crypto';
import { z } from 'zod';
import {
  parseOrThrow,
  type Attachment,
  type ConnectorWarning,
  type HandoverUser,
  type Routing,
  type TranscriptEntry,
} from 'handover-kit/contract';
import type { InboundMessageBody } from './api';

/** First message text when neither the flow nor the transcript gives one. */
export const DEFAULT_START_TEXT = 'The customer asked to talk to an agent.';

/** `connectorOptions.genesys`: vendor-only options of a handover. */
export const genesysHandoverOptionsSchema = z.strictObject({
  /** Extra participant data; may be nested (flattened like the other attributes). Wins over `customAttributes`. */
  customAttributes: z.record(z.string(), z.unknown()).optional(),
  /** Text of the first message, the one that starts the conversation (default: the user's last turn). */
  text: z.string().min(1).max(4000).optional(),
  /** Send the transcript as the `handover.transcript` attribute (default true). */
  includeTranscript: z.boolean().optional(),
});
export type GenesysHandoverOptions = z.infer<typeof genesysHandoverOptionsSchema>;

export function handoverOptions(
  connectorOptions: Record<string, Record<string, unknown>> | undefined,
): GenesysHandoverOptions {
  const raw = connectorOptions?.genesys;
  return raw === undefined
    ? {}
    : parseOrThrow(genesysHandoverOptionsSchema, raw, 'Genesys handover options', 'connectorOptions.genesys');
}

/**
 * A stable `channel.messageId`: the same input always gives the same id (so a repeated send names
 * the same message), and the id has a fixed, short length whatever the input.
 */
export function stableMessageId(kind: 'start' | 'msg' | 'close', ...parts: string[]): string {
  // The one-shot hash: the same digest as createHash().update().digest(), without a Hash object per message.
  return `hk-${kind}-${hash('sha256', parts.join('\u0000'), 'hex').slice(0, 32)}`;
}

export type Sender = InboundMessageBody['channel']['from'];

export function senderOf(user: HandoverUser): Sender {
  return { id: user.id, idType: 'Opaque', ...(user.name ? { nickname: user.name } : {}) };
}

export function startText(options: GenesysHandoverOptions, transcript: readonly TranscriptEntry[]): string {
  if (options.text) return options.text;
  const lastUser = [...transcript].reverse().find((t) => t.role === 'user' && t.text.trim().length > 0);
  return lastUser?.text ?? DEFAULT_START_TEXT;
}

/** Genesys routes in the Inbound Message flow: routing fields only travel as participant data. */
export function routingWarnings(routing: Routing): ConnectorWarning[] {
  const given = (['queue', 'skills', 'languages', 'priority'] as const).filter((k) => {
    const v = routing[k];
    return Array.isArray(v) ? v.length > 0 : v !== undefined && v !== 'none';
  });
  return given.map((feature) => ({
    type: 'unsupported' as const,
    feature: feature === 'queue' ? 'queueRouting' : feature,
    message:
      `Genesys Open Messaging routes in the Architect Inbound Message flow; ${feature} is passed as the ` +
      `participant attribute "handover.routing.${feature}" for the flow to use`,
  }));
}

const MIME_BY_EXTENSION: Record<string, string> = {
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  png: 'image/png',
  gif: 'image/gif',
  webp: 'image/webp',
  mp4: 'video/mp4',
  mov: 'video/quicktime',
  mp3: 'audio/mpeg',
  ogg: 'audio/ogg',
  wav: 'audio/wav',
  m4a: 'audio/mp4',
  pdf: 'application/pdf',
  txt: 'text/plain',
  csv: 'text/csv',
  json: 'application/json',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
};

const MEDIA_TYPE: Record<Attachment['type'], 'Image' | 'Video' | 'Audio' | 'File'> = {
  image: 'Image',
  video: 'Video',
  audio: 'Audio',
  file: 'File',
};

/** Open-message content for our attachments (Genesys requires url and mime; mime is guessed from the file name). */
export function attachmentContent(attachments: readonly Attachment[] | undefined): {
  content: NonNullable<InboundMessageBody['content']>;
  warnings: ConnectorWarning[];
} {
  const content: NonNullable<InboundMessageBody['content']> = [];
  let unknownMime = 0;
  for (const a of attachments ?? []) {
    const name = a.name ?? safePathName(a.url);
    const ext = /\.([a-z0-9]{1,5})$/i.exec(name ?? '')?.[1]?.toLowerCase();
    const mime = (ext && MIME_BY_EXTENSION[ext]) || 'application/octet-stream';
    if (mime === 'application/octet-stream') unknownMime++;
    content.push({
      attachment: { mediaType: MEDIA_TYPE[a.type], url: a.url, mime, ...(name ? { filename: name } : {}) },
    });
  }
  const warnings: ConnectorWarning[] = unknownMime
    ? [
        {
          type: 'other',
          feature: 'attachments',
          message:
            `${unknownMime} attachment(s) sent as application/octet-stream (no known file extension); ` +
            `the integration's content profile may refuse them`,
        },
      ]
    : [];
  return { content, warnings };
}

function safePathName(url: string): string | undefined {
  try {
    const last = new URL(url).pathname.split('/').filter(Boolean).at(-1);
    return last ? decodeURIComponent(last) : undefined;
  } catch {
    return undefined;
  }
}
