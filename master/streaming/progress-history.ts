import type { QueryProgress } from './progress.js';

/** The UI's history of a query's batches: the last `capacity` progress reports, oldest first. */
export class ProgressHistory {
  private readonly ring: (QueryProgress | undefined)[];
  private next = 0;
  private count = 0;

  constructor(readonly capacity = 1000) {
    this.ring = new Array<QueryProgress | undefined>(capacity);
  }

  push(p: QueryProgress): void {
    this.ring[this.next] = p;
    this.next = (this.next + 1) % this.capacity;
    this.count = Math.min(this.count + 1, this.capacity);
  }

  get size(): number {
    return this.count;
  }

  /** Oldest first; only reports of batches after `afterBatchId` when given. */
  all(afterBatchId = -Infinity): QueryProgress[] {
    const out: QueryProgress[] = [];
    const start = (this.next - this.count + this.capacity) % this.capacity;
    for (let i = 0; i < this.count; i++) {
      const p = this.ring[(start + i) % this.capacity];
      if (p !== undefined && p.batchId > afterBatchId) out.push(p);
    }
    return out;
  }
}
