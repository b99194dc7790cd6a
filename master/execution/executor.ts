import type { RecordBatch } from '../../engine/batch/record-batch.js';
import type { InputSplit } from '../../engine/connectors/split.js';
import type { TaskEnv } from '../../engine/exec/task.js';
import type { StreamingPlan } from '../../engine/physical/streaming-planner.js';
import type { EventTimeStats, StateOperatorMetrics } from '../../engine/physical/task-metrics.js';
import type { StateEmit } from '../../engine/state/state-store.js';

/** One attempt of one micro-batch, as the driver hands it to the cluster. */
export interface BatchJob {
  readonly queryId: string;
  /** The run's fencing token (checkpoint run lease); with `attempt` unique across every run. */
  readonly run: number;
  readonly batchId: number;
  /** Counts every attempt of the run (not only of this batch), so it never repeats within the run. */
  readonly attempt: number;
  readonly plan: StreamingPlan;
  readonly splits: readonly InputSplit[];
  readonly env: TaskEnv;
  readonly checkpoint: string;
  readonly lateBeforeUs: number | null;
  readonly evictBeforeUs: number | null;
  /**
   * What the stateful operator emits: `evicted` in append mode, `updated` in update mode; in
   * complete mode `all` when the driver holds no result table yet, else `updated` (merged there).
   */
  readonly emit: StateEmit;
  /** Told as each step of the attempt ends (ownership, map stage, reduce stage): the batch trace. */
  readonly onStep?: (step: string) => void;
  /**
   * Given each reduce task's output as the task ends, before the others have (the result still
   * lists it): complete mode merges it into the driver's table while the other tasks run.
   */
  readonly onReduceOutput?: (output: RecordBatch) => void;
}

export interface BatchJobResult {
  /** The rows for the sink, before driver-side operators (sort, limit). */
  readonly output: readonly RecordBatch[];
  readonly numInputRows: number;
  readonly eventTime: Readonly<Record<string, EventTimeStats>>;
  readonly state: StateOperatorMetrics | undefined;
}

/** Runs micro-batches' stages on workers. Local mode and the cluster implement it the same way. */
export interface ClusterExecutor {
  /** How many input splits a batch should be cut into (total worker cores). */
  parallelism(): number;
  runBatch(job: BatchJob): Promise<BatchJobResult>;
  /**
   * Run `run` of a query ended: forget its partition ownership (unless a newer run recorded it)
   * and tell workers to drop its data.
   */
  releaseQuery(queryId: string, run: number): Promise<void>;
  /** The state store provider name workers open stores with (`memory`, `redis`). */
  readonly stateProvider: string;
}
