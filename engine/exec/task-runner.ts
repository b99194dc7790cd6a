import { concatBatches, sliceBatch, takeRows, type RecordBatch } from '../batch/record-batch.js';
import { valueAt, type Vector } from '../batch/vector.js';
import type { SplitReaderRegistry } from '../connectors/split.js';
import { ConcurrentModificationError, ExecutionError, InternalError } from '../errors/errors.js';
import type { FunctionRegistry } from '../functions/registry.js';
import { RowPartitioner } from '../physical/hash-partitioner.js';
import { Pipeline, type OperatorRegistry, type TaskContext } from '../physical/operator.js';
import { emptyStateMetrics, mergeStateMetrics, newTaskMetrics, type TaskMetrics } from '../physical/task-metrics.js';
import type { StateStoreProvider } from '../state/state-store.js';
import type { Schema } from '../types/schema.js';
import { ShuffleStore } from './shuffle-store.js';
import {
  jobKey,
  type JobRef,
  type MapTask,
  type MapTaskResult,
  type ReduceTask,
  type ReduceTaskResult,
  type ShuffleBlock,
  type ShuffleTransport,
  type TaskEnv,
} from './task.js';

export interface TaskRunnerDeps {
  readonly workerId: string;
  readonly registry: FunctionRegistry;
  readonly operators: OperatorRegistry;
  readonly splitReaders: SplitReaderRegistry;
  readonly stateStores: ReadonlyMap<string, StateStoreProvider>;
  readonly shuffle: ShuffleTransport;
  /** Told when blocks of an older run of a query were dropped (a newer run's task arrived). */
  readonly onStaleDropped?: (queryId: string, olderThanRun: number, jobs: number) => void;
}

/** How many partitions of one reduce task touch their state stores at once. */
const REDUCE_CONCURRENCY = 16;

/** Input rows a map task processes between two yields to the event loop. */
const MAP_CHUNK_ROWS = 16_384;

function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * Runs stage tasks on a worker: map tasks read a split, run the narrow operators and partial
 * aggregation, and push hash-partitioned blocks to partition owners; reduce tasks merge the blocks
 * of their partitions into state. The same code runs in-process (local mode) and behind gRPC.
 */
export class TaskRunner {
  readonly shuffleStore = new ShuffleStore();
  private readonly cancelled = new Set<string>();
  /** The newest run token seen per query: tasks and blocks of older runs are refused. */
  private readonly newestRun = new Map<string, number>();
  private running = 0;
  /** The state checkpoints each query's reduce tasks applied to here, per provider: what `releaseQuery` lets go. */
  private readonly stateOf = new Map<string, Map<string, Set<string>>>();

  constructor(private readonly deps: TaskRunnerDeps) {}

  /**
   * The query stopped (the master says so): drops its shuffle blocks and whatever the state
   * providers keep in this process for its checkpoints (a Redis partition's copy), so a stopped
   * query's state does not stay in the worker's memory until it idles out. A later run reloads.
   */
  releaseQuery(queryId: string): number {
    const dropped = this.shuffleStore.releaseQuery(queryId);
    for (const [name, checkpoints] of this.stateOf.get(queryId) ?? []) {
      const provider = this.deps.stateStores.get(name);
      for (const c of checkpoints) provider?.release?.(c);
    }
    this.stateOf.delete(queryId);
    return dropped;
  }

  private noteState(task: ReduceTask): void {
    let byProvider = this.stateOf.get(task.job.queryId);
    if (!byProvider) this.stateOf.set(task.job.queryId, (byProvider = new Map()));
    let checkpoints = byProvider.get(task.state.provider);
    if (!checkpoints) byProvider.set(task.state.provider, (checkpoints = new Set()));
    checkpoints.add(task.state.checkpoint);
  }

  get workerId(): string {
    return this.deps.workerId;
  }

  /** Tasks currently running (health, graceful shutdown). */
  get runningTasks(): number {
    return this.running;
  }

