import { batchFromRows, batchToRows, concatBatches, sliceBatch, type RecordBatch } from '../../batch/record-batch.js';
import type { SortKey } from '../../plan/analyzed-plan.js';
import { compileExpr } from '../../functions/evaluate.js';
import { valueAt } from '../../batch/vector.js';
import type { Schema } from '../../types/schema.js';
import type { OperatorFactory } from '../operator.js';
import { compareValues } from '../compare.js';

export interface SortConfig {
  readonly order: readonly SortKey[];
  readonly schema: Schema;
}

/** A global sort: buffers every input batch, sorts once at the end (stable). */
export const SortExec: OperatorFactory<SortConfig> = {
  name: 'Sort',
  create(config, ctx) {
    const keys = config.order.map((k) => ({ ...k, eval: compileExpr(k.expr, ctx.registry) }));
    const held: RecordBatch[] = [];
    return {
      schema: config.schema,
      process(batch) {
        held.push(batch);
        return [];
      },
      finish() {
        const all = concatBatches(config.schema, held);
        held.length = 0;
        const keyVectors = keys.map((k) => k.eval(all, ctx));
        const rows = batchToRows(all);
        const idx = rows.map((_, i) => i);
        idx.sort((a, b) => {
          for (let k = 0; k < keys.length; k++) {
            const key = keys[k] as (typeof keys)[number];
            const v = keyVectors[k];
            if (!v) continue;
            const c = compareSortKey(valueAt(v, a), valueAt(v, b), key);
            if (c !== 0) return c;
          }
          return a - b;
        });
        return Promise.resolve([batchFromRows(config.schema, idx.map((i) => rows[i] as unknown[]))]);
      },
    };
  },
};

/**
 * Spark's SortOrder: the direction orders the values, while NULLS FIRST/LAST places nulls on its
 * own, whatever the direction (`DESC` defaults to NULLS LAST, `ASC` to NULLS FIRST).
 */
export function compareSortKey(a: unknown, b: unknown, key: Pick<SortKey, 'expr' | 'ascending' | 'nullsFirst'>): number {
  const an = a === null || a === undefined;
  const bn = b === null || b === undefined;
  if (an || bn) return an === bn ? 0 : an === key.nullsFirst ? -1 : 1;
  const c = compareValues(a, b, key.expr.type, true);
  return key.ascending ? c : -c;
}

export interface LimitConfig {
  readonly limit: number;
  readonly offset: number;
  readonly schema: Schema;
}

/** Skips `offset` rows then passes at most `limit` rows (limit < 0: no limit). */
export const LimitExec: OperatorFactory<LimitConfig> = {
  name: 'Limit',
  create(config) {
    let skip = config.offset;
    let left = config.limit < 0 ? Number.POSITIVE_INFINITY : config.limit;
    return {
      schema: config.schema,
      process(batch) {
        let b = batch;
        if (skip > 0) {
          const s = Math.min(skip, b.numRows);
          skip -= s;
          b = sliceBatch(b, s, b.numRows);
        }
        if (left <= 0 || b.numRows === 0) return [];
        const take = Math.min(left, b.numRows);
        left -= take;
        return [sliceBatch(b, 0, take)];
      },
    };
  },
};

export interface DeduplicateConfig {
  readonly keys: readonly number[];
  readonly schema: Schema;
}

/** Keeps the first row of each distinct key (batch queries). */
export const DeduplicateExec: OperatorFactory<DeduplicateConfig> = {
  name: 'Deduplicate',
  create(config) {
    const seen = new Set<string>();
    return {
      schema: config.schema,
      process(batch) {
        const keep: unknown[][] = [];
        for (const row of batchToRows(batch)) {
          const k = JSON.stringify(config.keys.map((i) => row[i]));
          if (seen.has(k)) continue;
          seen.add(k);
          keep.push(row);
        }
        return keep.length === 0 ? [] : [batchFromRows(config.schema, keep)];
      },
    };
  },
};
