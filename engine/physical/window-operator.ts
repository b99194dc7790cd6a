import { recordBatch, type RecordBatch } from '../batch/record-batch.js';
import { materialize, valuesVector, type Vector } from '../batch/vector.js';
import type { BoundExpr } from '../expr/bound-expr.js';
import { compileExpr } from '../functions/evaluate.js';
import { InternalError } from '../errors/errors.js';
import type { SortKey, WindowBound, WindowCall } from '../plan/analyzed-plan.js';
import { schemaOf, type Schema } from '../types/schema.js';
import { AggregateLayout } from './aggregation.js';
import { compareValues } from './compare.js';
import type { OperatorFactory, TaskContext } from './operator.js';
import { compareSortKey } from './operators/ordering.js';

export interface WindowConfig {
  readonly partitionBy: readonly BoundExpr[];
  readonly orderBy: readonly SortKey[];
  readonly calls: readonly WindowCall[];
  readonly schema: Schema;
}

/**
 * Spark's WindowExec: holds every input row, then per partition (rows with equal PARTITION BY
 * values) sorted by ORDER BY, computes each call over its frame. Output: the input rows in
 * partition order, followed by one column per call.
 */
export const WindowExec: OperatorFactory<WindowConfig> = {
  name: 'Window',
  create(config, ctx) {
    const held: RecordBatch[] = [];
    return {
      schema: config.schema,
      process(batch) {
        held.push(batch);
        return [];
      },
      finish() {
        const inputSchema = schemaOf(config.schema.fields.slice(0, config.schema.fields.length - config.calls.length));
        const rows = held.reduce((n, b) => n + b.numRows, 0);
        const all = concat(inputSchema, held, rows);
        held.length = 0;
        return Promise.resolve([computeWindow(all, config, ctx)]);
      },
    };
  },
};

function concat(schema: Schema, parts: readonly RecordBatch[], rows: number): RecordBatch {
  const cols = schema.fields.map((_, c) => {
    const out: unknown[] = [];
    for (const p of parts) for (const v of materialize(p.columns[c] as Vector, p.numRows)) out.push(v);
    return valuesVector(out);
  });
  return recordBatch(schema, rows, cols);
}

export function computeWindow(input: RecordBatch, config: WindowConfig, ctx: TaskContext): RecordBatch {
  const n = input.numRows;
  const partVals = config.partitionBy.map((e) => materialize(compileExpr(e, ctx.registry)(input, ctx), n));
  const orderVals = config.orderBy.map((o) => materialize(compileExpr(o.expr, ctx.registry)(input, ctx), n));
  // Partitions in order of first appearance (Spark sorts by the partition keys; order across partitions is unspecified).
  const partitions = new Map<string, number[]>();
  for (let i = 0; i < n; i++) {
    const key = partVals.length === 0 ? '' : JSON.stringify(partVals.map((v) => keyPart(v[i])));
    const list = partitions.get(key);
    if (list) list.push(i);
    else partitions.set(key, [i]);
  }
  const cmp = (a: number, b: number): number => {
    for (let k = 0; k < config.orderBy.length; k++) {
      const c = compareSortKey((orderVals[k] as readonly unknown[])[a], (orderVals[k] as readonly unknown[])[b], config.orderBy[k] as SortKey);
      if (c !== 0) return c;
    }
    return 0;
  };
  const order: number[] = [];
  const results = config.calls.map(() => [] as unknown[]);
  const argVals = config.calls.map((c) => c.args.map((a) => materialize(compileExpr(a, ctx.registry)(input, ctx), n)));
  for (const rows of partitions.values()) {
    const sorted = config.orderBy.length === 0 ? rows : [...rows].sort((a, b) => cmp(a, b) || a - b);
    const peers = peerGroups(sorted, cmp);
    config.calls.forEach((call, k) => {
      const out = results[k] as unknown[];
      const values = evaluateCall(call, sorted, peers, argVals[k] as readonly (readonly unknown[])[], config, orderVals, input, ctx);
      for (const v of values) out.push(v);
    });
    for (const r of sorted) order.push(r);
  }
  const columns = [
    ...input.columns.map((c) => {
      const src = materialize(c, n);
      return valuesVector(order.map((i) => src[i]));
    }),
    ...results.map((r) => valuesVector(r)),
  ];
  return recordBatch(config.schema, order.length, columns);
}