  /** Cancels every task of one job attempt: running ones stop at their next step, new ones refuse. */
  cancel(job: JobRef): void {
    this.cancelled.add(jobKey(job));
    this.shuffleStore.release(job);
    if (this.cancelled.size > 10_000) this.cancelled.clear();
  }

  /** Accepts a block another worker pushed; refuses one of a run older than the newest seen. */
  receive(block: ShuffleBlock): void {
    this.admit(block.job);
    this.shuffleStore.put(block);
  }

  /**
   * Fencing by run: a task or block of a newer run of the query drops what older runs left here
   * (a dead master's shuffle blocks); one of an older run is refused, for good (not retryable).
   */
  private admit(job: JobRef): void {
    const newest = this.newestRun.get(job.queryId);
    if (newest !== undefined && job.run < newest) {
      throw new ConcurrentModificationError(
        `Batch ${job.batchId} of query ${job.queryId} belongs to run ${job.run}, but run ${newest} of the query has started since; refused.`,
      );
    }
    if (newest === undefined || job.run > newest) {
      this.newestRun.set(job.queryId, job.run);
      const dropped = this.shuffleStore.releaseOlderRuns(job.queryId, job.run);
      if (dropped > 0) this.deps.onStaleDropped?.(job.queryId, job.run, dropped);
    }
    this.shuffleStore.releaseEarlierAttempts(job);
  }

  async runMap(task: MapTask): Promise<MapTaskResult> {
    this.admit(task.job);
    this.running++;
    try {
      return await this.map(task);
    } finally {
      this.running--;
    }
  }

  async runReduce(task: ReduceTask): Promise<ReduceTaskResult> {
    this.admit(task.job);
    this.running++;
    try {
      return await this.reduce(task);
    } finally {
      this.running--;
    }
  }

  private checkCancelled(job: JobRef): void {
    if (this.cancelled.has(jobKey(job))) {
      throw new ExecutionError(`Batch ${job.batchId} (run ${job.run}, attempt ${job.attempt}) of query ${job.queryId} was cancelled.`);
    }
  }

  private async map(task: MapTask): Promise<MapTaskResult> {
    this.checkCancelled(task.job);
    const ctx = this.context(task.env);
    const reader = this.deps.splitReaders.get(task.split.reader);
    if (!reader) throw new InternalError(`no split reader '${task.split.reader}'`);
    const input = await reader.read(task.split, ctx);
    const pipeline = Pipeline.create(task.ops, this.deps.operators, ctx);
    const out: RecordBatch[] = [];
    for (const b of input) {
      ctx.metrics.numInputRows += b.numRows;
      // Slices, with the event loop free in between: a long split must not starve heartbeats.
      for (let start = 0; start < b.numRows; start += MAP_CHUNK_ROWS) {
        pipeline.push(b.numRows <= MAP_CHUNK_ROWS ? b : sliceBatch(b, start, start + MAP_CHUNK_ROWS), 0, out);
        if (b.numRows > MAP_CHUNK_ROWS) await yieldToEventLoop();
      }
    }
    out.push(...(await pipeline.finish()));
    this.checkCancelled(task.job);
    if (!task.shuffle) {
      const schema = out[0]?.schema;
      const output = schema ? concatBatches(schema, out) : undefined;
      ctx.metrics.numOutputRows = output?.numRows ?? 0;
      return output ? { metrics: ctx.metrics, output } : { metrics: ctx.metrics };
    }
    await this.pushShuffle(task, out);
    return { metrics: ctx.metrics };
  }

