import { z } from 'zod';

/** The parts of Engage's REST bodies the connector reads; everything else passes untouched. */

export const threadSchema = z.looseObject({
  id: z.string(),
  foreign_id: z.string().nullish(),
  closed: z.boolean().nullish(),
  category_ids: z.array(z.string()).nullish(),
});
export const threadListSchema = z.looseObject({
  count: z.number().nullish(),
  records: z.array(threadSchema).default([]),
});

export const interventionSchema = z.looseObject({
  id: z.string(),
  thread_id: z.string().nullish(),
  user_id: z.string().nullish(),
  closed: z.boolean().nullish(),
  closed_at: z.string().nullish(),
  deferred_at: z.string().nullish(),
  created_at: z.string().nullish(),
  user_replies_count: z.number().nullish(),
});
export type EngageIntervention = z.infer<typeof interventionSchema>;
export const interventionListSchema = z.looseObject({
  count: z.number().nullish(),
  records: z.array(interventionSchema).default([]),
});

export const agentStatusListSchema = z.array(
  z.looseObject({
    agent_id: z.string().nullish(),
    channels: z
      .array(
        z.looseObject({
          id: z.string().nullish(),
          name: z.string().nullish(),
          status: z.string().nullish(),
          busyness: z.string().nullish(),
        }),
      )
      .nullish(),
  }),
);

/** REST error body: `{"error":"rate_limit_exceeded","message":"…","status":429}` (and variants). */
export const errorBodySchema = z.looseObject({ error: z.unknown().optional(), message: z.string().nullish() });
