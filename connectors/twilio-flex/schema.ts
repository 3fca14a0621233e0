import { z } from 'zod';
import { field, secret } from 'handover-kit/contract';
import { baseUrlOverride, httpsUrl, requestTimeoutMs, settingIssue } from 'handover-kit/connector-utils';

/** Twilio SIDs: two letters and 32 hex digits. */
const sid = (prefix: string, what: string) =>
  z
    .string()
    .trim()
    .regex(new RegExp(`^${prefix}[0-9a-fA-F]{32}$`), `Must be the ${what} SID (${prefix} followed by 32 hex digits)`);

/** The Interactions API's channel types (`interaction_channel_enum_type` in twilio_flex_v1.json). */
export const INTERACTION_CHANNEL_TYPES = ['web', 'chat', 'sms', 'whatsapp', 'messenger', 'gbm', 'email'] as const;

/** Settings of a Twilio Flex provider (Conversations + Interactions + TaskRouter). */
export const twilioFlexSettingsSchema = z
  .strictObject({
    accountSid: field(sid('AC', 'Account'), { label: 'Account SID', description: 'Your Twilio Account SID (AC…).' }),
    authToken: secret(z.string().min(16, 'The Auth Token has 32 characters').optional(), {
      label: 'Auth Token',
      description:
        'Signs the webhooks Twilio sends (X-Twilio-Signature) and, without an API key, authenticates API calls. ' +
        'Falls back to HANDOVER_TWILIO_AUTH_TOKEN.',
    }),
    apiKeySid: field(sid('SK', 'API key').optional(), {
      label: 'API key SID',
      description:
        'Optional: call the API with an API key (SK…) instead of the Auth Token. Webhooks are still verified with ' +
        'the Auth Token.',
    }),
    apiKeySecret: secret(z.string().min(1).optional(), {
      label: 'API key secret',
      description: 'The secret of the API key.',
    }),
    workspaceSid: field(sid('WS', 'TaskRouter Workspace'), {
      label: 'TaskRouter Workspace SID',
      description: 'The Flex Task Assignment workspace (WS…).',
    }),
    workflowSid: field(sid('WW', 'TaskRouter Workflow'), {
      label: 'TaskRouter Workflow SID',
      description:
        'The workflow that routes handovers to queues (WW…). Its filters can read the task attributes listed on the ' +
        'setup page.',
    }),
    queueSid: field(sid('WQ', 'TaskRouter TaskQueue').optional(), {
      label: 'TaskQueue SID',
      description:
        'Queue whose statistics answer availability and wait estimates when routing names no TaskQueue SID (WQ…).',
    }),
    taskChannel: field(z.string().trim().min(1).default('chat'), {
      label: 'Task channel',
      description: 'TaskRouter task channel unique name (default chat).',
    }),
    channelType: field(z.enum(INTERACTION_CHANNEL_TYPES).default('web'), {
      label: 'Interaction channel type',
      description: 'Channel type of the interaction (default web, as Flex Webchat; some setups use chat).',
    }),
    webhookUrl: field(httpsUrl().optional(), {
      label: 'Public webhook URL',
      description:
        'The exact URL Twilio calls (https://<gateway>/webhooks/<providerId>). Set it behind a proxy: signatures ' +
        "bind the URL Twilio used. Defaults to the gateway's public URL.",
    }),
    identityPrefix: field(z.string().min(1).max(64).default('handover-kit:'), {
      label: 'Customer identity prefix',
      description:
        'The customer participant is `<prefix><user id>`; messages by such authors are never relayed back as agent ' +
        'messages.',
    }),
    botIdentity: field(z.string().min(1).max(128).default('bot'), {
      label: 'Bot author',
      description: 'Author of the transcript messages posted before routing.',
    }),
    statisticsMinutes: field(z.coerce.number().int().min(5).max(1440).default(60), {
      label: 'Statistics window (minutes)',
      description: 'Window of the queue statistics behind wait estimates (default 60).',
    }),
    closedTimer: field(
      z
        .string()
        .regex(/^P(T?\d+[DHMS])+$/, 'An ISO 8601 duration, e.g. P1D or PT12H')
        .optional(),
      {
        label: 'Close abandoned conversations after',
        description:
          'Optional Conversations Timers.Closed (ISO 8601, at least PT10M): Twilio closes the conversation after ' +
          'this much inactivity.',
      },
    ),
    conversationsBaseUrl: baseUrlOverride('Conversations API'),
    flexBaseUrl: baseUrlOverride('Flex API'),
    taskrouterBaseUrl: baseUrlOverride('TaskRouter API'),
    requestTimeoutMs: requestTimeoutMs('Twilio API'),
  })
  .superRefine((s, ctx) => {
    if ((s.apiKeySid === undefined) !== (s.apiKeySecret === undefined))
      settingIssue(ctx, 'apiKeySecret', 'Set both the API key SID and its secret, or neither');
  });

export type TwilioFlexSettings = z.output<typeof twilioFlexSettingsSchema>;
export type TwilioFlexSettingsInput = z.input<typeof twilioFlexSettingsSchema>;

export const AUTH_TOKEN_ENV = 'HANDOVER_TWILIO_AUTH_TOKEN';

export const TWILIO_HOSTS = {
  conversations: 'https://conversations.twilio.com',
  flex: 'https://flex-api.twilio.com',
  taskrouter: 'https://taskrouter.twilio.com',
} as const;