function keyPart(v: unknown): unknown {
  if (v === undefined) return null;
  if (typeof v === 'number' && Number.isNaN(v)) return 'NaN';
  if (v instanceof Uint8Array) return Array.from(v);
  return v;
}

/** For each position in the sorted partition: the first and last position of its peer group. */
function peerGroups(sorted: readonly number[], cmp: (a: number, b: number) => number): { start: Int32Array; end: Int32Array } {
  const m = sorted.length;
  const start = new Int32Array(m);
  const end = new Int32Array(m);
  let s = 0;
  for (let i = 1; i <= m; i++) {
    if (i === m || cmp(sorted[i - 1] as number, sorted[i] as number) !== 0) {
      for (let j = s; j < i; j++) {
        start[j] = s;
        end[j] = i - 1;
      }
      s = i;
    }
  }
  return { start, end };
}

function evaluateCall(
  call: WindowCall,
  sorted: readonly number[],
  peers: { start: Int32Array; end: Int32Array },
  args: readonly (readonly unknown[])[],
  config: WindowConfig,
  orderVals: readonly (readonly unknown[])[],
  input: RecordBatch,
  ctx: TaskContext,
): unknown[] {
  const m = sorted.length;
  const out = new Array<unknown>(m);
  switch (call.kind) {
    case 'ranking': {
      let dense = 0;
      for (let i = 0; i < m; i++) {
        if (peers.start[i] === i) dense++;
        const rank = (peers.start[i] as number) + 1;
        switch (call.fn) {
          case 'row_number':
            out[i] = i + 1;
            break;
          case 'rank':
            out[i] = rank;
            break;
          case 'dense_rank':
            out[i] = dense;
            break;
          case 'percent_rank':
            out[i] = m <= 1 ? 0 : (rank - 1) / (m - 1);
            break;
          case 'cume_dist':
            out[i] = ((peers.end[i] as number) + 1) / m;
            break;
          case 'ntile':
            out[i] = ntile(i, m, call.offset ?? 1);
            break;
          default:
            throw new InternalError(`unknown ranking function ${call.fn}`);
        }
      }
      return out;
    }
    case 'offset': {
      const value = args[0] as readonly unknown[];
      if (call.fn === 'lag' || call.fn === 'lead') {
        const dflt = args[1] as readonly unknown[];
        const back = call.offset ?? 1;
        for (let i = 0; i < m; i++) {
          const j = i - back;
          out[i] = j >= 0 && j < m ? (value[sorted[j] as number] ?? null) : (dflt[sorted[i] as number] ?? null);
        }
        return out;
      }
      for (let i = 0; i < m; i++) {
        const [lo, hi] = frameOf(call, i, sorted, peers, config, orderVals);
        out[i] = pick(call, value, sorted, lo, hi);
      }
      return out;
    }
    case 'aggregate':
      return aggregateOverFrames(call, sorted, peers, config, orderVals, input, ctx);
    default: {
      const never: never = call.kind;
      throw new InternalError(`unknown window call ${String(never)}`);
    }
  }
}

/** Spark's NTile: the first `m % buckets` buckets hold one row more. */
function ntile(i: number, m: number, buckets: number): number {
  const per = Math.floor(m / buckets);
  const extra = m % buckets;
  const bigRows = extra * (per + 1);
  if (i < bigRows) return Math.floor(i / (per + 1)) + 1;
  return per === 0 ? i + 1 : extra + Math.floor((i - bigRows) / per) + 1;
}

function pick(call: WindowCall, value: readonly unknown[], sorted: readonly number[], lo: number, hi: number): unknown {
  if (lo > hi) return null;
  const at = (p: number): unknown => value[sorted[p] as number] ?? null;
  if (call.fn === 'first_value') {
    for (let p = lo; p <= hi; p++) if (!call.ignoreNulls || at(p) !== null) return at(p);
    return null;
  }
  if (call.fn === 'last_value') {
    for (let p = hi; p >= lo; p--) if (!call.ignoreNulls || at(p) !== null) return at(p);
    return null;
  }
  // nth_value: the n-th row (of the non-null ones with ignoreNulls) of the frame.
  let seen = 0;
  for (let p = lo; p <= hi; p++) {
    if (call.ignoreNulls && at(p) === null) continue;
    if (++seen === (call.offset ?? 1)) return at(p);
  }
  return null;
}

