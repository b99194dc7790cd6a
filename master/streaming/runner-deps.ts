import type { Offset, Source } from '../../engine/connectors/source.js';
import type { Sink } from '../../engine/connectors/sink.js';
import type { FunctionRegistry } from '../../engine/functions/registry.js';
import type { StreamingPlan } from '../../engine/physical/streaming-planner.js';
import type { Clock } from '../../engine/util/clock.js';
import type { ClusterExecutor } from '../execution/executor.js';
import type { CheckpointStore, OffsetSeq } from './checkpoint/checkpoint-store.js';
import type { QueryProgress } from './progress.js';
import type { QueryStatus } from './query-status.js';
import type { Trigger } from './trigger.js';
import type { WatermarkPolicy } from './watermark-tracker.js';
import type { Logger } from 'pino';

/** What a `MicroBatchRunner` is given: the query, its parts, the session conf it started with. */
export interface RunnerConf {
  readonly numPartitions: number;
  readonly timeZone: string;
  readonly ansi: boolean;
  readonly noDataMicroBatches: boolean;
  readonly pollingDelayMs: number;
  readonly noDataProgressIntervalMs: number;
  readonly watermarkPolicy: WatermarkPolicy;
  readonly minBatchesToRetain: number;
  readonly maxBatchAttempts: number;
  /** Shuffle pane partials by their keys in a new checkpoint (default true); a checkpoint keeps what it started with. */
  readonly paneShuffle?: boolean;
  /** Persist a pane-shuffled aggregation's state by pane in a new checkpoint (default true; Redis store only). */
  readonly paneState?: boolean;
}

export interface RunnerDeps {
  readonly queryId: string;
  readonly runId: string;
  /** This run's fencing token from the checkpoint's run lease (tags every batch attempt). */
  readonly runToken: number;
  readonly name: string | null;
  readonly plan: StreamingPlan;
  readonly source: Source;
  readonly sink: Sink;
  readonly checkpoint: CheckpointStore;
  readonly executor: ClusterExecutor;
  readonly registry: FunctionRegistry;
  readonly clock: Clock;
  readonly trigger: Trigger;
  readonly conf: RunnerConf;
  readonly log: Logger;
  onStatus(status: QueryStatus): void;
  onProgress(progress: QueryProgress): void;
  onBatchCommitted?(batchId: number): void;
  /** Evaluates the static sides of stream–static joins for a batch (Spark re-reads them every batch). */
  bindStatic?(plan: StreamingPlan): Promise<StreamingPlan>;
}

/** A planned batch as explain() describes it: id, timestamp, late-row and eviction watermarks. */
export interface LastExecution {
  readonly batchId: number;
  readonly batchTimestampMs: number;
  readonly lateWatermarkMs: number;
  readonly evictionWatermarkMs: number;
}

/** A batch whose offsets are in the log: what it reads and with which timestamp and watermark. */
export interface PlannedBatch {
  readonly batchId: number;
  readonly start: Offset | null;
  readonly end: Offset | null;
  readonly seq: OffsetSeq;
  readonly hasData: boolean;
}
