import type { RecordBatch } from '../batch/record-batch.js';
import { constVector, takeVector, valuesVector, type Vector } from '../batch/vector.js';
import { InternalError } from '../errors/errors.js';
import { defaultRegistry } from '../functions/builtin/index.js';
import type { EvalContext, LazyArg } from '../functions/function.js';
import type { FunctionRegistry } from '../functions/registry.js';
import { assertNever } from '../types/data-type.js';
import type { BoundExpr } from './bound-expr.js';
import { compileCast } from './cast.js';

/** A compiled expression: one call per batch, giving a vector `batch.numRows` long (or a const). */
export type CompiledExpr = (batch: RecordBatch, ctx: EvalContext) => Vector;

const NULLS = constVector(null);

/**
 * Compiles a bound expression once (functions looked up, casts specialized) into a closure that
 * evaluates it over whole batches. Literals are const vectors, references return the input column
 * as is, and conditional functions get lazy arguments so a branch only runs on its own rows.
 */
export function compileExpr(expr: BoundExpr, registry: FunctionRegistry = defaultRegistry): CompiledExpr {
  switch (expr.kind) {
    case 'literal': {
      const v = constVector(expr.value ?? null);
      return () => v;
    }
    case 'ref': {
      const { index, name } = expr;
      return (batch) => {
        const v = batch.columns[index];
        if (v === undefined) throw new InternalError(`column ${index} (${name}) is not in a batch of ${batch.columns.length} columns`);
        return v;
      };
    }
    case 'getField': {
      const child = compileExpr(expr.expr, registry);
      const ordinal = expr.ordinal;
      return (batch, ctx) => {
        const v = child(batch, ctx);
        if (v.kind === 'const') return constVector(field(v.value, ordinal));
        const src = v.values;
        const out = new Array<unknown>(batch.numRows);
        for (let i = 0; i < batch.numRows; i++) out[i] = field(src[i], ordinal);
        return valuesVector(out);
      };
    }
    case 'cast': {
      const child = compileExpr(expr.expr, registry);
      const cast = compileCast(expr.expr.type, expr.type, expr.mode);
      return (batch, ctx) => cast(child(batch, ctx), batch.numRows, ctx);
    }
    case 'call':
      return compileCall(expr, registry);
    default:
      return assertNever(expr);
  }
}

function field(struct: unknown, ordinal: number): unknown {
  return struct === null || struct === undefined ? null : ((struct as readonly unknown[])[ordinal] ?? null);
}

function compileCall(call: Extract<BoundExpr, { kind: 'call' }>, registry: FunctionRegistry): CompiledExpr {
  const entry = registry.lookup(call.fn);
  if (entry?.kind !== 'scalar') {
    throw new InternalError(`'${call.fn}' is not a scalar function${entry ? ` (it is a ${entry.kind})` : ''}`);
  }
  const fn = entry.fn;
  const args = call.args.map((a) => compileExpr(a, registry));
  if (fn.evaluateLazy) {
    const lazy = fn.evaluateLazy.bind(fn);
    const used = call.args.map((a) => referencedColumns(a));
    return (batch, ctx) => {
      const thunks: LazyArg[] = args.map((arg, i) => (rows) => (rows === undefined ? arg(batch, ctx) : arg(subBatch(batch, rows, used[i] as Set<number>), ctx)));
      return lazy(thunks, batch.numRows, ctx, call);
    };
  }
  const evaluate = fn.evaluate.bind(fn);
  return (batch, ctx) =>
    evaluate(
      args.map((a) => a(batch, ctx)),
      batch.numRows,
      ctx,
      call,
    );
}

/** The rows `rows` of a batch, taking only the columns an argument reads. */
function subBatch(batch: RecordBatch, rows: readonly number[], used: ReadonlySet<number>): RecordBatch {
  const columns = batch.columns.map((c, i) => (used.has(i) ? takeVector(c, rows) : NULLS));
  return { schema: batch.schema, numRows: rows.length, columns };
}

/** The input columns an expression reads. */
export function referencedColumns(e: BoundExpr, into: Set<number> = new Set()): Set<number> {
  switch (e.kind) {
    case 'ref':
      into.add(e.index);
      break;
    case 'literal':
      break;
    case 'cast':
    case 'getField':
      referencedColumns(e.expr, into);
      break;
    case 'call':
      for (const a of e.args) referencedColumns(a, into);
      break;
    default:
      assertNever(e);
  }
  return into;
}

/** Compiles and evaluates in one go (tests, one-off constant folding). */
export function evaluateExpr(expr: BoundExpr, batch: RecordBatch, ctx: EvalContext, registry?: FunctionRegistry): Vector {
  return compileExpr(expr, registry)(batch, ctx);
}
