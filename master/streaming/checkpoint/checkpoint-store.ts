import type { LineLog, SourceMetadataLog } from '../../../engine/connectors/source.js';

/** Spark's OffsetSeq: what batch N reads, when it was built, and the watermark it runs with. */
export interface OffsetSeq {
  readonly batchWatermarkMs: number;
  readonly batchTimestampMs: number;
  /** Settings frozen at the first start (shuffle partitions, watermark policy, ...). */
  readonly conf: Readonly<Record<string, string>>;
  /** One entry per source in plan order; null when the source had no offset yet. */
  readonly offsets: readonly (unknown | null)[];
}

export interface CommitMetadata {
  readonly nextBatchWatermarkMs: number;
}

export interface CheckpointMetadata {
  readonly id: string;
}

/** A write-once log keyed by batch id (Spark's HDFSMetadataLog). */
export interface MetadataLog<T> {
  /** Writes entry `batchId` unless it exists; false when it already existed. */
  add(batchId: number, value: T): Promise<boolean>;
  get(batchId: number): Promise<T | undefined>;
  latest(): Promise<{ batchId: number; value: T } | undefined>;
  /** Deletes entries below `batchId`. */
  purge(belowBatchId: number): Promise<void>;
}

/**
 * Where a streaming query keeps its progress: `metadata` (the query id), `offsets/N` (written
 * before batch N runs), `commits/N` (written after its sink accepted it) and per-source data.
 * File-backed in local mode, Redis-backed in a cluster.
 */
export interface CheckpointStore {
  readonly location: string;
  /** True for checkpoints Kindling made up for a query that named none (deleted on clean stop). */
  readonly temporary: boolean;
  readMetadata(): Promise<CheckpointMetadata | undefined>;
  /** Write-once; returns the stored metadata (an existing one wins). */
  writeMetadata(meta: CheckpointMetadata): Promise<CheckpointMetadata>;
  /**
   * Takes the checkpoint's run lease for run `runId`: returns a fencing token (an atomic counter
   * kept in the checkpoint) larger than every earlier run's, on this or any other master. From
   * then on this store's `offsets`/`commits` writes carry the token and fail with
   * CONCURRENT_STREAM_LOG_UPDATE (not retryable) once a newer run has taken the lease.
   */
  acquireRunLease(runId: string): Promise<number>;
  readonly offsets: MetadataLog<OffsetSeq>;
  readonly commits: MetadataLog<CommitMetadata>;
  sourceMetadata(sourceIndex: number): SourceMetadataLog;
  lineLog(sourceIndex: number): LineLog;
  /** Removes everything (temporary checkpoints on clean stop). */
  destroy(): Promise<void>;
}

/** The run lease as kept in a checkpoint: the newest run's token and who holds it. */
export interface RunLease {
  readonly token: number;
  readonly runId: string;
  readonly since: number;
}

export interface CheckpointStoreFactory {
  open(location: string, temporary: boolean): Promise<CheckpointStore>;
  /** A fresh location for a query without one. */
  temporaryLocation(): string;
}

/** The batch ids among a log's entry names (files, or hash fields), ascending; other names are not entries. */
export function batchIds(names: readonly string[]): number[] {
  return names.filter((n) => /^\d+$/.test(n)).map(Number).sort((a, b) => a - b);
}

/**
 * A log's newest entry, given its batch ids ascending: newest first, an entry purged between
 * listing and reading is skipped. Both checkpoint stores' `latest` are this.
 */
export async function latestEntry<T>(ids: readonly number[], get: (batchId: number) => Promise<T | undefined>): Promise<{ batchId: number; value: T } | undefined> {
  for (let i = ids.length - 1; i >= 0; i--) {
    const batchId = ids[i] as number;
    const value = await get(batchId);
    if (value !== undefined) return { batchId, value };
  }
  return undefined;
}
