import { z } from 'zod';
import { field, secret } from 'handover-kit/contract';
import { settingIssue } from 'handover-kit/connector-utils';
import { centerConfigSchema } from './model';

/** Settings of a simulated-center provider. */
export const simulatedSettingsSchema = z
  .strictObject({
    center: field(z.string().min(1).max(64).default('default'), {
      label: 'Center',
      description: 'Name of the in-process center; providers naming the same center share its queues and agents.',
    }),
    queue: field(z.string().min(1).max(64).optional(), {
      label: 'Queue',
      description: 'Default queue for handovers (the first queue when empty).',
    }),
    setup: field(centerConfigSchema.optional(), {
      label: 'Center setup',
      description: 'Queues (business hours, capacity) and agents, used when the center is first created.',
    }),
    delivery: field(z.enum(['push', 'webhook']).default('push'), {
      label: 'Event delivery',
      description:
        'push: events in-process; webhook: signed HTTP webhooks to the gateway, as a real vendor sends them.',
    }),
    webhookUrl: field(z.url().optional(), {
      label: 'Webhook URL',
      description: "Where webhooks go (defaults to the gateway's URL for this provider).",
    }),
    webhookSecret: secret(z.string().min(16, 'Use at least 16 characters').optional(), {
      label: 'Webhook secret',
      description: 'Signs webhooks (HMAC-SHA256 over timestamp and body).',
    }),
  })
  .superRefine((s, ctx) => {
    if (s.delivery === 'webhook' && !s.webhookSecret)
      settingIssue(ctx, 'webhookSecret', 'Required when event delivery is "webhook"');
  });

export type SimulatedSettings = z.output<typeof simulatedSettingsSchema>;
