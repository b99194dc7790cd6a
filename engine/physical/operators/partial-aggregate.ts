import { recordBatch, type RecordBatch } from '../../batch/record-batch.js';
import { valuesVector, type Vector } from '../../batch/vector.js';
import type { BoundExpr } from '../../expr/bound-expr.js';
import { compileExpr } from '../../functions/evaluate.js';
import type { AggregateCall } from '../../plan/analyzed-plan.js';
import { InternalError } from '../../errors/errors.js';
import { mergeValue } from '../../state/state-store.js';
import type { BufferSlot } from '../../functions/function.js';
import type { DataType } from '../../types/data-type.js';
import type { Schema } from '../../types/schema.js';
import { AggregateLayout } from '../aggregation.js';
import type { OperatorFactory } from '../operator.js';
import { addsExactly, ExactSums, partialColumns, type PartialColumns } from './exact-sums.js';
import type { WeightedAggregate } from './weighted-aggregate.js';

export interface PartialAggregateConfig {
  readonly groupings: readonly BoundExpr[];
  readonly aggregates: readonly AggregateCall[];
  /** Grouping columns, then one column per aggregation buffer slot. */
  readonly schema: Schema;
}

/**
 * The map-side half of a hash aggregation (Spark's `partial_*` HashAggregate): one buffer per
 * group of this task's rows. Key columns that are constant for a batch (a window assigned from the
 * batch timestamp) are grouped once per batch, so the per-row work is a single map lookup.
 */