  private async reduce(task: ReduceTask): Promise<ReduceTaskResult> {
    this.checkCancelled(task.job);
    const provider = this.deps.stateStores.get(task.state.provider);
    if (!provider) throw new InternalError(`no state store provider '${task.state.provider}'`);
    this.noteState(task);
    const blocks = await this.shuffleStore.collect(task.job, task.numMapTasks);
    const metrics = newTaskMetrics();
    const outputs: RecordBatch[] = [];
    const runPartition = async (p: number, i: number): Promise<void> => {
      this.checkCancelled(task.job);
      const store = await provider.open({
        checkpoint: task.state.checkpoint,
        operatorId: task.state.operatorId,
        partition: p,
        epoch: task.state.epochs[i] ?? 0,
        run: task.job.run,
      });
      const ctx: TaskContext = {
        ...this.context(task.env),
        state: {
          store,
          batchId: task.job.batchId,
          lateBeforeUs: task.state.lateBeforeUs,
          evictBeforeUs: task.state.evictBeforeUs,
          outputMode: task.state.outputMode,
          emit: task.state.emit,
        },
      };
      const pipeline = Pipeline.create(task.ops, this.deps.operators, ctx);
      const out: RecordBatch[] = [];
      for (const block of blocks) {
        const b = block.partitions.get(p);
        if (b && b.numRows > 0) {
          ctx.metrics.numInputRows += b.numRows;
          pipeline.push(b, 0, out);
        }
      }
      out.push(...(await pipeline.finish()));
      outputs.push(...out);
      metrics.numInputRows += ctx.metrics.numInputRows;
      if (ctx.metrics.state) metrics.state = mergeStateMetrics(metrics.state ?? emptyStateMetrics(), ctx.metrics.state);
    };
    for (let i = 0; i < task.partitions.length; i += REDUCE_CONCURRENCY) {
      const slice = task.partitions.slice(i, i + REDUCE_CONCURRENCY);
      await Promise.all(slice.map((p, k) => runPartition(p, i + k)));
    }
    this.shuffleStore.release(task.job);
    const schema = outputs[0]?.schema;
    const output = schema ? concatBatches(schema, outputs) : undefined;
    metrics.numOutputRows = output?.numRows ?? 0;
    return { metrics, output };
  }

  private context(env: TaskEnv): TaskContext {
    return {
      batchTimestampUs: env.batchTimestampMs * 1000,
      timeZone: env.timeZone,
      ansi: env.ansi,
      registry: this.deps.registry,
      metrics: newTaskMetrics(),
    };
  }

  /** Partitions rows by Spark's hash of the key columns and sends each owner its one block. */
  private async pushShuffle(task: MapTask, out: readonly RecordBatch[]): Promise<void> {
    const target = task.shuffle;
    if (!target) return;
    const keyCount = target.keyTypes.length;
    const parts = new Map<number, RecordBatch[]>();
    let schema: Schema | undefined;
    const key = new Array<unknown>(keyCount);
    const partitioner = new RowPartitioner(target.keyTypes, target.numPartitions);
    for (const b of out) {
      schema ??= b.schema;
      const byPartition = new Map<number, number[]>();
      for (let i = 0; i < b.numRows; i++) {
        for (let c = 0; c < keyCount; c++) key[c] = valueAt(b.columns[c] as Vector, i);
        const p = partitioner.partitionOf(key);
        let rows = byPartition.get(p);
        if (!rows) byPartition.set(p, (rows = []));
        rows.push(i);
      }
      for (const [p, rows] of byPartition) {
        let list = parts.get(p);
        if (!list) parts.set(p, (list = []));
        list.push(takeRows(b, rows));
      }
    }
    const byOwner = new Map<string, Map<number, RecordBatch>>();
    for (const owner of new Set(target.owners)) byOwner.set(owner, new Map());
    for (const [p, batches] of parts) {
      const owner = target.owners[p];
      if (owner === undefined || !schema) throw new InternalError(`partition ${p} has no owner`);
      byOwner.get(owner)?.set(p, concatBatches(schema, batches));
    }
    await Promise.all(
      [...byOwner].map(async ([owner, partitions]) => {
        try {
          await this.deps.shuffle.push(owner, { job: task.job, mapTaskId: task.taskId, partitions }, target.addresses?.[owner]);
        } catch (e) {
          throw new ExecutionError(`Could not push shuffle block to worker ${owner}: ${(e as Error).message}`, { cause: e });
        }
      }),
    );
  }
}
