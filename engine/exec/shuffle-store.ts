import { ExecutionError } from '../errors/errors.js';
import { jobKey, type JobRef, type ShuffleBlock } from './task.js';

const ABANDONED_AFTER_MS = 10 * 60_000;

/** A reduce task waiting for its blocks (it may arrive before the map tasks are done). */
interface Waiter {
  readonly expected: number;
  readonly resolve: (blocks: ShuffleBlock[]) => void;
  readonly reject: (e: unknown) => void;
}

interface JobBlocks {
  readonly job: JobRef;
  readonly blocks: Map<number, ShuffleBlock>;
  touched: number;
  waiter?: Waiter | undefined;
}

/** The blocks a worker has received, by job attempt; taken once by the reduce task. */
export class ShuffleStore {
  private readonly jobs = new Map<string, JobBlocks>();

  put(block: ShuffleBlock): void {
    const job = this.entry(block.job);
    job.blocks.set(block.mapTaskId, block);
    job.touched = Date.now();
    const w = job.waiter;
    if (w && arrived(job, w.expected)) {
      job.waiter = undefined;
      try {
        w.resolve(this.take(block.job, w.expected));
      } catch (e) {
        w.reject(e);
      }
    }
    this.sweep();
  }

  /**
   * The blocks of map tasks `0 … expected-1` of exactly this attempt; an error when one is missing
   * (retry the batch). Blocks of any other attempt or run are never part of the answer.
   */
  take(job: JobRef, expected: number): ShuffleBlock[] {
    const got = this.jobs.get(jobKey(job))?.blocks;
    const blocks: ShuffleBlock[] = [];
    for (let m = 0; m < expected; m++) {
      const b = got?.get(m);
      if (b) blocks.push(b);
    }
    if (blocks.length < expected || (got?.size ?? 0) > expected) {
      throw new ExecutionError(
        `Shuffle input of batch ${job.batchId} (run ${job.run}, attempt ${job.attempt}) is incomplete: ` +
          `${blocks.length} of ${expected} map outputs arrived${(got?.size ?? 0) > expected ? `, and ${(got?.size ?? 0) - blocks.length} unexpected ones` : ''}.`,
      );
    }
    return blocks;
  }

  /**
   * Like `take`, but waits for blocks still to come: the master sends a reduce task together with
   * the map tasks, so it is ready when the last block lands. The wait ends with an error when the
   * attempt is released, cancelled or superseded (a newer attempt or run of the query).
   */
  collect(job: JobRef, expected: number): Promise<ShuffleBlock[]> {
    const entry = this.entry(job);
    if (arrived(entry, expected)) {
      try {
        return Promise.resolve(this.take(job, expected));
      } catch (e) {
        return Promise.reject(e);
      }
    }
    if (entry.waiter) return Promise.reject(new ExecutionError(`Batch ${job.batchId} (attempt ${job.attempt}) already has a reduce task waiting here.`));
    return new Promise((resolve, reject) => (entry.waiter = { expected, resolve, reject }));
  }

  release(job: JobRef): void {
    const entry = this.jobs.get(jobKey(job));
    if (!entry) return;
    this.jobs.delete(jobKey(job));
    abandon(entry, 'was cancelled');
  }

  /** Drops every job of a query older than `batchId` (or all of it); returns how many went. */
  releaseQuery(queryId: string, belowBatch = Number.POSITIVE_INFINITY): number {
    return this.drop((j) => j.queryId === queryId && j.batchId < belowBatch);
  }

  /** Drops every job of a query from runs older than `run`; returns how many went. */
  releaseOlderRuns(queryId: string, run: number): number {
    return this.drop((j) => j.queryId === queryId && j.run < run);
  }

  /**
   * Drops the earlier attempts of `job`'s run: a run makes one attempt at a time, so once a task
   * or block of a later attempt arrives, nothing waits for theirs any more.
   */
  releaseEarlierAttempts(job: JobRef): number {
    return this.drop((j) => j.queryId === job.queryId && j.run === job.run && j.attempt < job.attempt);
  }

  get size(): number {
    return this.jobs.size;
  }

  private entry(job: JobRef): JobBlocks {
    const key = jobKey(job);
    let entry = this.jobs.get(key);
    if (!entry) this.jobs.set(key, (entry = { job, blocks: new Map(), touched: Date.now() }));
    return entry;
  }

  private drop(which: (job: JobRef) => boolean): number {
    let n = 0;
    for (const [key, j] of [...this.jobs]) {
      if (which(j.job)) {
        this.jobs.delete(key);
        abandon(j, 'was superseded');
        n++;
      }
    }
    return n;
  }

  /** Forgets jobs nobody came for; a waiting reduce task's job stays (its wait ends when released). */
  private sweep(): void {
    const now = Date.now();
    for (const [key, job] of this.jobs) if (!job.waiter && now - job.touched > ABANDONED_AFTER_MS) this.jobs.delete(key);
  }
}

function arrived(entry: JobBlocks, expected: number): boolean {
  for (let m = 0; m < expected; m++) if (!entry.blocks.has(m)) return false;
  return true;
}

function abandon(entry: JobBlocks, why: string): void {
  const w = entry.waiter;
  if (!w) return;
  entry.waiter = undefined;
  const { job } = entry;
  w.reject(new ExecutionError(`The shuffle input of batch ${job.batchId} (run ${job.run}, attempt ${job.attempt}) of query ${job.queryId} ${why}.`));
}
