import type { RecordBatch } from '../batch/record-batch.js';

/**
 * A streaming sink. Idempotent per batch id: `addBatch` may be called again with the same id after
 * a failure and must then not add the rows twice.
 */
export interface Sink {
  readonly description: string;
  addBatch(batchId: number, batch: RecordBatch): Promise<void>;
  /** Spark's ReportsSinkMetrics: progress `sink.metrics` (strings), read after each batch. */
  metrics?(): Readonly<Record<string, string>>;
  stop?(): Promise<void>;
}
