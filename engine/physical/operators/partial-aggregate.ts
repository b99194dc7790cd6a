import { batchFromRows, type RecordBatch } from '../../batch/record-batch.js';
import type { Vector } from '../../batch/vector.js';
import type { BoundExpr } from '../../expr/bound-expr.js';
import { compileExpr } from '../../expr/evaluate.js';
import type { AggregateCall } from '../../plan/analyzed-plan.js';
import type { MergeOp } from '../../functions/function.js';
import { mergeValue } from '../../state/state-store.js';
import type { DataType } from '../../types/data-type.js';
import type { Schema } from '../../types/schema.js';
import type { StructField } from '../../types/data-type.js';
import { keyPartText } from '../../state/key-text.js';
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
    /** const-key signature → (variable key → group index) */
    const buckets = new Map<string, Map<unknown, number>>();
    const groups: Group[] = [];
    const states: unknown[][] = [];
    const dictionary = new DictionaryCache();
    const bucket = (sig: string): Map<unknown, number> => {
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
        const index = bucket(JSON.stringify(constant));
        const newGroup = (row: number): number => {
          const key = keyVectors.map((v) => (v.kind === 'const' ? v.value : v.values[row]));
          groups.push({ key, state: layout.newState() });
          states.push((groups[groups.length - 1] as Group).state);
          return groups.length - 1;
        };
        const groupOf = new Int32Array(n);
        if (variable.length === 0) {
          let g = index.get(0);
          if (g === undefined) index.set(0, (g = newGroup(0)));
          groupOf.fill(g);
        } else if (variable.length === 1 && isPrimitive(keyTypes[variable[0] as number] as DataType)) {
          const values = (keyVectors[variable[0] as number] as Extract<Vector, { kind: 'values' }>).values;
          const dict = dictionary.encode(values);
          // Distinct keys are looked up once per batch; rows only index arrays.
          const toGroup = new Int32Array(dict.keys.length);
          for (let j = 0; j < dict.keys.length; j++) {
            const k = dict.keys[j];
            let g = index.get(k);
            if (g === undefined) index.set(k, (g = newGroup(dict.firstRow[j] as number)));
            toGroup[j] = g;
          }
          const codes = dict.codes;
          for (let i = 0; i < n; i++) groupOf[i] = toGroup[codes[i] as number] as number;
        } else {
          for (let i = 0; i < n; i++) {
            const k = JSON.stringify(variable.map((c) => (keyVectors[c] as Extract<Vector, { kind: 'values' }>).values[i]));
            let g = index.get(k);
            if (g === undefined) index.set(k, (g = newGroup(i)));
            groupOf[i] = g;
          }
        }
        layout.updateGroups(states, groupOf, n, args);
        return [];
      },
      finish() {
        const rows: unknown[][] = groups.map((g) => [...g.key, ...g.state]);
        if (rows.length === 0 && config.groupings.length === 0) rows.push(layout.newState());
        buckets.clear();
        groups.length = 0;
        states.length = 0;
        return Promise.resolve(rows.length === 0 ? [] : [batchFromRows(config.schema, rows)]);
      },
    };
  },
};

/**
 * Dictionary-encodes a key column, remembering the last column seen: a sliding window hands the
 * same words column to the aggregation once per window, and only the first pays for hashing.
 */
class DictionaryCache {
  private values: readonly unknown[] | undefined;
  private result: { keys: unknown[]; firstRow: number[]; codes: Int32Array } | undefined;

  encode(values: readonly unknown[]): { keys: unknown[]; firstRow: number[]; codes: Int32Array } {
    if (this.values === values && this.result) return this.result;
    const seen = new Map<unknown, number>();
    const keys: unknown[] = [];
    const firstRow: number[] = [];
    const codes = new Int32Array(values.length);
    for (let i = 0; i < values.length; i++) {
      const k = values[i];
      let c = seen.get(k);
      if (c === undefined) {
        c = keys.length;
        seen.set(k, c);
        keys.push(k);
        firstRow.push(i);
      }
      codes[i] = c;
    }
    this.values = values;
    this.result = { keys, firstRow, codes };
    return this.result;
  }
}

function isPrimitive(t: DataType): boolean {
  return t.kind !== 'struct' && t.kind !== 'array' && t.kind !== 'map' && t.kind !== 'binary';
}

/** Groups partial rows (key columns first, then buffer slots) by key, merging buffers. */
export class PartialMerger {
  private readonly groups = new Map<string, { key: unknown[]; buffers: unknown[] }>();

  constructor(
    private readonly keyCount: number,
    private readonly ops: readonly MergeOp[],
  ) {}

  add(batch: RecordBatch): void {
    const kc = this.keyCount;
    const cols = batch.columns;
    const width = cols.length;
    const read = cols.map((c) => (c.kind === 'const' ? (): unknown => c.value : (i: number): unknown => c.values[i]));
    // The state key is encodeKey(key); a constant key column (a window from the batch time) is written once.
    const text = cols.slice(0, kc).map((c, i): ((row: number) => string) => {
      const part = keyPartText((batch.schema.fields[i] as StructField).type);
      if (c.kind === 'const') {
        const once = part(c.value);
        return () => once;
      }
      return (row) => part(c.values[row]);
    });
    for (let i = 0; i < batch.numRows; i++) {
      let k = '[';
      for (let c = 0; c < kc; c++) k += (c === 0 ? '' : ',') + (text[c] as (row: number) => string)(i);
      k += ']';
      const g = this.groups.get(k);
      if (g) {
        const into = g.buffers;
        for (let c = kc; c < width; c++) {
          into[c - kc] = mergeValue(this.ops[c - kc] as MergeOp, into[c - kc], (read[c] as (i: number) => unknown)(i));
        }
      } else {
        const key = new Array<unknown>(kc);
        for (let c = 0; c < kc; c++) key[c] = (read[c] as (i: number) => unknown)(i);
        const buffers = new Array<unknown>(width - kc);
        for (let c = kc; c < width; c++) buffers[c - kc] = (read[c] as (i: number) => unknown)(i);
        this.groups.set(k, { key, buffers });
      }
    }
  }

  entries(): IterableIterator<[string, { key: unknown[]; buffers: unknown[] }]> {
    return this.groups.entries();
  }

  get size(): number {
    return this.groups.size;
  }
}
