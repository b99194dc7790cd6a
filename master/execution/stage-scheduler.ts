import { ConcurrentModificationError, ExecutionError } from '../../engine/errors/errors.js';
import type { MapTaskResult, ReduceTaskResult } from '../../engine/exec/task.js';
import {
  emptyStateMetrics,
  mergeEventTime,
  mergeStateMetrics,
  type EventTimeStats,
  type StateOperatorMetrics,
} from '../../engine/physical/task-metrics.js';
import type { RecordBatch } from '../../engine/batch/record-batch.js';
import type { BatchJob, BatchJobResult, ClusterExecutor } from './executor.js';
import { afterMapStage } from './failpoints.js';
import { rebalance, type Ownership } from './partition-ownership.js';
import type { WorkerHandle, WorkerPool } from './worker-handle.js';

/** Where each query's partition ownership lives (memory in local mode; Redis, with fencing, in a cluster). */
export interface OwnershipStore {
  get(queryId: string): Promise<Ownership | undefined>;
  /**
   * Records a new ownership before any task of it is dispatched. With `checkpoint`, stores that
   * fence also raise each partition's epoch and run token (`ownership.run`) in its state, and fail
   * with ConcurrentModificationError when a newer run already holds a partition; they may return
   * the ownership with epochs raised past ones already fenced (what the scheduler then dispatches).
   */
  set(queryId: string, ownership: Ownership, checkpoint?: string): Promise<Ownership | void>;
  /** Forgets the ownership unless a run newer than `run` recorded it. */
  delete(queryId: string, run: number): Promise<void>;
}

export class MemoryOwnershipStore implements OwnershipStore {
  private readonly map = new Map<string, Ownership>();
  get(queryId: string): Promise<Ownership | undefined> {
    return Promise.resolve(this.map.get(queryId));
  }
  set(queryId: string, o: Ownership): Promise<Ownership> {
    this.map.set(queryId, o);
    return Promise.resolve(o);
  }
  delete(queryId: string, run: number): Promise<void> {
    if ((this.map.get(queryId)?.run ?? -1) <= run) this.map.delete(queryId);
    return Promise.resolve();
  }
}

export interface SchedulerEvents {
  rebalanced?(queryId: string, moved: number, ownership: Ownership): void;
}

/**
 * Runs a batch's stages: map tasks on the live workers (splits dealt round-robin), then one
 * reduce task per partition owner. Ownership is rebalanced at the batch boundary when the set of
 * live workers changed. Any task failure fails the attempt; the driver retries the batch.
 */
export class StageScheduler implements ClusterExecutor {
  constructor(
    private readonly pool: WorkerPool,
    private readonly ownership: OwnershipStore,
    readonly stateProvider: string,
    private readonly events: SchedulerEvents = {},
  ) {}

  parallelism(): number {
    return Math.max(1, this.pool.live().reduce((n, w) => n + w.cores, 0));
  }

