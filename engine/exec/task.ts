import type { RecordBatch } from '../batch/record-batch.js';
import type { InputSplit } from '../connectors/split.js';
import type { OperatorSpec } from '../physical/operator.js';
import type { TaskMetrics } from '../physical/task-metrics.js';
import type { StateEmit } from '../state/state-store.js';
import type { DataType } from '../types/data-type.js';

/**
 * One attempt at running one micro-batch of one query; shuffle blocks are keyed by it. `run` is
 * the run's fencing token (from the checkpoint's run lease, raised by every start of the query on
 * any master) and `attempt` counts every attempt of that run, so no two attempts ever share a key,
 * also across master restarts: a dead master's blocks can never complete a new attempt's input.
 */
export interface JobRef {
  readonly queryId: string;
  readonly run: number;
  readonly batchId: number;
  readonly attempt: number;
}

export function jobKey(job: JobRef): string {
  return `${job.queryId}/${job.batchId}/${job.run}.${job.attempt}`;
}

/** Per-batch values every task evaluates with. */
export interface TaskEnv {
  readonly batchTimestampMs: number;
  readonly timeZone: string;
  readonly ansi: boolean;
}

export interface ShuffleTarget {
  readonly keyTypes: readonly DataType[];
  readonly numPartitions: number;
  /** The worker that owns each partition (index = partition). */
  readonly owners: readonly string[];
  /** Where to reach each owner (worker id → host:port), when workers are separate processes. */
  readonly addresses?: Readonly<Record<string, string>>;
}

export interface MapTask {
  readonly job: JobRef;
  readonly taskId: number;
  readonly split: InputSplit;
  readonly ops: readonly OperatorSpec[];
  /** Present when the output is shuffled to partition owners; absent: output returns to the driver. */
  readonly shuffle?: ShuffleTarget;
  readonly env: TaskEnv;
}

export interface MapTaskResult {
  readonly metrics: TaskMetrics;
  /** Rows for the driver (no shuffle). */
  readonly output?: RecordBatch;
}

export interface ReduceStateSpec {
  readonly provider: string;
  readonly checkpoint: string;
  readonly operatorId: number;
  readonly lateBeforeUs: number | null;
  readonly evictBeforeUs: number | null;
  readonly outputMode: 'append' | 'update' | 'complete';
  /** What the stateful operator emits this batch (the driver decides; see BatchJob.emit). */
  readonly emit: StateEmit;
  /** Fencing epoch per reduced partition (same order as `partitions`). */
  readonly epochs: readonly number[];
}

export interface ReduceTask {
  readonly job: JobRef;
  readonly partitions: readonly number[];
  /** How many map tasks shuffled into this job: one block from each must be present. */
  readonly numMapTasks: number;
  readonly ops: readonly OperatorSpec[];
  readonly state: ReduceStateSpec;
  readonly env: TaskEnv;
}

export interface ReduceTaskResult {
  readonly metrics: TaskMetrics;
  readonly output: RecordBatch | undefined;
}

/**
 * The rows one map task sends one worker: for each partition that worker owns, the partial rows
 * (possibly none). Every map task sends every owner exactly one block, so a reducer can tell
 * when its input is complete.
 */
export interface ShuffleBlock {
  readonly job: JobRef;
  readonly mapTaskId: number;
  readonly partitions: ReadonlyMap<number, RecordBatch>;
}

/** Delivers shuffle blocks to the worker that owns their partitions. */
export interface ShuffleTransport {
  push(workerId: string, block: ShuffleBlock, address?: string): Promise<void>;
}
