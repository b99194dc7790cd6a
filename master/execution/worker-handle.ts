import type { JobRef, MapTask, MapTaskResult, ReduceTask, ReduceTaskResult } from '../../engine/exec/task.js';

/**
 * The master's view of one worker: where tasks go. In local mode it wraps an in-process
 * TaskRunner; in a cluster it is a gRPC client. Failures the master may retry elsewhere are
 * ExecutionErrors.
 */
export interface WorkerHandle {
  readonly id: string;
  readonly cores: number;
  runMap(task: MapTask): Promise<MapTaskResult>;
  /** Runs a reduce task; it may arrive before the map tasks are done and waits for their blocks. */
  runReduce(task: ReduceTask): Promise<ReduceTaskResult>;
  /** Ends the tasks of a failed attempt (a reducer waiting for blocks that will not come). */
  cancel?(job: JobRef): Promise<void>;
  /** Tells the worker a query stopped (drop its shuffle data, close its state stores). */
  releaseQuery(queryId: string): Promise<void>;
}

/** The live workers, as the scheduler sees them at a batch boundary. */
export interface WorkerPool {
  live(): readonly WorkerHandle[];
  /** Called when a worker fails a task with an error that suggests it is gone. */
  suspect(workerId: string, error: unknown): void;
}
