import { z } from 'zod';
import type { AvailabilityResult, ConnectorWarning, Routing } from 'handover-kit/contract';
import { validItems, withWarnings } from 'handover-kit/connector-utils';
import type { HttpClient } from 'handover-kit/connector-utils';

/**
 * Agent availability from the Zendesk Support API (`GET /api/v2/agent_availabilities`, JSON:API,
 * cursor pagination), with separate Support credentials: SunCo keys are not accepted there.
 *
 * Counted: agents whose messaging channel is online (filtered by Zendesk), in the routing group
 * when `routing.queue` names one (`group_ids`), and with messaging capacity left when Zendesk
 * reports `max_capacity` (omnichannel routing). No queue length or wait time exists in this API.
 */

const MAX_PAGES = 10;

const availabilitySchema = z.looseObject({
  attributes: z
    .looseObject({
      agent_id: z.union([z.number(), z.string()]).nullish(),
      group_ids: z.array(z.union([z.number(), z.string()])).nullish(),
    })
    .nullish(),
  relationships: z
    .looseObject({ channels: z.looseObject({ data: z.array(z.looseObject({ id: z.string() })).nullish() }).nullish() })
    .nullish(),
});
const channelSchema = z.looseObject({
  id: z.string(),
  type: z.string().nullish(),
  attributes: z
    .looseObject({
      name: z.string().nullish(),
      status: z.string().nullish(),
      work_item_count: z.number().nullish(),
      max_capacity: z.number().nullish(),
    })
    .nullish(),
});
const pageSchema = z.looseObject({
  data: z.array(availabilitySchema),
  included: z.array(z.unknown()).nullish(),
  meta: z.looseObject({ has_more: z.boolean().nullish(), after_cursor: z.string().nullish() }).nullish(),
});

export async function checkAgentAvailability(
  http: HttpClient,
  routing: Routing,
  signal?: AbortSignal,
): Promise<AvailabilityResult> {
  const warnings: ConnectorWarning[] = [];
  if (routing.skills?.length || routing.languages?.length) {
    warnings.push({
      type: 'unsupported',
      feature: 'skills',
      message:
        'Zendesk agent availability can be narrowed by group (routing.queue) only; skills and languages were not ' +
        'considered.',
    });
  }
  let available = 0;
  let after: string | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    const res = await http.send({
      method: 'GET',
      path: 'api/v2/agent_availabilities',
      query: {
        'filter[channel_status]': 'messaging:online',
        'page[size]': 100,
        ...(after ? { 'page[after]': after } : {}),
      },
      operation: 'check availability',
      signal,
    });
    const parsed = pageSchema.safeParse(res.body);
    if (!parsed.success) break;
    const channels = new Map<string, z.infer<typeof channelSchema>>();
    for (const channel of validItems(channelSchema, parsed.data.included))
      if (channel.type === 'channels') channels.set(channel.id, channel);
    for (const agent of parsed.data.data) if (counts(agent, channels, routing.queue)) available++;
    after = parsed.data.meta?.has_more ? (parsed.data.meta.after_cursor ?? undefined) : undefined;
    if (!after) break;
  }
  return {
    available: available > 0,
    agentsAvailable: available,
    ...(available > 0 ? {} : { reason: 'no-agents' as const }),
    ...withWarnings(warnings),
  };
}

function counts(
  agent: z.infer<typeof availabilitySchema>,
  channels: Map<string, z.infer<typeof channelSchema>>,
  group: string | undefined,
): boolean {
  if (group && !(agent.attributes?.group_ids ?? []).some((g) => String(g) === group)) return false;
  for (const ref of agent.relationships?.channels?.data ?? []) {
    const attributes = channels.get(ref.id)?.attributes;
    if (attributes?.name !== 'messaging') continue;
    if (attributes.status && attributes.status !== 'online') return false;
    if (typeof attributes.max_capacity === 'number' && typeof attributes.work_item_count === 'number')
      return attributes.work_item_count < attributes.max_capacity;
  }
  return true;
}
