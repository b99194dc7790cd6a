import type { WireError } from '../errors/wire.js';
import type { MapTask, ReduceTask, ShuffleBlock } from './task.js';

/**
 * Messages between the master and a worker running in a thread of the same process (local mode).
 * Values cross by structured clone; errors as WireError.
 */
export type ToWorker =
  | { readonly type: 'runMap'; readonly id: number; readonly task: MapTask }
  | { readonly type: 'runReduce'; readonly id: number; readonly task: ReduceTask }
  | { readonly type: 'receive'; readonly id: number; readonly block: ShuffleBlock }
  | { readonly type: 'releaseQuery'; readonly id: number; readonly queryId: string }
  | { readonly type: 'pushAck'; readonly id: number; readonly error?: WireError };

export type FromWorker =
  | { readonly type: 'result'; readonly id: number; readonly value?: unknown; readonly error?: WireError }
  | { readonly type: 'push'; readonly id: number; readonly target: string; readonly block: ShuffleBlock };

export interface ThreadWorkerData {
  readonly workerId: string;
  /** Extra state store providers the entry should load (e.g. Redis), by name and settings. */
  readonly stateStore: { readonly name: string; readonly settings?: Readonly<Record<string, string>> };
}
