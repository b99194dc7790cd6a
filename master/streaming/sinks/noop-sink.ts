import type { RecordBatch } from '../../../engine/batch/record-batch.js';
import type { Sink } from '../../../engine/connectors/sink.js';

/**
 * Spark's `noop` format: every output mode, each batch taken and dropped. It is for running a
 * query for its cost alone (benchmarks, soak runs), with nothing kept on the driver.
 */
export class NoopSink implements Sink {
  readonly description = 'org.apache.spark.sql.execution.datasources.noop.NoopTable$';

  addBatch(_batchId: number, _batch: RecordBatch): Promise<void> {
    return Promise.resolve();
  }
}
