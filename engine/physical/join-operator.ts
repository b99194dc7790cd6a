import { batchFromRows, recordBatch, type RecordBatch, type Row } from '../batch/record-batch.js';
import { materialize, valuesVector, type Vector } from '../batch/vector.js';
import { mapRefs, type BoundExpr } from '../expr/bound-expr.js';
import { compileExpr } from '../functions/evaluate.js';
import type { EvalContext } from '../functions/function.js';
import type { FunctionRegistry } from '../functions/registry.js';
import type { PhysicalJoinType } from '../plan/analyzed-plan.js';
import { schemaOf, type Schema } from '../types/schema.js';
import type { OperatorFactory } from './operator.js';

/** What a join needs besides its two inputs (plain data: it travels inside stream–static join tasks). */
export interface JoinSpec {
  readonly joinType: PhysicalJoinType;
  readonly leftKeys: readonly BoundExpr[];
  readonly rightKeys: readonly BoundExpr[];
  /** Over the left columns followed by the right columns. */
  readonly condition: BoundExpr | undefined;
  readonly schema: Schema;
}

/**
 * A hash join (a nested loop when there are no keys): the right side is built into a hash table
 * on its keys, the left side probes it. NULL keys never match (SQL equality); NaN matches NaN and
 * -0 matches 0, as Spark normalizes floating keys. Output rows: matches in left order, then for a
 * right/full outer join the right rows nothing matched.
 */
export function hashJoin(
  left: RecordBatch,
  right: RecordBatch,
  spec: JoinSpec,
  registry: FunctionRegistry,
  ctx: EvalContext,
): RecordBatch {
  const build = buildSide(right, spec.rightKeys, registry, ctx);
  return probe(left, build, right, spec, registry, ctx);
}

interface BuildSide {
  /** Key → right rows with that key; undefined when the join has no keys (every right row is a candidate). */
  readonly table: Map<unknown, number[]> | undefined;
  readonly rows: number;
}

function buildSide(right: RecordBatch, keys: readonly BoundExpr[], registry: FunctionRegistry, ctx: EvalContext): BuildSide {
  if (keys.length === 0) return { table: undefined, rows: right.numRows };
  const keyOf = keyFunction(right, keys, registry, ctx);
  const table = new Map<unknown, number[]>();
  for (let i = 0; i < right.numRows; i++) {
    const k = keyOf(i);
    if (k === null) continue;
    const list = table.get(k);
    if (list) list.push(i);
    else table.set(k, [i]);
  }
  return { table, rows: right.numRows };
}

/** Row → hashable key (a primitive for one key, text for several); null when any key part is NULL. */
function keyFunction(batch: RecordBatch, keys: readonly BoundExpr[], registry: FunctionRegistry, ctx: EvalContext): (row: number) => unknown {
  const vectors = keys.map((k) => materialize(compileExpr(k, registry)(batch, ctx), batch.numRows));
  if (vectors.length === 1) {
    const v = vectors[0] as readonly unknown[];
    return (row) => normalize(v[row]);
  }
  return (row) => {
    const parts: unknown[] = [];
    for (const v of vectors) {
      const x = normalize(v[row]);
      if (x === null) return null;
      parts.push(x instanceof Uint8Array ? Array.from(x) : x);
    }
    return JSON.stringify(parts);
  };
}

function normalize(x: unknown): unknown {
  if (x === undefined || x === null) return null;
  if (typeof x === 'number' && Object.is(x, -0)) return 0;
  if (typeof x === 'object') return JSON.stringify(x instanceof Uint8Array ? Array.from(x) : x);
  return x;
}

