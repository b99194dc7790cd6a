import type { RecordBatch } from '../../batch/record-batch.js';
import type { Operator } from '../operator.js';

/**
 * A map-side aggregation that also takes rows standing for several equal input rows each: a fused
 * generator (`SplitAggregate`) hands it each distinct word once with how many times it came, not
 * one row per word. Only for buffers that are integral sums (count, sum of integers), where w equal
 * rows add up to exactly w times one row's partial.
 */
export interface WeightedAggregate extends Operator {
  /** As `process` (which returns nothing for an aggregation), with row i counted `weights[i]` times. */
  processWeighted(batch: RecordBatch, weights: ArrayLike<number>): void;
}
