import { Worker } from 'node:worker_threads';
import { ExecutionError } from '../../engine/errors/errors.js';
import { errorFromWire, errorToWire } from '../../engine/errors/wire.js';
import type { FromWorker, ThreadWorkerData, ToWorker } from '../../engine/exec/thread-protocol.js';
import type { MapTask, MapTaskResult, ReduceTask, ReduceTaskResult, ShuffleBlock } from '../../engine/exec/task.js';
import type { WorkerHandle, WorkerPool } from './worker-handle.js';

type Pending = { resolve: (v: unknown) => void; reject: (e: Error) => void };

/** A local-mode worker running in its own thread, so workers use separate cores. */
export class ThreadWorker implements WorkerHandle {
  readonly cores = 1;
  private readonly thread: Worker;
  private nextId = 0;
  private readonly pending = new Map<number, Pending>();

  constructor(
    readonly id: string,
    entry: URL,
    private readonly pool: ThreadWorkerPool,
  ) {
    const data: ThreadWorkerData = { workerId: id, stateStore: { name: 'memory' } };
    this.thread = new Worker(entry, { workerData: data });
    this.thread.on('message', (m: FromWorker) => this.onMessage(m));
    this.thread.on('error', (e) => this.failAll(e));
    this.thread.on('exit', (code) => this.failAll(new Error(`worker thread ${id} exited with code ${code}`)));
  }

  runMap(task: MapTask): Promise<MapTaskResult> {
    return this.call({ type: 'runMap', id: this.nextId++, task }) as Promise<MapTaskResult>;
  }

  runReduce(task: ReduceTask): Promise<ReduceTaskResult> {
    return this.call({ type: 'runReduce', id: this.nextId++, task }) as Promise<ReduceTaskResult>;
  }

  receive(block: ShuffleBlock): Promise<void> {
    return this.call({ type: 'receive', id: this.nextId++, block }) as Promise<void>;
  }

  async releaseQuery(queryId: string): Promise<void> {
    await this.call({ type: 'releaseQuery', id: this.nextId++, queryId });
  }

  async terminate(): Promise<void> {
    await this.thread.terminate();
  }

  private call(m: ToWorker): Promise<unknown> {
    return new Promise((resolve, reject) => {
      this.pending.set(m.id, { resolve, reject });
      this.thread.postMessage(m);
    });
  }

  private onMessage(m: FromWorker): void {
    if (m.type === 'result') {
      const p = this.pending.get(m.id);
      this.pending.delete(m.id);
      if (m.error) p?.reject(errorFromWire(m.error));
      else p?.resolve(m.value);
      return;
    }
    // A shuffle block for another worker: relay it and acknowledge once delivered.
    this.pool.deliver(m.target, m.block).then(
      () => this.thread.postMessage({ type: 'pushAck', id: m.id } satisfies ToWorker),
      (e: unknown) => this.thread.postMessage({ type: 'pushAck', id: m.id, error: errorToWire(e) } satisfies ToWorker),
    );
  }

  private failAll(e: Error): void {
    const err = new ExecutionError(`Worker ${this.id} failed: ${e.message}`, { cause: e });
    for (const p of this.pending.values()) p.reject(err);
    this.pending.clear();
  }
}

/** Local mode's workers as threads of this process. */
export class ThreadWorkerPool implements WorkerPool {
  private readonly workers = new Map<string, ThreadWorker>();

  constructor(private readonly entry: URL) {}

  add(id: string): ThreadWorker {
    const w = new ThreadWorker(id, this.entry, this);
    this.workers.set(id, w);
    return w;
  }

  async remove(id: string): Promise<void> {
    const w = this.workers.get(id);
    this.workers.delete(id);
    await w?.terminate();
  }

  live(): readonly ThreadWorker[] {
    return [...this.workers.values()];
  }

  suspect(): void {
    // Threads of this process do not vanish; a failed task fails the batch attempt.
  }

  deliver(target: string, block: ShuffleBlock): Promise<void> {
    const w = this.workers.get(target);
    if (!w) return Promise.reject(new ExecutionError(`No worker ${target} to receive shuffle data.`));
    return w.receive(block);
  }

  async close(): Promise<void> {
    await Promise.all([...this.workers.values()].map((w) => w.terminate()));
    this.workers.clear();
  }
}
