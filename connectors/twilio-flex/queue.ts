import type { AvailabilityResult, ConnectorCallOptions, ConnectorWarning, StatusResult } from 'handover-kit/contract';
import { withWarnings, failureReason, featureWarning } from 'handover-kit/connector-utils';
import type { TwilioApi, TwilioChannel, TwilioTask } from './api';
import { estimateWaitMs, pickTask } from './routing';
import type { TwilioFlexSettings } from './schema';
import type { HandoverRecord } from './state';

/** Pending tasks read to rank ours (one page, Twilio's maximum). */
export const POSITION_PAGE_SIZE = 1000;
/** TaskRouter ordering that mirrors a FIFO queue: higher priority first, then the oldest. */
export const QUEUE_ORDERING = 'Priority:desc,DateCreated:asc';

function attributesOf(task: TwilioTask): Record<string, unknown> {
  try {
    const parsed: unknown = JSON.parse(task.attributes ?? '{}');
    return parsed && typeof parsed === 'object' ? (parsed as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/**
 * Queue figures from TaskRouter. Twilio has no per-conversation position or wait API, so both are
 * derived (estimates): the position is the task's rank among its queue's pending tasks, the wait
 * the queue's average wait until accepted minus the task's age. Reads are single attempts and a
 * failure becomes a warning, never a failed status call.
 */
export class QueueInsight {
  constructor(
    private readonly api: TwilioApi,
    private readonly settings: TwilioFlexSettings,
  ) {}

  /** The Flex task(s) created for this conversation (Flex stamps `conversationSid` on them). */
  async taskOf(
    conversationSid: string,
    options: ConnectorCallOptions & { retry?: boolean } = {},
  ): Promise<TwilioTask | undefined> {
    const { tasks } = await this.api.tasks(
      { EvaluateTaskAttributes: `conversationSid == "${conversationSid}"`, PageSize: 20 },
      { ...options, operation: 'find task' },
    );
    return pickTask(tasks);
  }

  async availability(queueSid: string, options?: ConnectorCallOptions): Promise<AvailabilityResult> {
    const warnings: ConnectorWarning[] = [];
    const [live, wait] = await Promise.all([
      this.api.realTimeStatistics(queueSid, { signal: options?.signal, operation: 'check availability' }),
      this.averageWaitSeconds(queueSid, warnings, options),
    ]);
    const agents = live.total_available_workers ?? 0;
    const queued = live.tasks_by_status?.pending;
    const estimatedWaitMs = estimateWaitMs(wait);
    return {
      available: agents > 0,
      ...(agents > 0 ? {} : { reason: 'no-agents' as const }),
      agentsAvailable: agents,
      ...(queued !== undefined ? { queueLength: queued } : {}),
      ...(estimatedWaitMs !== undefined ? { estimatedWaitMs } : {}),
      ...withWarnings(warnings),
    };
  }

  /** Status of a handover nobody has joined yet: queue with position and wait, or what the task says. */
  async waiting(
    conversationSid: string,
    record: HandoverRecord | undefined,
    options?: ConnectorCallOptions,
  ): Promise<StatusResult> {
    const warnings: ConnectorWarning[] = [];
    let task: TwilioTask | undefined;
    try {
      task = await this.taskOf(conversationSid, { signal: options?.signal, retry: false });
    } catch (error) {
      warnings.push(featureWarning('queuePosition', `Task lookup failed: ${failureReason(error)}`));
    }
    // No task yet: the interaction is still being set up (creation is asynchronous), or it failed.
    if (!task)
      return (await this.setupFailure(record, warnings, options)) ?? { status: 'queue', ...withWarnings(warnings) };
    switch (task.assignment_status) {
      case 'canceled':
        return { status: 'cancelled' };
      case 'wrapping':
      case 'completed':
        return { status: 'completed' };
      case 'assigned':
        return { status: 'active' };
    }
    const queueSid = task.task_queue_sid ?? record?.queueSid ?? this.settings.queueSid;
    if (!queueSid) return { status: 'queue', ...withWarnings(warnings) };
    const [position, wait] = await Promise.all([
      this.position(task, queueSid, warnings, options),
      this.averageWaitSeconds(queueSid, warnings, options),
    ]);
    const estimatedWaitMs = estimateWaitMs(wait, task.age ?? 0);
    return {
      status: 'queue',
      ...(position !== undefined ? { queuePosition: position } : {}),
      ...(estimatedWaitMs !== undefined ? { estimatedWaitMs } : {}),
      ...withWarnings(warnings),
    };
  }

  /** The interaction and channel to close, from the record or, failing that, the task's Flex attributes. */
  async interactionChannel(conversationSid: string, record: HandoverRecord, options?: ConnectorCallOptions) {
    let interactionSid = record.interactionSid;
    let channelSid = record.channelSid;
    if (!interactionSid) {
      const attrs = await this.taskOf(conversationSid, { signal: options?.signal }).then((t) =>
        t ? attributesOf(t) : {},
      );
      interactionSid = typeof attrs.flexInteractionSid === 'string' ? attrs.flexInteractionSid : undefined;
      channelSid = typeof attrs.flexInteractionChannelSid === 'string' ? attrs.flexInteractionChannelSid : undefined;
    }
    if (!interactionSid) return undefined;
    const channels = await this.api.interactionChannels(interactionSid, {
      signal: options?.signal,
      operation: 'close handover: channels',
    });
    // The channel Flex reported on the task, else the one still open (a transferred interaction may list closed ones).
    const open = (c: TwilioChannel) => !['closed', 'inactive', 'failed'].includes(c.status ?? '');
    const channel = channels.find((c) => c.sid === channelSid) ?? channels.find(open) ?? channels[0];
    return { interactionSid, channelSid: channel?.sid, status: channel?.status ?? undefined };
  }

  /** An interaction whose channels all failed (Flex refused the routing): the handover is in error. */
  private async setupFailure(
    record: HandoverRecord | undefined,
    warnings: ConnectorWarning[],
    options?: ConnectorCallOptions,
  ): Promise<StatusResult | undefined> {
    if (!record?.interactionSid) return undefined;
    try {
      const channels = await this.api.interactionChannels(record.interactionSid, {
        signal: options?.signal,
        retry: false,
        operation: 'interaction setup',
      });
      if (channels.length === 0 || channels.some((c) => c.status !== 'failed')) return undefined;
      const why = channels[0]?.error_message ?? 'no reason given';
      return {
        status: 'error',
        warnings: [...warnings, { type: 'other', message: `Flex could not set up the interaction: ${why}` }],
      };
    } catch (error) {
      warnings.push({ type: 'other', message: `Interaction lookup failed: ${failureReason(error)}` });
      return undefined;
    }
  }

  private async position(
    task: TwilioTask,
    queueSid: string,
    warnings: ConnectorWarning[],
    options?: ConnectorCallOptions,
  ): Promise<number | undefined> {
    if (task.assignment_status === 'reserved') return 1; // being offered to an agent right now
    try {
      const { tasks, more } = await this.api.tasks(
        { TaskQueueSid: queueSid, AssignmentStatus: 'pending', Ordering: QUEUE_ORDERING, PageSize: POSITION_PAGE_SIZE },
        { signal: options?.signal, retry: false, operation: 'queue position' },
      );
      const index = tasks.findIndex((t) => t.sid === task.sid);
      if (index >= 0) return index + 1;
      if (more)
        warnings.push(
          featureWarning('queuePosition', `More than ${POSITION_PAGE_SIZE} tasks wait ahead; position unknown`),
        );
    } catch (error) {
      warnings.push(featureWarning('queuePosition', `Queue position unavailable: ${failureReason(error)}`));
    }
    return undefined;
  }

  private async averageWaitSeconds(
    queueSid: string,
    warnings: ConnectorWarning[],
    options?: ConnectorCallOptions,
  ): Promise<number | undefined> {
    try {
      const stats = await this.api.cumulativeStatistics(queueSid, {
        signal: options?.signal,
        retry: false,
        operation: 'wait estimate',
      });
      return stats.wait_duration_in_queue_until_accepted?.avg ?? stats.avg_task_acceptance_time ?? undefined;
    } catch (error) {
      warnings.push(featureWarning('estimatedWaitTime', `Wait estimate unavailable: ${failureReason(error)}`));
      return undefined;
    }
  }
}