function probe(
  left: RecordBatch,
  build: BuildSide,
  right: RecordBatch,
  spec: JoinSpec,
  registry: FunctionRegistry,
  ctx: EvalContext,
): RecordBatch {
  const keyOf = spec.leftKeys.length > 0 ? keyFunction(left, spec.leftKeys, registry, ctx) : undefined;
  const all = build.table === undefined ? Array.from({ length: build.rows }, (_, i) => i) : undefined;
  // Candidate pairs, then the residual condition over them in one vectorized pass.
  const li: number[] = [];
  const ri: number[] = [];
  for (let i = 0; i < left.numRows; i++) {
    const candidates = keyOf ? (build.table?.get(keyOf(i) ?? NO_KEY) ?? EMPTY) : (all as number[]);
    for (const r of candidates) {
      li.push(i);
      ri.push(r);
    }
  }
  let keep: boolean[] | undefined;
  if (spec.condition && li.length > 0) {
    const pairs = recordBatch(
      schemaOf([...left.schema.fields, ...right.schema.fields]),
      li.length,
      [...left.columns.map((c) => take(c, li)), ...right.columns.map((c) => take(c, ri))],
    );
    const v = compileExpr(spec.condition, registry)(pairs, ctx);
    keep = li.map((_, k) => (v.kind === 'const' ? v.value : v.values[k]) === true);
  }
  const leftMatched = new Uint8Array(left.numRows);
  const rightMatched = new Uint8Array(right.numRows);
  const outL: number[] = [];
  const outR: number[] = [];
  for (let k = 0; k < li.length; k++) {
    if (keep && !keep[k]) continue;
    const l = li[k] as number;
    const r = ri[k] as number;
    leftMatched[l] = 1;
    rightMatched[r] = 1;
    outL.push(l);
    outR.push(r);
  }
  const semiLike = spec.joinType === 'leftSemi' || spec.joinType === 'leftAnti';
  if (semiLike) {
    const want = spec.joinType === 'leftSemi' ? 1 : 0;
    const rows: number[] = [];
    for (let i = 0; i < left.numRows; i++) if (leftMatched[i] === want) rows.push(i);
    return recordBatch(spec.schema, rows.length, left.columns.map((c) => take(c, rows)));
  }
  const leftOuter = spec.joinType === 'leftOuter' || spec.joinType === 'fullOuter';
  const rightOuter = spec.joinType === 'rightOuter' || spec.joinType === 'fullOuter';
  // Keep left order: an outer left row with no match goes where it would have been.
  const finalL: number[] = [];
  const finalR: number[] = [];
  if (leftOuter) {
    let k = 0;
    for (let i = 0; i < left.numRows; i++) {
      if (leftMatched[i] === 0) {
        finalL.push(i);
        finalR.push(-1);
        continue;
      }
      while (k < outL.length && (outL[k] as number) === i) {
        finalL.push(i);
        finalR.push(outR[k] as number);
        k++;
      }
    }
  } else {
    // (a loop: spreading a large array into push() overflows the stack)
    for (let k = 0; k < outL.length; k++) {
      finalL.push(outL[k] as number);
      finalR.push(outR[k] as number);
    }
  }
  if (rightOuter) {
    for (let r = 0; r < right.numRows; r++) {
      if (rightMatched[r] === 0) {
        finalL.push(-1);
        finalR.push(r);
      }
    }
  }
  return recordBatch(spec.schema, finalL.length, [
    ...left.columns.map((c) => take(c, finalL)),
    ...right.columns.map((c) => take(c, finalR)),
  ]);
}

const NO_KEY = Symbol('no key');
const EMPTY: number[] = [];

/** Rows `indices` of a column; index -1 is a NULL (the outer side of an unmatched row). */
function take(v: Vector, indices: readonly number[]): Vector {
  if (v.kind === 'const' && !indices.includes(-1)) return v;
  const src = v.kind === 'const' ? undefined : v.values;
  const out = new Array<unknown>(indices.length);
  for (let k = 0; k < indices.length; k++) {
    const i = indices[k] as number;
    out[k] = i < 0 ? null : src ? (src[i] ?? null) : (v as { value: unknown }).value;
  }
  return valuesVector(out);
}

/** The static side of a stream–static join, carried in the operator's config as rows. */
export interface StreamStaticJoinConfig extends JoinSpec {
  /** Which input of the join the stream is; the static side is the other. */
  readonly streamSide: 'left' | 'right';
  readonly staticSchema: Schema;
  readonly staticRows: readonly Row[];
}

/**
 * Stream–static join (Spark's StreamingRelation joined with a batch relation): the static side is
 * evaluated on the driver and shipped in the task, each micro-batch's stream rows are joined with
 * it, no state is kept. Inner, left outer / semi / anti with the stream on the left, and inner or
 * right outer with the stream on the right.
 */
export const StreamStaticJoinExec: OperatorFactory<StreamStaticJoinConfig> = {
  name: 'StreamStaticJoin',
  create(config, ctx) {
    const stat = batchFromRows(config.staticSchema, config.staticRows);
    return {
      schema: config.schema,
      process(batch) {
        const out =
          config.streamSide === 'left'
            ? hashJoin(batch, stat, config, ctx.registry, ctx)
            : hashJoin(batch, stat, mirror(config), ctx.registry, ctx);
        if (config.streamSide === 'right') return out.numRows === 0 ? [] : [reorder(out, stat.schema.fields.length, batch.schema.fields.length, config.schema)];
        return out.numRows === 0 ? [] : [out];
      },
    };
  },
};

/** The same join with its sides swapped: the stream probes, the static side is built. */
function mirror(c: StreamStaticJoinConfig): JoinSpec {
  const joinType: PhysicalJoinType = c.joinType === 'rightOuter' ? 'leftOuter' : c.joinType;
  return { joinType, leftKeys: c.rightKeys, rightKeys: c.leftKeys, condition: c.condition && swapCondition(c.condition, c.staticSchema.fields.length, c.schema.fields.length - c.staticSchema.fields.length), schema: c.schema };
}

/** A condition over static ++ stream columns rewritten for stream ++ static. */
function swapCondition(e: BoundExpr, staticWidth: number, streamWidth: number): BoundExpr {
  return mapRefs(e, (r) => ({ ...r, index: r.index < staticWidth ? r.index + streamWidth : r.index - staticWidth }));
}

/** stream ++ static columns back to the plan's static ++ stream order. */
function reorder(b: RecordBatch, staticWidth: number, streamWidth: number, schema: Schema): RecordBatch {
  const cols = [...b.columns.slice(streamWidth, streamWidth + staticWidth), ...b.columns.slice(0, streamWidth)];
  return recordBatch(schema, b.numRows, cols);
}

