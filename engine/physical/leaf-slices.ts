import { sliceBatch, type RecordBatch } from '../batch/record-batch.js';

/**
 * Spark's leaf partitioning of driver-side data (`LocalTableScanExec` / `parallelize`, `RangeExec`):
 * `min(rows, parallelism)` slices, slice i holding rows [⌊i·n/k⌋, ⌊(i+1)·n/k⌋). Aggregating
 * each slice and merging the partials in slice order adds doubles in Spark's order, so a sum or a
 * standard deviation matches Spark's to the last digit.
 */
export function sparkSlices(batch: RecordBatch, parallelism: number): RecordBatch[] {
  const n = batch.numRows;
  const k = Math.max(1, Math.min(n, Math.floor(parallelism)));
  if (k === 1) return [batch];
  const out: RecordBatch[] = [];
  for (let i = 0; i < k; i++) {
    const start = Math.floor((i * n) / k);
    const end = Math.floor(((i + 1) * n) / k);
    out.push(sliceBatch(batch, start, end));
  }
  return out;
}
