import { ExecutionError } from '../errors/errors.js';
import { jobKey, type JobRef, type ShuffleBlock } from './task.js';

const ABANDONED_AFTER_MS = 10 * 60_000;

/** The blocks a worker has received, by job; taken once by the reduce task. */
export class ShuffleStore {
  private readonly jobs = new Map<string, { blocks: Map<number, ShuffleBlock>; touched: number }>();

  put(block: ShuffleBlock): void {
    const key = jobKey(block.job);
    let job = this.jobs.get(key);
    if (!job) this.jobs.set(key, (job = { blocks: new Map(), touched: Date.now() }));
    job.blocks.set(block.mapTaskId, block);
    job.touched = Date.now();
    this.sweep();
  }

  /** All blocks of a job; an error when fewer than `expected` map tasks delivered (retry the batch). */
  take(job: JobRef, expected: number): ShuffleBlock[] {
    const key = jobKey(job);
    const blocks = [...(this.jobs.get(key)?.blocks.values() ?? [])];
    if (blocks.length < expected) {
      throw new ExecutionError(
        `Shuffle input of batch ${job.batchId} (attempt ${job.attempt}) is incomplete: ${blocks.length} of ${expected} map outputs arrived.`,
      );
    }
    return blocks;
  }

  release(job: JobRef): void {
    this.jobs.delete(jobKey(job));
  }

  /** Drops every job of a query older than `batchId` (or all of it). */
  releaseQuery(queryId: string, belowBatch = Number.POSITIVE_INFINITY): void {
    for (const key of [...this.jobs.keys()]) {
      const [q, b] = key.split('/');
      if (q === queryId && Number(b) < belowBatch) this.jobs.delete(key);
    }
  }

  get size(): number {
    return this.jobs.size;
  }

  private sweep(): void {
    const now = Date.now();
    for (const [key, job] of this.jobs) if (now - job.touched > ABANDONED_AFTER_MS) this.jobs.delete(key);
  }
}