export const PartialAggregateExec: OperatorFactory<PartialAggregateConfig, WeightedAggregate> = {
  name: 'PartialAggregate',
  create(config, ctx) {
    const keys = config.groupings.map((g) => compileExpr(g, ctx.registry));
    const keyTypes = config.groupings.map((g) => g.type);
    const layout = new AggregateLayout(config.aggregates, ctx.registry, ctx);
    /** const-key signature → (variable key → group index) */
    const buckets = new Map<string, Map<unknown, number>>();
    /** Per group: its key values, column by column (no array per group), and its buffer. */
    const keyColumns: unknown[][] = config.groupings.map(() => []);
    /** Per group its buffer; null for a group only the exact path has added to so far (see `exactSums`). */
    const states: (unknown[] | null)[] = [];
    const dictionary = new DictionaryCache();
    const keyIds = new KeyIds();
    /** const-key signature → group index by key id (the single-variable-key path). */
    const idBuckets = new Map<string, number[]>();
    const localPartials = new PartialsCache();
    // Adding partials is exact only for integral sums (count, sum of integers); other buffers
    // (double sums, min/max with NaN and struct ordering) are updated row by row as Spark does.
    const exactMerge = layout.slots.every(addsExactly);
    const exactSums = exactMerge ? new ExactSums(layout.width) : undefined;
    const initial = layout.newState();
    /** The buffers of `groupOf`'s groups, made for those the exact path left without one. */
    const statesFor = (groupOf: Int32Array, n: number): unknown[][] => {
      for (let i = 0; i < n; i++) {
        const g = groupOf[i] as number;
        if (states[g] === null) states[g] = layout.newState();
      }
      return states as unknown[][];
    };
    const bucket = (sig: string): Map<unknown, number> => {
      let b = buckets.get(sig);
      if (!b) buckets.set(sig, (b = new Map()));
      return b;
    };
    /** The batch's key vectors, sorted into the variable ones (their indexes) and the constants. */
    const keysOf = (batch: RecordBatch): { keyVectors: Vector[]; variable: number[]; constant: unknown[] } => {
      const keyVectors = keys.map((k) => k(batch, ctx));
      const variable: number[] = [];
      const constant: unknown[] = [];
      keyVectors.forEach((v, i) => (v.kind === 'values' ? variable.push(i) : (constant[i] = v.value)));
      return { keyVectors, variable, constant };
    };
    const newGroup = (keyVectors: readonly Vector[], row: number): number => {
      for (let c = 0; c < keyVectors.length; c++) {
        const v = keyVectors[c] as Vector;
        (keyColumns[c] as unknown[]).push(v.kind === 'const' ? v.value : (v.values[row] ?? null));
      }
      states.push(exactSums ? null : layout.newState());
      return states.length - 1;
    };
    const singlePrimitiveKey = (variable: readonly number[]): boolean => variable.length === 1 && isPrimitive(keyTypes[variable[0] as number] as DataType);
    /** The single-variable-key path: the batch's distinct keys, and the group of each under the constant keys. */
    const dictionaryGroups = (keyVectors: readonly Vector[], variable: readonly number[], constant: readonly unknown[]): { dict: Dictionary; toGroup: Int32Array } => {
      const values = (keyVectors[variable[0] as number] as Extract<Vector, { kind: 'values' }>).values;
      const dict = dictionary.encode(values);
      // Distinct keys are hashed once per batch (to task-wide ids); each window's groups are
      // then found by array index, and rows only index arrays.
      const ids = keyIds.idsOf(dict);
      const sig = JSON.stringify(constant);
      let byId = idBuckets.get(sig);
      if (!byId) idBuckets.set(sig, (byId = []));
      const toGroup = new Int32Array(dict.keys.length);
      for (let j = 0; j < dict.keys.length; j++) {
        const id = ids[j] as number;
        let g = byId[id];
        if (g === undefined) byId[id] = g = newGroup(keyVectors, dict.firstRow[j] as number);
        toGroup[j] = g;
      }
      return { dict, toGroup };
    };
    /** Each row's group, groups made as rows first need them. */
    const groupRows = (keyVectors: readonly Vector[], variable: readonly number[], constant: readonly unknown[], n: number): Int32Array => {
      const groupOf = new Int32Array(n);
      if (variable.length === 0) {
        const index = bucket(JSON.stringify(constant));
        let g = index.get(0);
        if (g === undefined) index.set(0, (g = newGroup(keyVectors, 0)));
        return groupOf.fill(g);
      }
      if (singlePrimitiveKey(variable)) {
        const { dict, toGroup } = dictionaryGroups(keyVectors, variable, constant);
        const codes = dict.codes;
        for (let i = 0; i < n; i++) groupOf[i] = toGroup[codes[i] as number] as number;
        return groupOf;
      }
      const index = bucket(JSON.stringify(constant));
      for (let i = 0; i < n; i++) {
        const k = JSON.stringify(variable.map((c) => (keyVectors[c] as Extract<Vector, { kind: 'values' }>).values[i]));
        let g = index.get(k);
        if (g === undefined) index.set(k, (g = newGroup(keyVectors, i)));
        groupOf[i] = g;
      }
      return groupOf;
    };
    return {
      schema: config.schema,
      process(batch) {
        const n = batch.numRows;
        if (n === 0) return [];
        const { keyVectors, variable, constant } = keysOf(batch);
        const args = layout.evaluateArgs(batch, ctx);
        if (exactSums && singlePrimitiveKey(variable)) {
          const { dict, toGroup } = dictionaryGroups(keyVectors, variable, constant);
          // Aggregate the batch by distinct key once, then add those partials to this batch's
          // groups: a sliding window hands the same rows over once per window (12 for 60 s / 5 s).
          const partials = localPartials.get(dict, args, () => {
            const local = dict.keys.map(() => layout.newState());
            layout.updateGroups(local, dict.codes, n, args);
            return partialColumns(local, layout.width);
          });
          exactSums.add(toGroup, partials, states.length);
          return [];
        }
        const groupOf = groupRows(keyVectors, variable, constant, n);
        layout.updateGroups(statesFor(groupOf, n), groupOf, n, args);
        return [];
      },
      processWeighted(batch, weights) {
        const n = batch.numRows;
        if (n === 0) return;
        if (!exactSums) throw new InternalError('PartialAggregate: rows with weights need buffers that are integral sums');
        const { keyVectors, variable, constant } = keysOf(batch);
        const args = layout.evaluateArgs(batch, ctx);
        const groupOf = groupRows(keyVectors, variable, constant, n);
        // One row's partial, times its weight: an integral sum over w equal rows is w times one row's.
        const units = Array.from({ length: n }, () => layout.newState());
        const rows = new Int32Array(n);
        for (let i = 0; i < n; i++) rows[i] = i;
        layout.updateGroups(units, rows, n, args);
        const partials = partialColumns(units, layout.width);
        for (const values of partials.values) for (let i = 0; i < n; i++) values[i] = (values[i] as number) * (weights[i] as number);
        exactSums.add(groupOf, partials, states.length);
      },
      finish() {
        if (states.length === 0 && config.groupings.length === 0) states.push(layout.newState());
        const n = states.length;
        const order = keyMajorOrder(idBuckets.values(), n);
        const columns: Vector[] = keyColumns.map((k) => valuesVector(order ? permute(k, order) : k));
        for (let slot = 0; slot < layout.width; slot++) {
          const values = new Array<unknown>(n);
          for (let r = 0; r < n; r++) {
            const g = order ? (order[r] as number) : r;
            const own = (states[g] ?? initial)[slot] ?? null;
            values[r] = exactSums ? exactSums.value(g, slot, own) : own;
          }
          columns.push(valuesVector(values));
        }
        exactSums?.clear();
        buckets.clear();
        idBuckets.clear();
        keyIds.clear();
        keyColumns.forEach((_, c) => (keyColumns[c] = []));
        states.length = 0;
        return Promise.resolve(n === 0 ? [] : [recordBatch(config.schema, n, columns)]);
      },
    };
  },
};

