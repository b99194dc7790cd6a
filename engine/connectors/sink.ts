import type { RecordBatch } from '../batch/record-batch.js';

/**
 * A streaming sink. Idempotent per batch id: `addBatch` may be called again with the same id after
 * a failure and must then not add the rows twice.
 */
export interface Sink {
  readonly description: string;
  addBatch(batchId: number, batch: RecordBatch): Promise<void>;
  stop?(): Promise<void>;
}
