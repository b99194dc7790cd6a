import { recordBatch } from '../../batch/record-batch.js';
import { valuesVector, type Vector } from '../../batch/vector.js';
import type { BoundExpr } from '../../expr/bound-expr.js';
import { compileExpr } from '../../functions/evaluate.js';
import type { AggregateCall } from '../../plan/analyzed-plan.js';
import { InternalError } from '../../errors/errors.js';
import { mergeValue } from '../../state/state-store.js';
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
    const exactMerge = layout.slots.every((slot) => slot.merge === 'sum' && INTEGRAL.has(slot.type.kind));
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
        const indexFor = (): Map<unknown, number> => bucket(JSON.stringify(constant));
        const newGroup = (row: number): number => {
          for (let c = 0; c < keyVectors.length; c++) {
            const v = keyVectors[c] as Vector;
            (keyColumns[c] as unknown[]).push(v.kind === 'const' ? v.value : (v.values[row] ?? null));
          }
          states.push(exactSums ? null : layout.newState());
          return states.length - 1;
        };
        let groupOf: Int32Array;
        if (variable.length === 0) {
          const index = indexFor();
          let g = index.get(0);
          if (g === undefined) index.set(0, (g = newGroup(0)));
          groupOf = new Int32Array(n).fill(g);
        } else if (variable.length === 1 && isPrimitive(keyTypes[variable[0] as number] as DataType)) {
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
            if (g === undefined) byId[id] = g = newGroup(dict.firstRow[j] as number);
            toGroup[j] = g;
          }
          if (exactSums) {
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
          const codes = dict.codes;
          groupOf = new Int32Array(n);
          for (let i = 0; i < n; i++) groupOf[i] = toGroup[codes[i] as number] as number;
        } else {
          const index = indexFor();
          groupOf = new Int32Array(n);
          for (let i = 0; i < n; i++) {
            const k = JSON.stringify(variable.map((c) => (keyVectors[c] as Extract<Vector, { kind: 'values' }>).values[i]));
            let g = index.get(k);
            if (g === undefined) index.set(k, (g = newGroup(i)));
            groupOf[i] = g;
          }
        }
        layout.updateGroups(statesFor(groupOf, n), groupOf, n, args);
        return [];
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

const INTEGRAL: ReadonlySet<string> = new Set(['byte', 'short', 'integer', 'long']);

/** Per-distinct-key partial buffers of the exact path, slot by slot: the value and whether there is one (a sum of only nulls is null). */
interface PartialColumns {
  readonly values: readonly Float64Array[];
  readonly present: readonly Uint8Array[];
}

function partialColumns(partials: readonly (readonly unknown[])[], width: number): PartialColumns {
  const n = partials.length;
  const values: Float64Array[] = [];
  const present: Uint8Array[] = [];
  for (let s = 0; s < width; s++) {
    const v = new Float64Array(n);
    const p = new Uint8Array(n);
    for (let j = 0; j < n; j++) {
      const x = (partials[j] as readonly unknown[])[s];
      if (x === null || x === undefined) continue;
      if (typeof x !== 'number') throw new InternalError(`an integral sum buffer holds ${typeof x}`);
      v[j] = x;
      p[j] = 1;
    }
    values.push(v);
    present.push(p);
  }
  return { values, present };
}

/**
 * The exact path's sums, slot by slot in typed columns indexed by group: adding a batch's
 * per-distinct-key partials to its groups is a loop over numbers, not a merge call per (group,
 * slot) into a buffer array per group. JS numbers add the same in a Float64Array (integral sums
 * stay exact up to 2^53, as before). `finish` merges them into the groups' own buffers.
 */
class ExactSums {
  private sums: Float64Array[] = [];
  private present: Uint8Array[] = [];
  private capacity = 0;

  constructor(private readonly width: number) {
    this.clear();
  }

  /** Adds partial `j` to group `toGroup[j]`, for every j; `groups` is how many groups exist. */
  add(toGroup: Int32Array, partials: PartialColumns, groups: number): void {
    if (groups > this.capacity) this.grow(groups);
    for (let s = 0; s < this.width; s++) {
      const sum = this.sums[s] as Float64Array;
      const has = this.present[s] as Uint8Array;
      const pv = partials.values[s] as Float64Array;
      const pp = partials.present[s] as Uint8Array;
      for (let j = 0; j < toGroup.length; j++) {
        if (pp[j] === 0) continue;
        const g = toGroup[j] as number;
        sum[g] = (sum[g] as number) + (pv[j] as number);
        has[g] = 1;
      }
    }
  }

  /** Slot `slot` of group `g`: `own` (what other paths put there) plus what was added here. */
  value(g: number, slot: number, own: unknown): unknown {
    if (g >= this.capacity || (this.present[slot] as Uint8Array)[g] === 0) return own;
    return mergeValue('sum', own, (this.sums[slot] as Float64Array)[g]);
  }

  clear(): void {
    this.capacity = 0;
    this.sums = Array.from({ length: this.width }, () => new Float64Array(0));
    this.present = Array.from({ length: this.width }, () => new Uint8Array(0));
  }

  private grow(groups: number): void {
    const capacity = Math.max(groups, this.capacity * 2, 1024);
    this.sums = this.sums.map((old) => {
      const next = new Float64Array(capacity);
      next.set(old);
      return next;
    });
    this.present = this.present.map((old) => {
      const next = new Uint8Array(capacity);
      next.set(old);
      return next;
    });
    this.capacity = capacity;
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
