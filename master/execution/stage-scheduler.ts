import { ConcurrentModificationError, ExecutionError } from '../../engine/errors/errors.js';
import type { JobRef, MapTaskResult, ReduceTaskResult } from '../../engine/exec/task.js';
import {
  emptyStateMetrics,
  mergeEventTime,
  mergeStateMetrics,
  type EventTimeStats,
  type StateOperatorMetrics,
} from '../../engine/physical/task-metrics.js';
import type { RecordBatch } from '../../engine/batch/record-batch.js';
import type { BatchJob, BatchJobResult, ClusterExecutor } from './executor.js';
import { afterMapStage, stagesInOrder } from './failpoints.js';
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
  /**
   * The ownership each query's current run last recorded or read, so a batch whose workers did
   * not change needs no store read. A newer run elsewhere that took the partitions is still
   * stopped: its lease fences this run's offsets, and its epochs this run's state writes.
   */
  private readonly recorded = new Map<string, Ownership>();

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
    job.onStep?.('ownership');

    const runMaps = Promise.all(
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
    const runReduces = (): Promise<ReduceTaskResult[]> => (exchange && ownership ? this.reduceStage(job, ref, ownership, byId) : Promise.resolve([]));
    // Reduce tasks go out with the map tasks and wait on their workers for the blocks, so a
    // reducer starts the moment its last block lands, not a round trip through the master later.
    // (A crash failpoint between the stages needs them one after the other.)
    const reducing = stagesInOrder() ? undefined : runReduces();
    reducing?.catch(() => undefined);
    let mapResults: MapTaskResult[];
    try {
      mapResults = await runMaps;
    } catch (e) {
      // Reducers of this attempt would wait for blocks that never come: end their wait.
      if (reducing) for (const w of workers) void w.cancel?.(ref).catch(() => undefined);
      throw e;
    }
    afterMapStage(job.splits.length);
    job.onStep?.('mapStage');
    const reduceResults = await (reducing ?? runReduces());
    job.onStep?.('reduceStage');
    return combine(mapResults, reduceResults, !!exchange);
  }

  private reduceStage(job: BatchJob, ref: JobRef, ownership: Ownership, byId: ReadonlyMap<string, WorkerHandle>): Promise<ReduceTaskResult[]> {
    const exchange = job.plan.exchange;
    const byOwner = new Map<string, { partitions: number[]; epochs: number[] }>();
    ownership.owners.forEach((owner, p) => {
      let e = byOwner.get(owner);
      if (!e) byOwner.set(owner, (e = { partitions: [], epochs: [] }));
      e.partitions.push(p);
      e.epochs.push(ownership.epochs[p] ?? 0);
    });
    return Promise.all(
      [...byOwner].map(([owner, { partitions, epochs }]) => {
        const worker = byId.get(owner);
        if (!worker || !exchange) return Promise.reject(new ExecutionError(`Worker ${owner} owning partitions left before the reduce stage.`));
        const done = this.guard(worker, () =>
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
        // Outside the guard: the driver's use of the output says nothing about the worker.
        return done.then((r) => {
          if (r.output) job.onReduceOutput?.(r.output);
          return r;
        });
      }),
    );
  }

  async releaseQuery(queryId: string, run: number): Promise<void> {
    if ((this.recorded.get(queryId)?.run ?? -1) <= run) this.recorded.delete(queryId);
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
    const cached = this.recorded.get(queryId);
    const previous = cached?.run === run ? cached : await this.ownership.get(queryId);
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
    if (same) {
      this.recorded.set(queryId, previous);
      return previous;
    }
    const proposed = { ...rebalance(previous, numPartitions, ids), run };
    this.recorded.delete(queryId);
    const next = (await this.ownership.set(queryId, proposed, checkpoint)) ?? proposed;
    this.recorded.set(queryId, next);
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
