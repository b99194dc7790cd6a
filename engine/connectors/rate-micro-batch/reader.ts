import { recordBatch, type RecordBatch } from '../../batch/record-batch.js';
import { constVector, valuesVector } from '../../batch/vector.js';
import { T } from '../../types/data-type.js';
import { schemaOf } from '../../types/schema.js';
import type { InputSplit, SplitReader } from '../split.js';

/** Spark's RatePerMicroBatchProvider.SCHEMA. */
export const RATE_MICRO_BATCH_SCHEMA = schemaOf([T.field('timestamp', T.timestamp), T.field('value', T.long)]);

/** One partition of a batch `[startOffset, endOffset)` (Spark's RatePerMicroBatchStreamInputPartition). */
export interface RateMicroBatchSplitConfig {
  readonly partition: number;
  readonly numPartitions: number;
  readonly startOffset: number;
  /** The batch's start offset's timestamp (ms): every row of the batch carries it. */
  readonly startTimestampMs: number;
  readonly endOffset: number;
}

/** Rows of one partition: `startOffset + partition + k·numPartitions` below `endOffset`. */
export function rateMicroBatchPartitionRows(c: RateMicroBatchSplitConfig): number {
  return Math.max(0, Math.ceil((c.endOffset - c.startOffset - c.partition) / c.numPartitions));
}

/**
 * Spark's RatePerMicroBatchStreamPartitionReader: values `startOffset + partition + k·numPartitions`
 * for k = 0, 1, ... while below `endOffset`, each with the batch's start timestamp.
 */
export const rateMicroBatchReader: SplitReader = {
  name: 'rate-micro-batch',
  read(split: InputSplit): Promise<RecordBatch[]> {
    const c = split.config as RateMicroBatchSplitConfig;
    const n = rateMicroBatchPartitionRows(c);
    const values = new Array<number>(n);
    for (let k = 0; k < n; k++) values[k] = c.startOffset + c.partition + k * c.numPartitions;
    return Promise.resolve([recordBatch(RATE_MICRO_BATCH_SCHEMA, n, [constVector(c.startTimestampMs * 1000), valuesVector(values)])]);
  },
};
