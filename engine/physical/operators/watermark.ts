import type { Schema } from '../../types/schema.js';
import type { EventTimeStats } from '../task-metrics.js';
import type { OperatorFactory } from '../operator.js';

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
    const stats = (): EventTimeStats => {
      let s = ctx.metrics.eventTime[config.id];
      if (!s) {
        s = { min: Number.POSITIVE_INFINITY, max: Number.NEGATIVE_INFINITY, sum: 0, count: 0 };
        ctx.metrics.eventTime[config.id] = s;
      }
      return s;
    };
    return {
      schema: config.schema,
      process(batch) {
        if (batch.numRows === 0) return [batch];
        const s = stats();
        const v = batch.columns[config.column];
        if (!v) return [batch];
        if (v.kind === 'const') {
          const ms = toMs(v.value);
          s.min = Math.min(s.min, ms);
          s.max = Math.max(s.max, ms);
          s.sum += ms * batch.numRows;
          s.count += batch.numRows;
          return [batch];
        }
        for (let i = 0; i < batch.numRows; i++) {
          const ms = toMs(v.values[i]);
          if (ms < s.min) s.min = ms;
          if (ms > s.max) s.max = ms;
          s.sum += ms;
        }
        s.count += batch.numRows;
        return [batch];
      },
    };
  },
};

/** µs → ms, flooring; a NULL time counts as 0 as in Spark's statistics collector. */
function toMs(us: unknown): number {
  return typeof us === 'number' ? Math.floor(us / 1000) : 0;
}
