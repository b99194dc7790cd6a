import type { Schema } from '../../types/schema.js';
import type { Vector } from '../../batch/vector.js';
import type { OperatorFactory, TaskContext } from '../operator.js';

export interface WatermarkConfig {
  /** Node id: its statistics are keyed by it, and the driver keeps one watermark per id. */
  readonly id: string;
  readonly column: number;
  readonly delayMs: number;
  readonly schema: Schema;
}

/**
 * Spark's EventTimeWatermarkExec: never filters; records min/max/avg/count of the event time (ms)
 * of every row it sees, from which the driver computes the next batch's watermark.
 */
export const WatermarkExec: OperatorFactory<WatermarkConfig> = {
  name: 'EventTimeWatermark',
  create(config, ctx) {
    return {
      schema: config.schema,
      process(batch) {
        const v = batch.columns[config.column];
        if (v) observeEventTimes(config.id, v, batch.numRows, ctx);
        return [batch];
      },
    };
  },
};

/**
 * Adds `numRows` event times (µs; a const vector stands for one repeated) to the statistics of
 * watermark node `id`; with `weights`, row i counts `weights[i]` times (a fused generator's rows).
 */
export function observeEventTimes(id: string, v: Vector, numRows: number, ctx: TaskContext, weights?: ArrayLike<number>): void {
  if (numRows === 0) return;
  let s = ctx.metrics.eventTime[id];
  if (!s) {
    s = { min: Number.POSITIVE_INFINITY, max: Number.NEGATIVE_INFINITY, sum: 0, count: 0 };
    ctx.metrics.eventTime[id] = s;
  }
  let rows = numRows;
  if (weights) {
    rows = 0;
    for (let i = 0; i < numRows; i++) rows += weights[i] as number;
  }
  if (v.kind === 'const') {
    const ms = toMs(v.value);
    s.min = Math.min(s.min, ms);
    s.max = Math.max(s.max, ms);
    s.sum += ms * rows;
    s.count += rows;
    return;
  }
  for (let i = 0; i < numRows; i++) {
    const ms = toMs(v.values[i]);
    if (ms < s.min) s.min = ms;
    if (ms > s.max) s.max = ms;
    s.sum += weights ? ms * (weights[i] as number) : ms;
  }
  s.count += rows;
}

/** µs → ms, flooring; a NULL time counts as 0 as in Spark's statistics collector. */
function toMs(us: unknown): number {
  return typeof us === 'number' ? Math.floor(us / 1000) : 0;
}
