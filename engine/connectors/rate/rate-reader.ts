import { T } from '../../types/data-type.js';
import { recordBatch, type RecordBatch } from '../../batch/record-batch.js';
import { valuesVector } from '../../batch/vector.js';
import { schemaOf } from '../../types/schema.js';
import type { InputSplit, SplitReader } from '../split.js';

export const RATE_SCHEMA = schemaOf([T.field('timestamp', T.timestamp), T.field('value', T.long)]);

export interface RateSplitConfig {
  readonly startTimeMs: number;
  readonly startSec: number;
  readonly endSec: number;
  /** Values [rangeStart, rangeEnd) of the whole batch. */
  readonly rangeStart: number;
  readonly rangeEnd: number;
  readonly partition: number;
  readonly numPartitions: number;
}

/** One partition of a rate batch: values `rangeStart + partition + k·numPartitions`, evenly timestamped. */
export const rateReader: SplitReader = {
  name: 'rate',
  read(split: InputSplit): Promise<RecordBatch[]> {
    const c = split.config as RateSplitConfig;
    const count = c.rangeEnd - c.rangeStart;
    const msPerValue = count > 0 ? ((c.endSec - c.startSec) * 1000) / count : 0;
    const base = c.startTimeMs + c.startSec * 1000;
    const ts: number[] = [];
    const values: number[] = [];
    for (let v = c.rangeStart + c.partition; v < c.rangeEnd; v += c.numPartitions) {
      values.push(v);
      ts.push((base + Math.round((v - c.rangeStart) * msPerValue)) * 1000);
    }
    return Promise.resolve([recordBatch(RATE_SCHEMA, values.length, [valuesVector(ts), valuesVector(values)])]);
  },
};
