import { batchFromRows, type RecordBatch } from '../../batch/record-batch.js';
import type { Vector } from '../../batch/vector.js';
import type { BoundExpr } from '../../expr/bound-expr.js';
import { compileExpr } from '../../expr/evaluate.js';
import type { AggregateCall } from '../../plan/analyzed-plan.js';
import type { DataType } from '../../types/data-type.js';
import type { Schema } from '../../types/schema.js';
import { AggregateLayout } from '../aggregation.js';
import type { OperatorFactory } from '../operator.js';

export interface PartialAggregateConfig {
  readonly groupings: readonly BoundExpr[];
  readonly aggregates: readonly AggregateCall[];
  /** Grouping columns, then one column per aggregation buffer slot. */
  readonly schema: Schema;
}

interface Group {
  readonly key: unknown[];
  readonly state: unknown[];
}

/**
 * The map-side half of a hash aggregation (Spark's `partial_*` HashAggregate): one buffer per
 * group of this task's rows. Key columns that are constant for a batch (a window assigned from the
 * batch timestamp) are grouped once per batch, so the per-row work is a single map lookup.
 */
export const PartialAggregateExec: OperatorFactory<PartialAggregateConfig> = {
  name: 'PartialAggregate',
  create(config, ctx) {
    const keys = config.groupings.map((g) => compileExpr(g, ctx.registry));
    const keyTypes = config.groupings.map((g) => g.type);
    const layout = new AggregateLayout(config.aggregates, ctx.registry, ctx);
    /** const-key signature → (variable key → group) */
    const buckets = new Map<string, Map<unknown, Group>>();
    const bucket = (sig: string): Map<unknown, Group> => {
      let b = buckets.get(sig);
      if (!b) buckets.set(sig, (b = new Map()));
      return b;
    };
    return {
      schema: config.schema,
      process(batch) {
        const n = batch.numRows;
        if (n === 0) return [];
        const keyVectors = keys.map((k) => k(batch, ctx));
        const args = layout.evaluateArgs(batch, ctx);
        const variable: number[] = [];
        const constant: unknown[] = [];
        keyVectors.forEach((v, i) => (v.kind === 'values' ? variable.push(i) : (constant[i] = v.value)));
        const groups = bucket(JSON.stringify(constant));
        const newGroup = (row: number): Group => ({
          key: keyVectors.map((v) => (v.kind === 'const' ? v.value : v.values[row])),
          state: layout.newState(),
        });
        if (variable.length === 0) {
          let g = groups.get(0);
          if (!g) groups.set(0, (g = newGroup(0)));
          for (let i = 0; i < n; i++) layout.update(g.state, args, i);
        } else if (variable.length === 1 && isPrimitive(keyTypes[variable[0] as number] as DataType)) {
          const values = (keyVectors[variable[0] as number] as Extract<Vector, { kind: 'values' }>).values;
          for (let i = 0; i < n; i++) {
            const k = values[i];
            let g = groups.get(k);
            if (!g) groups.set(k, (g = newGroup(i)));
            layout.update(g.state, args, i);
          }
        } else {
          for (let i = 0; i < n; i++) {
            const k = JSON.stringify(variable.map((c) => (keyVectors[c] as Extract<Vector, { kind: 'values' }>).values[i]));
            let g = groups.get(k);
            if (!g) groups.set(k, (g = newGroup(i)));
            layout.update(g.state, args, i);
          }
        }
        return [];
      },
      finish() {
        const rows: unknown[][] = [];
        for (const groups of buckets.values()) for (const g of groups.values()) rows.push([...g.key, ...g.state]);
        if (rows.length === 0 && config.groupings.length === 0) rows.push(layout.newState());
        buckets.clear();
        return Promise.resolve(rows.length === 0 ? [] : [batchFromRows(config.schema, rows)]);
      },
    };
  },
};

function isPrimitive(t: DataType): boolean {
  return t.kind !== 'struct' && t.kind !== 'array' && t.kind !== 'map' && t.kind !== 'binary';
}

/** Groups partial rows (key columns first, then buffer slots) by key, merging buffers. */
export class PartialMerger {
  private readonly groups = new Map<string, { key: unknown[]; buffers: unknown[] }>();

  constructor(
    private readonly keyCount: number,
    private readonly merge: (into: unknown[], from: readonly unknown[]) => void,
  ) {}

  add(batch: RecordBatch): void {
    const cols = batch.columns;
    for (let i = 0; i < batch.numRows; i++) {
      const row = cols.map((c) => (c.kind === 'const' ? c.value : c.values[i]));
      const key = row.slice(0, this.keyCount);
      const k = JSON.stringify(key);
      const buffers = row.slice(this.keyCount);
      const g = this.groups.get(k);
      if (g) this.merge(g.buffers, buffers);
      else this.groups.set(k, { key, buffers });
    }
  }

  entries(): IterableIterator<[string, { key: unknown[]; buffers: unknown[] }]> {
    return this.groups.entries();
  }

  get size(): number {
    return this.groups.size;
  }
}
