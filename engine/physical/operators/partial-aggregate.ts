import { recordBatch, type RecordBatch } from '../../batch/record-batch.js';
import { valuesVector, type Vector } from '../../batch/vector.js';
import type { BoundExpr } from '../../expr/bound-expr.js';
import { compileExpr } from '../../functions/evaluate.js';
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
    const states: unknown[][] = [];
    const dictionary = new DictionaryCache();
    const keyIds = new KeyIds();
    /** const-key signature → group index by key id (the single-variable-key path). */
    const idBuckets = new Map<string, number[]>();
    const localPartials = new PartialsCache();
    // Adding partials is exact only for integral sums (count, sum of integers); other buffers
    // (double sums, min/max with NaN and struct ordering) are updated row by row as Spark does.
    const exactMerge = layout.slots.every((slot) => slot.merge === 'sum' && INTEGRAL.has(slot.type.kind));
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
          states.push(layout.newState());
          return states.length - 1;
        };
        const groupOf = new Int32Array(n);
        if (variable.length === 0) {
          const index = indexFor();
          let g = index.get(0);
          if (g === undefined) index.set(0, (g = newGroup(0)));
          groupOf.fill(g);
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
          if (exactMerge) {
            // Aggregate the batch by distinct key once, then add those partials to this batch's
            // groups: a sliding window hands the same rows over once per window (12 for 60 s / 5 s).
            const partials = localPartials.get(dict, args, () => {
              const local = dict.keys.map(() => layout.newState());
              layout.updateGroups(local, dict.codes, n, args);
              return local;
            });
            const width = layout.width;
            for (let j = 0; j < partials.length; j++) {
              const into = states[toGroup[j] as number] as unknown[];
              const from = partials[j] as unknown[];
              for (let s = 0; s < width; s++) into[s] = mergeValue('sum', into[s], from[s]);
            }
            return [];
          }
          const codes = dict.codes;
          for (let i = 0; i < n; i++) groupOf[i] = toGroup[codes[i] as number] as number;
        } else {
          const index = indexFor();
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
        if (states.length === 0 && config.groupings.length === 0) states.push(layout.newState());
        const n = states.length;
        const columns: Vector[] = keyColumns.map((k) => valuesVector(k));
        for (let slot = 0; slot < layout.width; slot++) {
          const values = new Array<unknown>(n);
          for (let g = 0; g < n; g++) values[g] = (states[g] as unknown[])[slot] ?? null;
          columns.push(valuesVector(values));
        }
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

/**
 * The last batch's per-distinct-key partial buffers, reused while the next batch has the same
 * dictionary and the same argument vectors (the same rows under another window).
 */
class PartialsCache {
  private dict: object | undefined;
  private args: readonly (readonly Vector[])[] = [];
  private partials: unknown[][] = [];

  get(dict: object, args: readonly (readonly Vector[])[], compute: () => unknown[][]): unknown[][] {
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

/** Groups partial rows (key columns first, then buffer slots) by key, merging buffers. */
export class PartialMerger {
  private readonly groups = new Map<string, { key: unknown[]; buffers: unknown[] }>();
  private readonly byPrefix = new Map<string, Map<unknown, { key: unknown[]; buffers: unknown[] }>>();

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
      // Rows of one window share its struct (also after a structured clone): write its text once per run.
      let lastValue: unknown;
      let lastText = '';
      return (row) => {
        const v = c.values[row];
        if (typeof v !== 'object' || v === null) return part(v);
        if (v !== lastValue) {
          lastText = part(v);
          lastValue = v;
        }
        return lastText;
      };
    });
    const last = kc > 0 ? (batch.schema.fields[kc - 1] as StructField).type.kind : undefined;
    if (last !== undefined && (last === 'string' || INTEGRAL.has(last))) {
      this.addByLastKey(batch, text, read);
      return;
    }
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

  /**
   * `add` for keys whose last column is a string or an integer (a word under a window): groups
   * are found by the other columns' text, then by the raw last value (whose text is injective),
   * so the whole key's text is written only when a group is new.
   */
  private addByLastKey(batch: RecordBatch, text: readonly ((row: number) => string)[], read: readonly ((i: number) => unknown)[]): void {
    const kc = this.keyCount;
    const width = batch.columns.length;
    const lastPart = keyPartText((batch.schema.fields[kc - 1] as StructField).type);
    const readLast = read[kc - 1] as (i: number) => unknown;
    let lastPrefix: string | undefined;
    let inner: Map<unknown, { key: unknown[]; buffers: unknown[] }> | undefined;
    for (let i = 0; i < batch.numRows; i++) {
      let prefix = '';
      for (let c = 0; c < kc - 1; c++) prefix += (c === 0 ? '' : ',') + (text[c] as (row: number) => string)(i);
      if (prefix !== lastPrefix || !inner) {
        inner = this.byPrefix.get(prefix);
        if (!inner) this.byPrefix.set(prefix, (inner = new Map()));
        lastPrefix = prefix;
      }
      const v = readLast(i) ?? null;
      const g = inner.get(v);
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
        const group = { key, buffers };
        inner.set(v, group);
        this.groups.set(`[${kc > 1 ? `${prefix},` : ''}${lastPart(v)}]`, group);
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
