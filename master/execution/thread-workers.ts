import { MessageChannel, Worker, type MessagePort } from 'node:worker_threads';
import { ExecutionError } from '../../engine/errors/errors.js';
import { errorFromWire } from '../../engine/errors/wire.js';
import type { FromWorker, ThreadShuffleStats, ThreadWorkerData, ToWorker } from '../../engine/exec/thread-protocol.js';
import type { MapTask, MapTaskResult, ReduceTask, ReduceTaskResult } from '../../engine/exec/task.js';
import type { WorkerHandle, WorkerPool } from './worker-handle.js';

type Pending = { resolve: (v: unknown) => void; reject: (e: Error) => void };
/** A request to the thread, before it gets its id (every request but `peer` is answered). */
type Request = ToWorker extends infer M ? (M extends { readonly id: number } ? Omit<M, 'id'> : never) : never;

/**
 * A local-mode worker running in its own thread, so workers use separate cores. The master only
 * sends it tasks and gets their small results; shuffle blocks travel between threads directly.
 */
export class ThreadWorker implements WorkerHandle {
  readonly cores = 1;
  private readonly thread: Worker;
  private nextId = 0;
  private readonly pending = new Map<number, Pending>();
  private exited: Error | undefined;
  private answeredOnce = false;

  constructor(
    readonly id: string,
    entry: URL,
    onExit: (w: ThreadWorker) => void,
  ) {
    const data: ThreadWorkerData = { workerId: id, stateStore: { name: 'memory' } };
    this.thread = new Worker(entry, { workerData: data });
    this.thread.on('message', (m: FromWorker) => this.onResult(m));
    this.thread.on('error', (e) => this.failAll(e));
    this.thread.once('exit', (code) => {
      this.exited = new Error(`worker thread ${id} exited with code ${code}`);
      this.failAll(this.exited);
      onExit(this);
    });
  }

  runMap(task: MapTask): Promise<MapTaskResult> {
    return this.call<MapTaskResult>({ type: 'runMap', task });
  }

  runReduce(task: ReduceTask): Promise<ReduceTaskResult> {
    return this.call<ReduceTaskResult>({ type: 'runReduce', task });
  }

  async releaseQuery(queryId: string): Promise<void> {
    await this.call({ type: 'releaseQuery', queryId });
  }

  /** How many blocks this thread sent to and took from its peers directly. */
  shuffleStats(): Promise<ThreadShuffleStats> {
    return this.call<ThreadShuffleStats>({ type: 'shuffleStats' });
  }

  /** Hands the thread its end of a channel to `peer` (the port moves to the thread). */
  connect(peer: string, port: MessagePort): void {
    this.thread.postMessage({ type: 'peer', workerId: peer, port } satisfies ToWorker, [port]);
  }

  /** The thread has answered a request: its entry loaded (one that never did is not worth replacing). */
  get answered(): boolean {
    return this.answeredOnce;
  }

  get alive(): boolean {
    return this.exited === undefined;
  }

  /** Stops the thread. Called on its own (not through the pool), the pool sees a lost thread. */
  async terminate(): Promise<void> {
    await this.thread.terminate();
  }

  private call<T>(m: Request): Promise<T> {
    if (this.exited) return Promise.reject(this.failure(this.exited));
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.thread.postMessage({ ...m, id } as ToWorker);
    });
  }

  private onResult(m: FromWorker): void {
    this.answeredOnce = true;
    const p = this.pending.get(m.id);
    this.pending.delete(m.id);
    if (m.error) p?.reject(errorFromWire(m.error));
    else p?.resolve(m.value);
  }

  private failAll(e: Error): void {
    const err = this.failure(e);
    for (const p of this.pending.values()) p.reject(err);
    this.pending.clear();
  }

  private failure(e: Error): ExecutionError {
    return new ExecutionError(`Worker ${this.id} failed: ${e.message}`, { cause: e });
  }
}

/**
 * Local mode's workers as threads of this process, each pair joined by its own MessageChannel for
 * the shuffle. A thread that exits on its own (crash, or `terminate()` called on it directly) leaves
 * the pool and `lost` is told, so local mode can start a replacement; the batch attempt it was part
 * of fails and is retried on the threads then live.
 */
export class ThreadWorkerPool implements WorkerPool {
  private readonly workers = new Map<string, ThreadWorker>();

  constructor(
    private readonly entry: URL,
    private readonly lost: (workerId: string) => void = () => undefined,
  ) {}

  add(id: string): ThreadWorker {
    const w = new ThreadWorker(id, this.entry, (gone) => this.onExit(gone));
    for (const other of this.workers.values()) {
      const { port1, port2 } = new MessageChannel();
      other.connect(id, port1);
      w.connect(other.id, port2);
    }
    this.workers.set(id, w);
    return w;
  }

  async remove(id: string): Promise<void> {
    const w = this.workers.get(id);
    this.workers.delete(id);
    // Its peers see their channels to it close and forget it.
    await w?.terminate();
  }

  live(): readonly ThreadWorker[] {
    return [...this.workers.values()].filter((w) => w.alive);
  }

  suspect(): void {
    // A thread that exits leaves the pool by itself (onExit); a failed task fails the batch attempt.
  }

  async close(): Promise<void> {
    const all = [...this.workers.values()];
    this.workers.clear();
    await Promise.all(all.map((w) => w.terminate()));
  }

  private onExit(w: ThreadWorker): void {
    // Still listed: it was not removed on purpose, so it is lost. One that never answered anything
    // (its entry failed to load) would fail the same way again: it is not replaced.
    if (this.workers.get(w.id) !== w) return;
    this.workers.delete(w.id);
    if (w.answered) this.lost(w.id);
  }
}
