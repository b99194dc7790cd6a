import { recordBatch, takeRows, type RecordBatch } from '../../batch/record-batch.js';
import { constVector, valuesVector } from '../../batch/vector.js';
import type { BoundExpr } from '../../expr/bound-expr.js';
import { compileExpr } from '../../functions/evaluate.js';
import type { Schema } from '../../types/schema.js';
import type { OperatorFactory } from '../operator.js';

export interface TimeWindowConfig {
  readonly time: BoundExpr;
  readonly windowUs: number;
  readonly slideUs: number;
  readonly startUs: number;
  readonly schema: Schema;
}

/** The windows `[start, end)` containing `t`, latest start first (Spark's Expand order). */
export function windowsFor(t: number, windowUs: number, slideUs: number, startUs: number): [number, number][] {
  let r = (t - startUs) % slideUs;
  if (r < 0) r += slideUs;
  const lastStart = t - r;
  const out: [number, number][] = [];
  const candidates = Math.ceil(windowUs / slideUs);
  for (let i = 0; i < candidates; i++) {
    const start = lastStart - i * slideUs;
    const end = start + windowUs;
    if (start <= t && t < end) out.push([start, end]);
  }
  return out;
}

/**
 * Spark's TimeWindowing at run time: each row once per window containing its time, the window
 * appended as a struct; NULL times dropped. A batch-constant time (current_timestamp) gives one
 * output batch per window with a constant window column, which keeps downstream grouping cheap.
 */
export const TimeWindowExec: OperatorFactory<TimeWindowConfig> = {
  name: 'TimeWindow',
  create(config, ctx) {
    const time = compileExpr(config.time, ctx.registry);
    const { windowUs, slideUs, startUs } = config;
    return {
      schema: config.schema,
      process(batch: RecordBatch) {
        if (batch.numRows === 0) return [];
        const t = time(batch, ctx);
        if (t.kind === 'const') {
          if (t.value === null || t.value === undefined) return [];
          return windowsFor(t.value as number, windowUs, slideUs, startUs).map((w) =>
            recordBatch(config.schema, batch.numRows, [...batch.columns, constVector(w)]),
          );
        }
        const rows: number[] = [];
        const windows: [number, number][] = [];
        const values = t.values;
        for (let i = 0; i < batch.numRows; i++) {
          const v = values[i];
          if (v === null || v === undefined) continue;
          for (const w of windowsFor(v as number, windowUs, slideUs, startUs)) {
            rows.push(i);
            windows.push(w);
          }
        }
        if (rows.length === 0) return [];
        const taken = takeRows(batch, rows);
        return [recordBatch(config.schema, rows.length, [...taken.columns, valuesVector(windows)])];
      },
    };
  },
};
