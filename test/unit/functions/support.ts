import { recordBatch, type RecordBatch } from '../../../engine/batch/record-batch.js';
import { materialize, valuesVector, type Vector } from '../../../engine/batch/vector.js';
import { B, type BoundExpr } from '../../../engine/expr/bound-expr.js';
import { compileExpr } from '../../../engine/functions/evaluate.js';
import { defaultRegistry } from '../../../engine/functions/builtin/index.js';
import type { EvalContext } from '../../../engine/functions/function.js';
import { schemaOf } from '../../../engine/types/schema.js';
import { T, type DataType } from '../../../engine/types/data-type.js';

/** 2023-11-14 22:13:20 UTC. */
export const BATCH_US = 1_700_000_000_000_000;

export const ansi: EvalContext = { timeZone: 'UTC', ansi: true, batchTimestampUs: BATCH_US };
export const legacy: EvalContext = { ...ansi, ansi: false };

/** Resolves a call the way the analyzer does: through the function's `resolve`, named by the registry. */
export function call(name: string, args: readonly BoundExpr[], ctx: EvalContext = ansi): BoundExpr {
  const entry = defaultRegistry.lookup(name);
  if (entry?.kind !== 'scalar') throw new Error(`${name} is not a scalar function`);
  const r = entry.fn.resolve(args, ctx);
  return B.call(entry.fn.name, r.args, r.type, r.nullable);
}

export const lit = (value: unknown, type: DataType): BoundExpr => B.lit(value, type);
export const str = (s: string | null): BoundExpr => B.lit(s, T.string);
export const int = (n: number | null): BoundExpr => B.lit(n, T.integer);
export const long = (n: number | null): BoundExpr => B.lit(n, T.long);
export const dbl = (n: number | null): BoundExpr => B.lit(n, T.double);
export const bool = (b: boolean | null): BoundExpr => B.lit(b, T.boolean);

/** A batch with one column per entry, and references to them by name. */
export function table(columns: Record<string, readonly [DataType, readonly unknown[]]>): {
  batch: RecordBatch;
  ref: (name: string) => BoundExpr;
} {
  const names = Object.keys(columns);
  const schema = schemaOf(names.map((n) => T.field(n, (columns[n] as readonly [DataType, unknown[]])[0])));
  const numRows = names.length === 0 ? 1 : (columns[names[0] as string] as readonly [DataType, unknown[]])[1].length;
  const batch = recordBatch(
    schema,
    numRows,
    names.map((n) => valuesVector((columns[n] as readonly [DataType, unknown[]])[1])),
  );
  return {
    batch,
    ref: (name) => {
      const i = names.indexOf(name);
      return B.ref(i, (columns[name] as readonly [DataType, unknown[]])[0], name);
    },
  };
}

/** Evaluates over a batch and returns the vector. */
export function evalVector(e: BoundExpr, batch: RecordBatch, ctx: EvalContext = ansi): Vector {
  return compileExpr(e, defaultRegistry)(batch, ctx);
}

/** Evaluates over a batch and returns one value per row. */
export function evalRows(e: BoundExpr, batch: RecordBatch, ctx: EvalContext = ansi): unknown[] {
  return [...materialize(evalVector(e, batch, ctx), batch.numRows)];
}

const ONE_ROW = recordBatch(schemaOf([]), 1, []);

/** Evaluates a constant expression (one-row batch with no columns). */
export function evalConst(e: BoundExpr, ctx: EvalContext = ansi): unknown {
  return evalRows(e, ONE_ROW, ctx)[0];
}

/** The Spark error class and rendered message of what `f` throws. */
export function errorOf(f: () => unknown): { errorClass: string | undefined; message: string; sparkClasses?: readonly string[] } {
  try {
    f();
  } catch (e) {
    const err = e as { errorClass?: string; message: string; sparkClasses?: readonly string[] };
    return { errorClass: err.errorClass, message: err.message, sparkClasses: err.sparkClasses };
  }
  throw new Error('expected an error');
}
