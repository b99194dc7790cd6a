import { ExecutionError } from '../errors/errors.js';
import { jobKey, type JobRef, type ShuffleBlock } from './task.js';

const ABANDONED_AFTER_MS = 10 * 60_000;

interface JobBlocks {
  readonly job: JobRef;
  readonly blocks: Map<number, ShuffleBlock>;
  touched: number;
}

/** The blocks a worker has received, by job attempt; taken once by the reduce task. */
export class ShuffleStore {
  private readonly jobs = new Map<string, JobBlocks>();

  put(block: ShuffleBlock): void {
    const key = jobKey(block.job);
    let job = this.jobs.get(key);
    if (!job) this.jobs.set(key, (job = { job: block.job, blocks: new Map(), touched: Date.now() }));
    job.blocks.set(block.mapTaskId, block);
    job.touched = Date.now();
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

  release(job: JobRef): void {
    this.jobs.delete(jobKey(job));
  }

  /** Drops every job of a query older than `batchId` (or all of it); returns how many went. */
  releaseQuery(queryId: string, belowBatch = Number.POSITIVE_INFINITY): number {
    return this.drop((j) => j.queryId === queryId && j.batchId < belowBatch);
  }

  /** Drops every job of a query from runs older than `run`; returns how many went. */
  releaseOlderRuns(queryId: string, run: number): number {
    return this.drop((j) => j.queryId === queryId && j.run < run);
  }

  get size(): number {
    return this.jobs.size;
  }

  private drop(which: (job: JobRef) => boolean): number {
    let n = 0;
    for (const [key, j] of [...this.jobs]) {
      if (which(j.job)) {
        this.jobs.delete(key);
        n++;
      }
    }
    return n;
  }

  private sweep(): void {
    const now = Date.now();
    for (const [key, job] of this.jobs) if (now - job.touched > ABANDONED_AFTER_MS) this.jobs.delete(key);
  }
}
