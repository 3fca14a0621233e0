/**
 * A durable queue split into partitions (one per handover for webhook events, one per user session
 * for the Cognigy outbox). Items of one partition are handed out in order, to one worker at a time:
 * claiming a partition takes a lease on it, and nobody else gets its items until the lease is released
 * or runs out (the holder crashed). Different partitions are processed concurrently, on any instance.
 */
export interface QueueEntry<T> {
  partition: string;
  item: T;
}

export interface ClaimedPartition<T> {
  partition: string;
  /** The first items of the partition, oldest first. */
  items: T[];
  /** Failed attempts at the head item so far (for backoff). */
  attempts: number;
}

export interface QueueBackend<T> {
  /** `memory` or `redis`. */
  readonly kind: string;
  /** True when other processes can add work (the worker then polls as well as waiting for kicks). */
  readonly shared: boolean;
  /** Appends every entry, all or nothing; resolves once they are stored. */
  append(entries: readonly QueueEntry<T>[]): Promise<void>;
  /** Leases up to `max` eligible partitions and returns their first `batch` items. */
  claim(max: number, batch: number): Promise<ClaimedPartition<T>[]>;
  /** Removes the first `count` items of a leased partition; false when the lease was lost. */
  ack(partition: string, count: number): Promise<boolean>;
  /**
   * Gives the lease back; with `retryAt` the partition waits until then (and its attempts grow). With
   * `ack`, first removes that many items as `ack` does (nothing when the lease was lost), in the same step.
   */
  release(partition: string, retryAt?: number, ack?: number): Promise<void>;
  /** Extends the leases this worker holds. */
  renew(partitions: readonly string[]): Promise<void>;
  /** Items waiting in all partitions. */
  depth(): Promise<number>;
  /** When the earliest waiting partition becomes eligible, if any waits. */
  nextDueAt(): Promise<number | undefined>;
  /** Called when delayed work becomes eligible (memory backends only). */
  onWake?: () => void;
  close(): Promise<void>;
}

/** What a handler returns for a claimed partition. */
export interface PartitionOutcome {
  /** Stop here and try the head item again at this time (epoch ms). */
  retryAt?: number;
  /**
   * Processed items not acknowledged yet: removed together with the release (one step instead of
   * two; the last item of a batch is usually acknowledged this way).
   */
  ack?: number;
}

export interface PartitionControl {
  /** Removes the first `count` processed items durably; false when the lease was lost (stop then). */
  ack(count: number): Promise<boolean>;
}

export type PartitionHandler<T> = (
  claimed: ClaimedPartition<T>,
  control: PartitionControl,
) => Promise<PartitionOutcome>;
