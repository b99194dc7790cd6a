import { builtinSplitReaders } from '../../engine/connectors/index.js';
import { TaskRunner } from '../../engine/exec/task-runner.js';
import { defaultRegistry } from '../../engine/functions/builtin/index.js';
import { defaultOperators } from '../../engine/physical/operators/index.js';
import { MemoryStateStoreProvider } from '../../engine/state/memory-state-store.js';
import type { StateStoreProvider } from '../../engine/state/state-store.js';
import { LocalWorker, LocalWorkerPool } from './local-workers.js';
import { MemoryOwnershipStore, StageScheduler, type SchedulerEvents } from './stage-scheduler.js';

export interface LocalClusterOptions {
  readonly workers: number;
  readonly coresPerWorker?: number;
  /** Defaults to in-memory state checkpointed to each query's checkpoint directory. */
  readonly stateStore?: StateStoreProvider;
  readonly events?: SchedulerEvents;
}

/**
 * Local mode's execution side: N workers in this process, each a TaskRunner with its own shuffle
 * inbox, sharing one state store provider; tasks reach them through the same scheduler and
 * interfaces a cluster uses.
 */
export class LocalCluster {
  readonly pool = new LocalWorkerPool();
  readonly scheduler: StageScheduler;
  readonly stateStore: StateStoreProvider;
  private next = 0;

  constructor(private readonly options: LocalClusterOptions) {
    this.stateStore = options.stateStore ?? new MemoryStateStoreProvider();
    this.scheduler = new StageScheduler(this.pool, new MemoryOwnershipStore(), this.stateStore.name, options.events);
    for (let i = 0; i < options.workers; i++) this.addWorker();
  }

  addWorker(): string {
    const id = `local-worker-${this.next++}`;
    const runner = new TaskRunner({
      workerId: id,
      registry: defaultRegistry,
      operators: defaultOperators,
      splitReaders: builtinSplitReaders(),
      stateStores: new Map([[this.stateStore.name, this.stateStore]]),
      shuffle: this.pool,
    });
    this.pool.add(new LocalWorker(runner, this.options.coresPerWorker ?? 1));
    return id;
  }

  removeWorker(id: string): void {
    this.pool.remove(id);
  }

  async close(): Promise<void> {
    await this.stateStore.close();
  }
}
