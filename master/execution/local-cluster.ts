import { builtinSplitReaders } from '../../engine/connectors/index.js';
import { TaskRunner } from '../../engine/exec/task-runner.js';
import { defaultRegistry } from '../../engine/functions/builtin/index.js';
import { defaultOperators } from '../../engine/physical/operators/index.js';
import { MemoryStateStoreProvider } from '../../engine/state/memory-state-store.js';
import type { StateStoreProvider } from '../../engine/state/state-store.js';
import { LocalWorker, LocalWorkerPool } from './local-workers.js';
import { MemoryOwnershipStore, StageScheduler, type SchedulerEvents } from './stage-scheduler.js';
import { ThreadWorkerPool } from './thread-workers.js';
import type { WorkerPool } from './worker-handle.js';

export interface LocalClusterOptions {
  readonly workers: number;
  /**
   * Run each worker in its own thread from this entry script (what `kindling local` does, so
   * workers use separate cores). Without it, workers run on the master's thread (tests).
   */
  readonly threadEntry?: URL;
  /** Same-thread workers only: defaults to in-memory state checkpointed to each query's checkpoint. */
  readonly stateStore?: StateStoreProvider;
  readonly events?: SchedulerEvents;
}

/**
 * Local mode's execution side: N workers in this process, each a TaskRunner with its own shuffle
 * inbox; tasks reach them through the same scheduler and interfaces a cluster uses.
 */
export class LocalCluster {
  readonly pool: WorkerPool;
  readonly scheduler: StageScheduler;
  private readonly sameThread: LocalWorkerPool | undefined;
  private readonly threads: ThreadWorkerPool | undefined;
  private readonly stateStore: StateStoreProvider | undefined;
  private next = 0;
  private closing = false;

  constructor(private readonly options: LocalClusterOptions) {
    if (options.threadEntry) {
      // A thread lost mid-run (it crashed) is replaced, so local mode keeps its worker count; its
      // partitions move at the next batch boundary and their state reloads from the checkpoint.
      this.threads = new ThreadWorkerPool(options.threadEntry, () => {
        if (!this.closing) this.addWorker();
      });
      this.pool = this.threads;
    } else {
      this.stateStore = options.stateStore ?? new MemoryStateStoreProvider();
      this.sameThread = new LocalWorkerPool();
      this.pool = this.sameThread;
    }
    this.scheduler = new StageScheduler(this.pool, new MemoryOwnershipStore(), this.stateStore?.name ?? 'memory', options.events);
    for (let i = 0; i < options.workers; i++) this.addWorker();
  }

  addWorker(): string {
    const id = `local-worker-${this.next++}`;
    if (this.threads) {
      this.threads.add(id);
      return id;
    }
    const stateStore = this.stateStore as StateStoreProvider;
    const pool = this.sameThread as LocalWorkerPool;
    const runner = new TaskRunner({
      workerId: id,
      registry: defaultRegistry,
      operators: defaultOperators,
      splitReaders: builtinSplitReaders(),
      stateStores: new Map([[stateStore.name, stateStore]]),
      shuffle: pool,
    });
    pool.add(new LocalWorker(runner, 1));
    return id;
  }

  async removeWorker(id: string): Promise<void> {
    if (this.threads) await this.threads.remove(id);
    else this.sameThread?.remove(id);
  }

  async close(): Promise<void> {
    this.closing = true;
    await this.threads?.close();
    await this.stateStore?.close();
  }
}
