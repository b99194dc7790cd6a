import type { RecordBatch } from '../batch/record-batch.js';
import { constVector, takeVector, valuesVector, type Vector } from '../batch/vector.js';
import { InternalError } from '../errors/errors.js';
import type { BoundExpr } from '../expr/bound-expr.js';
import { compileCast } from '../expr/cast.js';
import { assertNever } from '../types/data-type.js';
import { defaultRegistry } from './builtin/index.js';
import type { EvalContext, LambdaRunner, LazyArg } from './function.js';
import type { FunctionRegistry } from './registry.js';

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
    case 'lambdaVar': {
      const { id, name } = expr;
      return (batch) => {
        const v = (batch as LambdaBatch).lambdaVars?.get(id);
        if (v === undefined) throw new InternalError(`lambda variable ${name} is not bound`);
        return v;
      };
    }
    case 'lambda':
      throw new InternalError('a lambda function is only evaluated by its higher-order function');
    default:
      return assertNever(expr);
  }
}

/** A batch inside a lambda body: one row per element, with the lambda variables' values. */
interface LambdaBatch extends RecordBatch {
  readonly lambdaVars?: ReadonlyMap<number, Vector>;
}

/**
 * Runs a lambda's body over elements: element `k` belongs to input row `rowOf[k]` (whose columns
 * the body may read) and binds the parameters to `vars[p][k]`.
 */
function compileLambda(lambda: Extract<BoundExpr, { kind: 'lambda' }>, registry: FunctionRegistry): (batch: RecordBatch, ctx: EvalContext) => LambdaRunner {
  const body = compileExpr(lambda.body, registry);
  const used = referencedColumns(lambda.body);
  const ids = lambda.params.map((p) => p.id);
  return (batch, ctx) => (rowOf, vars) => {
    const outer = (batch as LambdaBatch).lambdaVars;
    const bound = new Map<number, Vector>();
    if (outer) for (const [id, v] of outer) bound.set(id, takeVector(v, rowOf));
    ids.forEach((id, p) => bound.set(id, vars[p] ?? NULLS));
    const columns = batch.columns.map((c, i) => (used.has(i) ? takeVector(c, rowOf) : NULLS));
    const sub: LambdaBatch = { schema: batch.schema, numRows: rowOf.length, columns, lambdaVars: bound };
    return body(sub, ctx);
  };
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
  if (call.args.some((a) => a.kind === 'lambda')) {
    const higher = fn.evaluateLambda?.bind(fn);
    if (!higher) throw new InternalError(`'${call.fn}' does not take lambda functions`);
    const parts = call.args.map((a) =>
      a.kind === 'lambda' ? { kind: 'lambda' as const, run: compileLambda(a, registry) } : { kind: 'value' as const, run: compileExpr(a, registry) },
    );
    return (batch, ctx) =>
      higher(
        parts.map((p) => p.run(batch, ctx)),
        batch.numRows,
        ctx,
        call,
      );
  }
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
    case 'lambdaVar':
      break;
    case 'lambda':
      referencedColumns(e.body, into);
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
