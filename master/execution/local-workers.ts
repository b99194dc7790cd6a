import { ExecutionError } from '../../engine/errors/errors.js';
import type { JobRef, ShuffleBlock, ShuffleTransport } from '../../engine/exec/task.js';
import type { TaskRunner } from '../../engine/exec/task-runner.js';
import type { WorkerHandle, WorkerPool } from './worker-handle.js';

/** A worker living in the master's process (local mode): calls go straight to its TaskRunner. */
export class LocalWorker implements WorkerHandle {
  constructor(
    readonly runner: TaskRunner,
    readonly cores: number,
  ) {}

  get id(): string {
    return this.runner.workerId;
  }

  runMap: WorkerHandle['runMap'] = (task) => this.runner.runMap(task);
  runReduce: WorkerHandle['runReduce'] = (task) => this.runner.runReduce(task);

  cancel(job: JobRef): Promise<void> {
    this.runner.cancel(job);
    return Promise.resolve();
  }

  releaseQuery(queryId: string): Promise<void> {
    this.runner.releaseQuery(queryId);
    return Promise.resolve();
  }
}

/** In-process workers and the shuffle between them. */
export class LocalWorkerPool implements WorkerPool, ShuffleTransport {
  private readonly workers = new Map<string, LocalWorker>();

  add(worker: LocalWorker): void {
    this.workers.set(worker.id, worker);
  }

  remove(workerId: string): void {
    this.workers.delete(workerId);
  }

  live(): readonly LocalWorker[] {
    return [...this.workers.values()];
  }

  suspect(): void {
    // In-process workers do not disappear; a failed task is a failed batch attempt.
  }

  push(workerId: string, block: ShuffleBlock): Promise<void> {
    const w = this.workers.get(workerId);
    if (!w) return Promise.reject(new ExecutionError(`No worker ${workerId} to receive shuffle data.`));
    w.runner.receive(block);
    return Promise.resolve();
  }
}