  async runBatch(job: BatchJob): Promise<BatchJobResult> {
    const workers = this.pool.live();
    if (workers.length === 0) throw new ExecutionError('No live workers to run the batch on.');
    const ref = { queryId: job.queryId, run: job.run, batchId: job.batchId, attempt: job.attempt };
    const exchange = job.plan.exchange;
    const ownership = exchange ? await this.ownershipFor(job.queryId, job.run, job.checkpoint, exchange.numPartitions, workers) : undefined;
    const byId = new Map(workers.map((w) => [w.id, w]));

    const mapResults = await Promise.all(
      job.splits.map((split, taskId) => {
        const worker = workers[taskId % workers.length] as WorkerHandle;
        return this.guard(worker, () =>
          worker.runMap({
            job: ref,
            taskId,
            split,
            ops: job.plan.mapOps,
            env: job.env,
            ...(exchange && ownership
              ? { shuffle: { keyTypes: exchange.keyTypes, numPartitions: exchange.numPartitions, owners: ownership.owners } }
              : {}),
          }),
        );
      }),
    );
    afterMapStage(job.splits.length);

    let reduceResults: ReduceTaskResult[] = [];
    if (exchange && ownership) {
      const byOwner = new Map<string, { partitions: number[]; epochs: number[] }>();
      ownership.owners.forEach((owner, p) => {
        let e = byOwner.get(owner);
        if (!e) byOwner.set(owner, (e = { partitions: [], epochs: [] }));
        e.partitions.push(p);
        e.epochs.push(ownership.epochs[p] ?? 0);
      });
      reduceResults = await Promise.all(
        [...byOwner].map(([owner, { partitions, epochs }]) => {
          const worker = byId.get(owner);
          if (!worker) throw new ExecutionError(`Worker ${owner} owning partitions left before the reduce stage.`);
          return this.guard(worker, () =>
            worker.runReduce({
              job: ref,
              partitions,
              numMapTasks: job.splits.length,
              ops: job.plan.reduceOps,
              env: job.env,
              state: {
                provider: this.stateProvider,
                checkpoint: job.checkpoint,
                operatorId: 0,
                lateBeforeUs: job.lateBeforeUs,
                evictBeforeUs: job.evictBeforeUs,
                outputMode: job.plan.outputMode,
                emit: job.emit,
                epochs,
              },
            }),
          );
        }),
      );
    }
    return combine(mapResults, reduceResults, !!exchange);
  }

  async releaseQuery(queryId: string, run: number): Promise<void> {
    await this.ownership.delete(queryId, run);
    await Promise.all(this.pool.live().map((w) => w.releaseQuery(queryId).catch(() => undefined)));
  }

  /**
   * The ownership this batch runs with: the recorded one while it still fits the live workers and
   * was recorded by this run; else a rebalanced one, recorded (and fenced) before any task runs.
   */
  private async ownershipFor(
    queryId: string,
    run: number,
    checkpoint: string,
    numPartitions: number,
    workers: readonly WorkerHandle[],
  ): Promise<Ownership> {
    const previous = await this.ownership.get(queryId);
    if (previous?.run !== undefined && previous.run > run) {
      throw new ConcurrentModificationError(
        `Run ${run} of query ${queryId} found its state partitions held by the newer run ${previous.run}; this run stops.`,
      );
    }
    const ids = workers.map((w) => w.id);
    const same =
      previous !== undefined &&
      previous.run === run &&
      previous.owners.length === numPartitions &&
      previous.owners.every((o) => ids.includes(o)) &&
      isBalanced(previous, ids);
    if (same) return previous;
    const proposed = { ...rebalance(previous, numPartitions, ids), run };
    const next = (await this.ownership.set(queryId, proposed, checkpoint)) ?? proposed;
    const moved = previous ? next.owners.filter((o, p) => previous.owners[p] !== o).length : numPartitions;
    this.events.rebalanced?.(queryId, moved, next);
    return next;
  }

  private async guard<T>(worker: WorkerHandle, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (e) {
      this.pool.suspect(worker.id, e);
      throw e;
    }
  }
}

function isBalanced(o: Ownership, workers: readonly string[]): boolean {
  const counts = new Map(workers.map((w) => [w, 0]));
  for (const owner of o.owners) counts.set(owner, (counts.get(owner) ?? 0) + 1);
  const values = [...counts.values()];
  return Math.max(...values) - Math.min(...values) <= 1;
}

function combine(maps: readonly MapTaskResult[], reduces: readonly ReduceTaskResult[], shuffled: boolean): BatchJobResult {
  const eventTime: Record<string, EventTimeStats> = {};
  let numInputRows = 0;
  for (const m of maps) {
    numInputRows += m.metrics.numInputRows;
    mergeEventTime(eventTime, m.metrics.eventTime);
  }
  let state: StateOperatorMetrics | undefined;
  for (const r of reduces) if (r.metrics.state) state = mergeStateMetrics(state ?? emptyStateMetrics(), r.metrics.state);
  const output: RecordBatch[] = [];
  if (shuffled) {
    for (const r of reduces) if (r.output) output.push(r.output);
  } else {
    for (const m of maps) if (m.output) output.push(m.output);
  }
  return { output, numInputRows, eventTime, state };
}
