import { concatBatches, emptyBatch, sliceBatch, withSchema, type RecordBatch } from '../../../engine/batch/record-batch.js';
import type { Sink } from '../../../engine/connectors/sink.js';
import type { Logger } from '../../../engine/connectors/source.js';
import type { OutputMode } from '../../../engine/analysis/streaming-checks.js';
import { RuntimeDataError } from '../../../engine/errors/errors.js';
import type { Schema } from '../../../engine/types/schema.js';

/** The session conf that caps a memory table's rows. */
export const MEMORY_SINK_MAX_ROWS_CONF = 'kindling.memorySink.maxRows';
export const MEMORY_SINK_MAX_ROWS_DEFAULT = 1_000_000;

/**
 * Spark's memory sink, bounded by `maxRows` so a long-running query cannot exhaust the driver's
 * memory. Complete mode replaces the table with each batch; a result over the cap fails the query
 * (KINDLING_MEMORY_SINK_ROW_LIMIT_EXCEEDED) and leaves the table as it was, since a truncated
 * complete result would be wrong. Append and update add rows; past the cap the oldest rows are
 * dropped, with a warning the first time and the count in progress `sink.metrics`. Ignores batch
 * ids it has already stored.
 */
export class MemorySink implements Sink {
  readonly description = 'MemorySink';
  /** The table, as the batches that made it (columnar: a batch is stored as it came, not as rows). */
  private batches: RecordBatch[] = [];
  private rowCount = 0;
  private lastBatchId = -1;
  private dropped = 0;
  private last: RecordBatch;

  constructor(
    readonly name: string,
    readonly schema: Schema,
    private readonly mode: OutputMode,
    private readonly maxRows: number,
    private readonly log?: Pick<Logger, 'warn'>,
  ) {
    this.last = emptyBatch(schema);
  }

  addBatch(batchId: number, batch: RecordBatch): Promise<void> {
    if (batchId <= this.lastBatchId) return Promise.resolve();
    const incoming = withSchema(batch, this.schema);
    if (this.mode === 'complete') {
      if (incoming.numRows > this.maxRows) {
        return Promise.reject(
          RuntimeDataError.withClass('KINDLING_MEMORY_SINK_ROW_LIMIT_EXCEEDED', {
            tableName: `\`${this.name}\``,
            numRows: String(incoming.numRows),
            maxRows: String(this.maxRows),
            confKey: MEMORY_SINK_MAX_ROWS_CONF,
          }),
        );
      }
      this.batches = [incoming];
      this.rowCount = incoming.numRows;
    } else if (incoming.numRows > 0) {
      this.batches.push(incoming);
      this.rowCount += incoming.numRows;
    }
    this.last = incoming;
    if (this.rowCount > this.maxRows) {
      const excess = this.rowCount - this.maxRows;
      this.dropOldest(excess);
      if (this.dropped === 0) {
        this.log?.warn(
          { table: this.name, batchId, maxRows: this.maxRows, dropped: excess, conf: MEMORY_SINK_MAX_ROWS_CONF },
          `memory sink table \`${this.name}\` (${this.mode} mode) reached its limit of ${this.maxRows} rows (${MEMORY_SINK_MAX_ROWS_CONF}): ` +
            `dropped the ${excess} oldest rows, and from now on the oldest rows are dropped as new ones arrive ` +
            `(progress sink.metrics.numRowsDropped counts them). Raise ${MEMORY_SINK_MAX_ROWS_CONF} before starting the query to keep more.`,
        );
      }
      this.dropped += excess;
    }
    this.lastBatchId = batchId;
    return Promise.resolve();
  }

  private dropOldest(count: number): void {
    let left = count;
    while (left > 0) {
      const first = this.batches[0] as RecordBatch;
      if (first.numRows <= left) {
        this.batches.shift();
        left -= first.numRows;
      } else {
        this.batches[0] = sliceBatch(first, left, first.numRows);
        left = 0;
      }
    }
    this.rowCount -= count;
  }

  /**
   * Drops the rows: the session that could query the table was released (in Spark the table is a
   * temp view of its session and goes with it). Listed finished runs must not keep it in memory.
   */
  release(): void {
    this.batches = [];
    this.rowCount = 0;
    this.last = emptyBatch(this.schema);
  }

  /** Spark's ReportsSinkMetrics: empty (as Spark's memory sink) until the cap dropped rows. */
  metrics(): Readonly<Record<string, string>> {
    return this.dropped === 0 ? {} : { maxRows: String(this.maxRows), numRowsDropped: String(this.dropped) };
  }

  /** The table as of now (concatenated once, then kept as one batch until the next addBatch). */
  snapshot(): RecordBatch {
    if (this.batches.length !== 1) this.batches = this.rowCount === 0 ? [] : [concatBatches(this.schema, this.batches)];
    return this.batches[0] ?? emptyBatch(this.schema);
  }

  /** The rows of the latest batch only (tests: Spark's CheckLastBatch). */
  lastBatch(): RecordBatch {
    return this.last;
  }

  get droppedRows(): number {
    return this.dropped;
  }

  get latestBatchId(): number {
    return this.lastBatchId;
  }
}