function permute(values: readonly unknown[], order: Int32Array): unknown[] {
  const out = new Array<unknown>(order.length);
  for (let r = 0; r < order.length; r++) out[r] = values[order[r] as number];
  return out;
}

/**
 * The output order of the groups when the single-variable-key path made them: key by key (a word's
 * windows together), then any other groups as made. The reduce side then finds a word once for all
 * its windows (`PartialMerger`). Undefined: keep the order groups were made in.
 */
function keyMajorOrder(byIdPerSig: Iterable<readonly number[]>, groups: number): Int32Array | undefined {
  const lists = [...byIdPerSig];
  if (lists.length < 2) return undefined;
  const order = new Int32Array(groups);
  const placed = new Uint8Array(groups);
  let at = 0;
  const ids = Math.max(...lists.map((l) => l.length));
  for (let id = 0; id < ids; id++) {
    for (const byId of lists) {
      const g = byId[id];
      if (g === undefined) continue;
      order[at++] = g;
      placed[g] = 1;
    }
  }
  for (let g = 0; g < groups; g++) if (placed[g] === 0) order[at++] = g;
  return order;
}

/**
 * Dictionary-encodes a key column, remembering the last column seen: a sliding window hands the
 * same words column to the aggregation once per window, and only the first pays for hashing.
 */
interface Dictionary {
  readonly keys: unknown[];
  readonly firstRow: number[];
  readonly codes: Int32Array;
}

class DictionaryCache {
  private values: readonly unknown[] | undefined;
  private result: Dictionary | undefined;

  encode(values: readonly unknown[]): Dictionary {
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

/** Task-wide ids of distinct key values, remembered per dictionary (one hash lookup per distinct key per batch). */
class KeyIds {
  private readonly ids = new Map<unknown, number>();
  private dict: object | undefined;
  private last: Int32Array = new Int32Array(0);

  idsOf(dict: { readonly keys: readonly unknown[] }): Int32Array {
    if (this.dict === dict) return this.last;
    const out = new Int32Array(dict.keys.length);
    for (let j = 0; j < dict.keys.length; j++) {
      const k = dict.keys[j];
      let id = this.ids.get(k);
      if (id === undefined) this.ids.set(k, (id = this.ids.size));
      out[j] = id;
    }
    this.dict = dict;
    this.last = out;
    return out;
  }

  clear(): void {
    this.ids.clear();
    this.dict = undefined;
  }
}

/**
 * The last batch's per-distinct-key partial buffers, reused while the next batch has the same
 * dictionary and the same argument vectors (the same rows under another window).
 */
class PartialsCache {
  private dict: object | undefined;
  private args: readonly (readonly Vector[])[] = [];
  private partials: PartialColumns = { values: [], present: [] };

  get(dict: object, args: readonly (readonly Vector[])[], compute: () => PartialColumns): PartialColumns {
    if (this.dict !== dict || !sameArgs(this.args, args)) {
      this.partials = compute();
      this.dict = dict;
      this.args = args;
    }
    return this.partials;
  }
}

function sameArgs(a: readonly (readonly Vector[])[], b: readonly (readonly Vector[])[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i] as readonly Vector[];
    const y = b[i] as readonly Vector[];
    if (x.length !== y.length) return false;
    for (let j = 0; j < x.length; j++) {
      const v = x[j] as Vector;
      const w = y[j] as Vector;
      if (v === w) continue;
      if (v.kind === 'const' && w.kind === 'const' ? v.value !== w.value : v.kind !== 'values' || w.kind !== 'values' || v.values !== w.values) return false;
    }
  }
  return true;
}

function isPrimitive(t: DataType): boolean {
  return t.kind !== 'struct' && t.kind !== 'array' && t.kind !== 'map' && t.kind !== 'binary';
}
