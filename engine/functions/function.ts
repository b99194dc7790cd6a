import type { Vector } from '../batch/vector.js';
import type { BoundCall, BoundExpr } from '../expr/bound-expr.js';
import type { DataType, StructField } from '../types/data-type.js';

/** What resolution may depend on besides argument types. */
export interface ResolveContext {
  /** Session time zone (`spark.sql.session.timeZone`), an IANA id. */
  readonly timeZone: string;
  /** `spark.sql.ansi.enabled` (Spark 4 default: true). */
  readonly ansi: boolean;
}

/** What evaluation may depend on besides argument values. */
export interface EvalContext extends ResolveContext {
  /** The micro-batch's `batchTimestampMs` × 1000: `current_timestamp()` for every row of the batch. */
  readonly batchTimestampUs: number;
}

export interface ResolvedScalar {
  /** The arguments, possibly wrapped in implicit casts. */
  readonly args: readonly BoundExpr[];
  readonly type: DataType;
  readonly nullable: boolean;
}

/**
 * An argument evaluated on demand: over every row of the batch, or (with `rows`) over just those
 * rows, in that order, giving a vector `rows.length` long.
 */
export type LazyArg = (rows?: readonly number[]) => Vector;

/**
 * A lambda argument of a higher-order function: evaluates the body over elements, element `k`
 * belonging to input row `rowOf[k]` with parameter `p` bound to `vars[p]` (vectors as long as rowOf).
 */
export type LambdaRunner = (rowOf: readonly number[], vars: readonly Vector[]) => Vector;

/**
 * A scalar function (operators included). `resolve` checks argument types and raises
 * `AnalysisError` with Spark's error class (`DATATYPE_MISMATCH...`, `WRONG_NUM_ARGS...`); `evaluate`
 * computes a whole column at once and should return a const vector when all inputs are const.
 */
export interface ScalarFunction {
  readonly name: string;
  readonly aliases?: readonly string[];
  resolve(args: readonly BoundExpr[], ctx: ResolveContext): ResolvedScalar;
  evaluate(args: readonly Vector[], numRows: number, ctx: EvalContext, call: BoundCall): Vector;
  /** Spark's auto-generated column name from the arguments' names; default `name(a, b)`. */
  prettyName?(argNames: readonly string[]): string;
  /** False for functions whose value changes between batches (`current_timestamp`, `rand`). */
  readonly deterministic?: boolean;
  /**
   * Conditional functions (`when`, `coalesce`, `and`, ...) evaluate an argument only on the rows
   * that need it, so `when(x != 0, 1 / x)` never divides by zero. When present, the evaluator calls
   * this instead of `evaluate`.
   */
  evaluateLazy?(args: readonly LazyArg[], numRows: number, ctx: EvalContext, call: BoundCall): Vector;
  /**
   * Higher-order functions (`transform`, `filter`, ...): called instead of `evaluate` when an
   * argument is a lambda; `lambdaParams` gives its parameters' types from the other arguments.
   */
  evaluateLambda?(args: readonly (Vector | LambdaRunner)[], numRows: number, ctx: EvalContext, call: BoundCall): Vector;
  lambdaParams?(args: readonly (BoundExpr | undefined)[], lambdaIndex: number, arity: number): readonly { readonly type: DataType; readonly nullable: boolean }[];
  /**
   * Predicates under a filter: the rows (ascending) where the value would be true, or undefined to
   * let the filter evaluate the column. Must agree with `evaluate` row for row (nulls are not true);
   * worth it where a column of booleans costs more than the test (a large memory table's scan).
   */
  selectRows?(args: readonly Vector[], numRows: number, ctx: EvalContext, call: BoundCall): readonly number[] | undefined;
}

/** Produces zero or more output rows per input row (`explode`, `posexplode`, `inline`). */
export interface GeneratorFunction {
  readonly name: string;
  readonly aliases?: readonly string[];
  resolve(
    args: readonly BoundExpr[],
    ctx: ResolveContext,
  ): { readonly args: readonly BoundExpr[]; readonly outputs: readonly StructField[] };
  /**
   * For each output row: the input row it came from (`sourceRows`, ascending) and the generated
   * columns (one vector per output field, `sourceRows.length` long).
   */
  generate(
    args: readonly Vector[],
    numRows: number,
    ctx: EvalContext,
  ): { readonly sourceRows: ArrayLike<number>; readonly columns: readonly Vector[] };
}

/**
 * How two partial aggregation buffers combine, slot by slot; null is the identity for every op.
 * `concat` appends arrays (earlier partial first), `first`/`last` keep one side, `moments` merges
 * `[n, mean, m2]` triples as Spark's central-moment aggregates do.
 */
export type MergeOp = 'sum' | 'min' | 'max' | 'union' | 'concat' | 'first' | 'last' | 'moments';

export interface BufferSlot {
  readonly type: DataType;
  readonly merge: MergeOp;
}

export interface ResolvedAggregate {
  readonly args: readonly BoundExpr[];
  readonly type: DataType;
  readonly nullable: boolean;
  /** The aggregation buffer: its slots and how each merges. */
  readonly buffer: readonly BufferSlot[];
}

/**
 * An aggregate with Spark's init/update/merge/finish lifecycle. State for one group is a flat array
 * holding every aggregate's buffer; this aggregate owns `buffer.length` slots from `offset`.
 * Merging is generic by `BufferSlot.merge`, so any store (memory, Redis Lua) can merge partials.
 */
export interface AggregateFunction {
  readonly name: string;
  readonly aliases?: readonly string[];
  resolve(args: readonly BoundExpr[], distinct: boolean, ctx: ResolveContext): ResolvedAggregate;
  /** Initial buffer values for one group (written at `offset`). */
  init(state: unknown[], offset: number, resolved: ResolvedAggregate): void;
  /** Folds input row `row` (argument vectors already evaluated) into the buffer. */
  update(state: unknown[], offset: number, args: readonly Vector[], row: number): void;
  /**
   * Optional, for speed: folds every row of a batch into its group's buffer at once; row `i` goes
   * to `states[groupOf[i]]`. Must equal calling `update` for each row in order.
   */
  updateGroups?(states: readonly unknown[][], offset: number, groupOf: Int32Array, numRows: number, args: readonly Vector[]): void;
  /** The final value from a (merged) buffer. */
  finish(state: readonly unknown[], offset: number, resolved: ResolvedAggregate): unknown;
  prettyName?(argNames: readonly string[], distinct: boolean): string;
}
