import { z } from 'zod';
import { field, secret } from 'handover-kit/contract';
import { isHttpsOrLoopback, requestTimeoutMs } from 'handover-kit/connector-utils';

/** The SCRT host: https anywhere, plain http only on loopback (the test fake). */
const scrtUrl = z
  .url('Must be an absolute URL, e.g. https://acme.my.salesforce-scrt.com')
  .refine(isHttpsOrLoopback, 'Use https (plain http is only allowed on 127.0.0.1 / localhost)')
  .transform((value) => value.replace(/\/+$/, ''));

/** Routing attributes: flat key → string / number / boolean, each a hidden pre-chat field at Salesforce. */
export const routingAttributesSchema = z.record(z.string().min(1), z.union([z.string(), z.number(), z.boolean()]));
export type RoutingAttributes = z.infer<typeof routingAttributesSchema>;

/** Accepts the JSON object itself or its text (Cognigy's JSON fields arrive either way). */
const jsonObject = z.preprocess((value) => {
  if (typeof value !== 'string') return value;
  if (value.trim() === '') return {};
  try {
    return JSON.parse(value);
  } catch {
    return value; // the record schema reports it
  }
}, routingAttributesSchema);

/**
 * Settings of a Salesforce MIAW provider. Names follow Cognigy's MIAW provider and node fields:
 * Base URL, Organization ID, Embedded Service Developer Name, Capabilities Version, Forward Events to
 * the Flow, Conversation Routing Attributes, Identity Token for Authenticated Users, Send Transcript
 * as first message, End Chat When Agent Leaves.
 */
export const salesforceMiawSettingsSchema = z.strictObject({
  baseUrl: field(scrtUrl, {
    label: 'Base URL (SCRT URL)',
    description: "The deployment's messaging URL from its code snippet, e.g. https://acme.my.salesforce-scrt.com.",
    placeholder: 'https://acme.my.salesforce-scrt.com',
  }),
  organizationId: field(
    z
      .string()
      .trim()
      .regex(/^00D[0-9A-Za-z]{12}(?:[0-9A-Za-z]{3})?$/, 'Must be a Salesforce org id (00D…, 15 or 18 characters)'),
    {
      label: 'Organization ID',
      description: 'Setup › Company Information › Salesforce.com Organization ID.',
    },
  ),
  esDeveloperName: field(
    z
      .string()
      .trim()
      .regex(/^[A-Za-z][A-Za-z0-9_]*$/, 'Must be the API (developer) name of the Embedded Service deployment'),
    {
      label: 'Embedded Service Developer Name',
      description: 'API name of a Custom Client Embedded Service deployment (Messaging for In-App and Web).',
    },
  ),
  capabilitiesVersion: field(z.string().trim().min(1).default('1'), {
    label: 'Capabilities Version',
    description: 'Sent when asking for an access token (Cognigy and the sample app send 1).',
  }),
  authMode: field(z.enum(['unauthenticated', 'authenticated']).default('unauthenticated'), {
    label: 'User verification',
    description:
      'unauthenticated: a guest access token per handover (user verification off). authenticated: a ' +
      'token from the customer identity token (JWT) of each handover.',
  }),
  identityToken: secret(z.string().min(1).optional(), {
    label: 'Identity Token for Authenticated Users',
    description:
      'Default customer identity token (JWT) when authMode is authenticated. A per-handover token ' +
      '(connectorOptions["salesforce-miaw"].identityToken) wins.',
  }),
  routingAttributes: field(jsonObject.default({}), {
    label: 'Conversation Routing Attributes',
    description:
      'JSON of key/value pairs for the Omni-Channel flow; every key must be a hidden pre-chat field. ' +
      'Merged under per-handover attributes.',
  }),
  sendTranscriptAsFirstMessage: field(z.boolean().default(false), {
    label: 'Send Transcript as first message',
    description: 'Posts the bot transcript into the conversation after it is created (split above 3000 characters).',
  }),
  endChatWhenAgentLeaves: field(z.boolean().default(false), {
    label: 'End Chat When Agent Leaves',
    description:
      'Ends the handover when the last agent leaves outside a transfer, since Salesforce does not ' +
      'always send the close event.',
  }),
  forwardEventsToFlow: field(z.boolean().default(false), {
    label: 'Forward Events to the Flow',
    description:
      'Forwards other stream events (system messages, routing work results, session status) to the ' +
      'flow as provider events.',
  }),
  tokenEncryptionKey: secret(z.string().min(32, 'Use at least 32 characters').optional(), {
    label: 'Token encryption key',
    description:
      'When set, access tokens are kept AES-256-GCM encrypted in the shared connector state, so ' +
      'another gateway instance (or this one after a restart) can resume the stream. Without it they ' +
      'live only in this process.',
  }),
  requestTimeoutMs: requestTimeoutMs('API'),
  heartbeatTimeoutMs: field(z.coerce.number().int().min(50).max(600_000).default(90_000), {
    label: 'Stream heartbeat timeout (ms)',
    description: 'A stream silent this long is reconnected (default 90000, as the sample app).',
  }),
  reconnectBaseMs: field(z.coerce.number().int().min(1).max(60_000).default(1000), {
    label: 'Stream reconnect delay (ms)',
    description: 'First wait before reconnecting a dropped stream; then ×1.5 per failure up to 30 s (default 1000).',
  }),
  streamLeaseMs: field(z.coerce.number().int().min(100).max(600_000).default(30_000), {
    label: 'Stream lease (ms)',
    description:
      'How long one gateway instance owns a conversation stream between renewals (renewed every third of it).',
  }),
});

export type SalesforceMiawSettings = z.output<typeof salesforceMiawSettingsSchema>;
export type SalesforceMiawSettingsInput = z.input<typeof salesforceMiawSettingsSchema>;

/** Per-handover options under `connectorOptions['salesforce-miaw']`. */
export const miawHandoverOptionsSchema = z
  .object({
    routingAttributes: jsonObject.optional(),
    identityToken: z.string().min(1).optional(),
    sendTranscriptAsFirstMessage: z.boolean().optional(),
  })
  .strip();
export type MiawHandoverOptions = z.infer<typeof miawHandoverOptionsSchema>;