/** The frame of position `i` as inclusive positions [lo, hi] (lo > hi: empty). */
function frameOf(
  call: WindowCall,
  i: number,
  sorted: readonly number[],
  peers: { start: Int32Array; end: Int32Array },
  config: WindowConfig,
  orderVals: readonly (readonly unknown[])[],
): [number, number] {
  const m = sorted.length;
  const f = call.frame;
  const bound = (b: WindowBound, which: 'lower' | 'upper'): number => {
    switch (b.kind) {
      case 'unbounded':
        return which === 'lower' ? 0 : m - 1;
      case 'currentRow':
        if (f.type === 'rows') return i;
        return which === 'lower' ? (peers.start[i] as number) : (peers.end[i] as number);
      case 'offset':
        if (f.type === 'rows') return i + b.value;
        return rangeBound(i, b.value, which, sorted, peers, config, orderVals);
      default: {
        const never: never = b;
        throw new InternalError(`unknown bound ${JSON.stringify(never)}`);
      }
    }
  };
  return [Math.max(0, bound(f.lower, 'lower')), Math.min(m - 1, bound(f.upper, 'upper'))];
}

/** A RANGE offset: rows whose (single) order key lies within `delta` of the current row's, in the order's direction. */
function rangeBound(
  i: number,
  delta: number,
  which: 'lower' | 'upper',
  sorted: readonly number[],
  peers: { start: Int32Array; end: Int32Array },
  config: WindowConfig,
  orderVals: readonly (readonly unknown[])[],
): number {
  const key = config.orderBy[0] as SortKey;
  const vals = orderVals[0] as readonly unknown[];
  const at = (p: number): unknown => vals[sorted[p] as number];
  const cur = at(i);
  if (cur === null || cur === undefined) return which === 'lower' ? (peers.start[i] as number) : (peers.end[i] as number);
  const target = (cur as number) + (key.ascending ? delta : -delta);
  const m = sorted.length;
  // Positions are ordered by the key in the sort's direction; nulls sit at one end.
  const before = (p: number): boolean => {
    const v = at(p);
    if (v === null || v === undefined) return key.nullsFirst;
    const c = compareValues(v, target, key.expr.type, true);
    return key.ascending ? (which === 'lower' ? c < 0 : c <= 0) : which === 'lower' ? c > 0 : c >= 0;
  };
  let lo = 0;
  let hi = m;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (before(mid)) lo = mid + 1;
    else hi = mid;
  }
  return which === 'lower' ? lo : lo - 1;
}

function aggregateOverFrames(
  call: WindowCall,
  sorted: readonly number[],
  peers: { start: Int32Array; end: Int32Array },
  config: WindowConfig,
  orderVals: readonly (readonly unknown[])[],
  input: RecordBatch,
  ctx: TaskContext,
): unknown[] {
  const layout = new AggregateLayout([{ fn: call.fn, args: call.args, distinct: call.distinct, type: call.type }], ctx.registry, ctx);
  const args = layout.evaluateArgs(input, ctx);
  const m = sorted.length;
  const out = new Array<unknown>(m);
  const growing = call.frame.lower.kind === 'unbounded';
  let state = layout.newState();
  let added = -1;
  for (let i = 0; i < m; i++) {
    const [lo, hi] = frameOf(call, i, sorted, peers, config, orderVals);
    if (growing) {
      // Frames that start at the partition's first row only grow: fold in the new rows.
      for (let p = added + 1; p <= hi; p++) layout.update(state, args, sorted[p] as number);
      added = Math.max(added, hi);
      out[i] = layout.finish(state)[0];
    } else {
      state = layout.newState();
      for (let p = lo; p <= hi; p++) layout.update(state, args, sorted[p] as number);
      out[i] = layout.finish(state)[0];
    }
  }
  return out;
}
