import type { MessagePort } from 'node:worker_threads';
import type { WireError } from '../errors/wire.js';
import type { MapTask, ReduceTask, ShuffleBlock } from './task.js';

/**
 * Messages between the master and a worker running in a thread of the same process (local mode).
 * Values cross by structured clone; errors as WireError. Shuffle blocks never pass through the
 * master: it hands every pair of threads the two ends of a MessageChannel (`peer`), and map tasks
 * post their blocks straight to the owner's end (`PeerMessage`).
 */
export type ToWorker =
  | { readonly type: 'runMap'; readonly id: number; readonly task: MapTask }
  | { readonly type: 'runReduce'; readonly id: number; readonly task: ReduceTask }
  | { readonly type: 'releaseQuery'; readonly id: number; readonly queryId: string }
  /** This thread's end of a channel to thread `workerId` (sent in the transfer list). */
  | { readonly type: 'peer'; readonly workerId: string; readonly port: MessagePort }
  | { readonly type: 'shuffleStats'; readonly id: number };

export type FromWorker = { readonly type: 'result'; readonly id: number; readonly value?: unknown; readonly error?: WireError };

/** Between two worker threads over their channel: a block for the receiver, and its acknowledgement. */
export type PeerMessage =
  | { readonly type: 'block'; readonly id: number; readonly block: ShuffleBlock }
  | { readonly type: 'blockAck'; readonly id: number; readonly error?: WireError };

/** How many shuffle blocks a thread exchanged with its peers directly (tests, diagnostics). */
export interface ThreadShuffleStats {
  readonly blocksSent: number;
  readonly blocksReceived: number;
  /** Peers this thread holds a channel to. */
  readonly peers: readonly string[];
}

export interface ThreadWorkerData {
  readonly workerId: string;
  /** Extra state store providers the entry should load (e.g. Redis), by name and settings. */
  readonly stateStore: { readonly name: string; readonly settings?: Readonly<Record<string, string>> };
}
