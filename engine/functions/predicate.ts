import type { RecordBatch } from '../batch/record-batch.js';
import type { Vector } from '../batch/vector.js';
import type { BoundExpr } from '../expr/bound-expr.js';
import { defaultRegistry } from './builtin/index.js';
import { compileExpr } from './evaluate.js';
import type { EvalContext } from './function.js';
import type { FunctionRegistry } from './registry.js';

/** A compiled filter condition: the rows (ascending) where it is true, or 'all' when it is true on every row. */
export type CompiledPredicate = (batch: RecordBatch, ctx: EvalContext) => readonly number[] | 'all';

/**
 * Compiles a filter's condition. A call to a function that can select rows itself
 * (`ScalarFunction.selectRows`, e.g. LIKE with a constant pattern) builds no column of booleans;
 * any other condition is evaluated as a column and its true rows collected.
 */
export function compilePredicate(expr: BoundExpr, registry: FunctionRegistry = defaultRegistry): CompiledPredicate {
  const whole = compileExpr(expr, registry);
  const evaluated: CompiledPredicate = (batch, ctx) => trueRows(whole(batch, ctx), batch.numRows);
  if (expr.kind !== 'call' || expr.args.some((a) => a.kind === 'lambda')) return evaluated;
  const entry = registry.lookup(expr.fn);
  if (entry?.kind !== 'scalar' || entry.fn.evaluateLazy || !entry.fn.selectRows) return evaluated;
  const fn = entry.fn;
  const select = entry.fn.selectRows.bind(fn);
  const args = expr.args.map((a) => compileExpr(a, registry));
  return (batch, ctx) => {
    const values = args.map((a) => a(batch, ctx));
    const rows = select(values, batch.numRows, ctx, expr);
    if (rows === undefined) return trueRows(fn.evaluate(values, batch.numRows, ctx, expr), batch.numRows);
    return rows.length === batch.numRows ? 'all' : rows;
  };
}

function trueRows(v: Vector, n: number): readonly number[] | 'all' {
  if (v.kind === 'const') return v.value === true ? 'all' : [];
  const values = v.values;
  const rows: number[] = [];
  for (let i = 0; i < n; i++) if (values[i] === true) rows.push(i);
  return rows.length === n ? 'all' : rows;
}
