import { batchFromRows, batchToRows, type RecordBatch } from '../../../engine/batch/record-batch.js';
import type { Sink } from '../../../engine/connectors/sink.js';
import type { OutputMode } from '../../../engine/analysis/streaming-checks.js';
import type { Schema } from '../../../engine/types/schema.js';

/**
 * Spark's memory sink, bounded: complete mode replaces the table with each batch; append and
 * update add rows. Past `maxRows` the oldest rows are dropped (and counted), so a long-running
 * query cannot exhaust the driver's memory. Ignores batch ids it has already stored.
 */
export class MemorySink implements Sink {
  readonly description = 'MemorySink';
  private rows: unknown[][] = [];
  private lastBatchId = -1;
  private dropped = 0;
  private last: unknown[][] = [];

  constructor(
    readonly name: string,
    readonly schema: Schema,
    private readonly mode: OutputMode,
    private readonly maxRows: number,
    private readonly onCap: (dropped: number) => void = () => undefined,
  ) {}

  addBatch(batchId: number, batch: RecordBatch): Promise<void> {
    if (batchId <= this.lastBatchId) return Promise.resolve();
    const incoming = batchToRows(batch);
    this.last = incoming;
    if (this.mode === 'complete') this.rows = incoming;
    else for (const r of incoming) this.rows.push(r);
    if (this.rows.length > this.maxRows) {
      const excess = this.rows.length - this.maxRows;
      this.rows = this.rows.slice(excess);
      if (this.dropped === 0) this.onCap(excess);
      this.dropped += excess;
    }
    this.lastBatchId = batchId;
    return Promise.resolve();
  }

  /** The table as of now. */
  snapshot(): RecordBatch {
    return batchFromRows(this.schema, this.rows);
  }

  /** The rows of the latest batch only (tests: Spark's CheckLastBatch). */
  lastBatch(): RecordBatch {
    return batchFromRows(this.schema, this.last);
  }

  get droppedRows(): number {
    return this.dropped;
  }

  get latestBatchId(): number {
    return this.lastBatchId;
  }
}
