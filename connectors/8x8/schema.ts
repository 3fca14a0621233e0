import { z } from 'zod';
import { field, secret } from 'handover-kit/contract';
import { blankAsUnset, isHttpsOrLoopback, requestTimeoutMs, requiredText } from 'handover-kit/connector-utils';

/**
 * Settings of an 8x8 Contact Center (Chat Gateway) provider. Names follow Cognigy's 8x8 provider
 * (Base URL, API Key, 8x8-Tenant) and node (8x8 Channel Id, 8x8 Queue Id, 8x8 JSON properties).
 * Every field accepts the string form a Cognigy Connection hands over ("" for unset).
 */

const optionalText = (max: number) => z.preprocess(blankAsUnset, z.string().trim().min(1).max(max).optional());

/** https anywhere; plain http only on loopback (the test fake, a local proxy). */
const baseUrl = z
  .preprocess(blankAsUnset, z.url('Must be an absolute URL').default('https://api.8x8.com'))
  .refine(isHttpsOrLoopback, 'Use https (plain http is only allowed on 127.0.0.1 / localhost)')
  .transform((value) => value.replace(/\/+$/, ''));

/** A JSON object given as an object or as its text (Cognigy's JSON fields arrive either way). */
export const jsonObjectSchema = z.preprocess((value, ctx) => {
  const b = blankAsUnset(value);
  if (typeof b !== 'string') return b;
  try {
    return JSON.parse(b);
  } catch {
    ctx.addIssue({ code: 'custom', message: 'Must be a JSON object' });
    return z.NEVER;
  }
}, z.record(z.string(), z.unknown()).optional());

export const METRICS_REGIONS = ['us', 'eu', 'au', 'ca'] as const;

export const eightByEightSettingsSchema = z.strictObject({
  baseUrl: field(baseUrl, {
    label: 'Base URL',
    description: 'Chat Gateway host (default https://api.8x8.com). Paths /chat-gateway/v1/… are added.',
    placeholder: 'https://api.8x8.com',
  }),
  apiKey: secret(requiredText('API key'), {
    label: 'API Key',
    description: 'Key of an Admin Console app with the "Chat Gateway" product (sent as x-api-key).',
  }),
  tenant: field(optionalText(128), {
    label: '8x8-Tenant',
    description: 'Contact Center tenant id (X-8x8-Tenant). Needed when the customer has more than one tenant.',
  }),
  channelId: field(requiredText('8x8 Channel Id'), {
    label: '8x8 Channel Id',
    description: 'The Chat API channel handovers are created in (Configuration Manager › Channels › Chat API).',
  }),
  queueId: field(optionalText(64), {
    label: '8x8 Queue Id',
    description: "Queue the conversation is assigned to; empty uses the channel's routing. Also used for metrics.",
  }),
  jsonProperties: field(jsonObjectSchema, {
    label: '8x8 JSON properties',
    description: 'JSON merged into every create-conversation request, e.g. {"user":{"company":"Acme"}}.',
  }),
  apiSecret: secret(optionalText(512), {
    label: 'API secret (real-time metrics)',
    description: "The same app's secret, with the real-time analytics product: turns on availability and wait times.",
  }),
  metricsRegion: field(z.preprocess(blankAsUnset, z.enum(METRICS_REGIONS).default('us')), {
    label: 'Real-time metrics region',
    description: 'Where the tenant lives: us, eu, au or ca (selects the analytics host path).',
  }),
  customerId: field(optionalText(128), {
    label: 'Customer id (webhooks)',
    description: 'When set, webhooks whose signed x-8x8-customer-id differs are refused.',
  }),
  webhookMaxAgeMs: field(z.coerce.number().int().min(10_000).max(3_600_000).default(300_000), {
    label: 'Webhook replay window (ms)',
    description: 'Signed transmission times older or newer than this are refused (default 300000).',
  }),
  requestTimeoutMs: requestTimeoutMs('8x8 API'),
});

export type EightByEightSettings = z.output<typeof eightByEightSettingsSchema>;
export type EightByEightSettingsInput = z.input<typeof eightByEightSettingsSchema>;

/** `connectorOptions['8x8']`: per-handover overrides (what Cognigy sets on the node). */
export const eightByEightOptionsSchema = z.strictObject({
  channelId: optionalText(128),
  queueId: optionalText(64),
  jsonProperties: jsonObjectSchema,
});
export type EightByEightOptions = z.output<typeof eightByEightOptionsSchema>;
