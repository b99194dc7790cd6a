import { E, type Expr, type Literal } from '../engine/expr/expr.js';
import { literalExpr } from './literal.js';
import { P } from '../engine/plan/plan-nodes.js';
import { isNumeric } from '../engine/types/data-type.js';
import { Column } from './column.js';
import type { DataFrame } from './dataframe.js';
import { PySparkTypeError, PySparkValueError } from './errors.js';
import { col, lit } from './functions.js';

type NumericAgg = 'sum' | 'avg' | 'min' | 'max';

/** `sum('a', 'b')` is a DataFrame; `sum()` (every numeric column) waits for the schema. */
interface NumericAggregate {
  (): Promise<DataFrame>;
  (...cols: [string, ...string[]]): DataFrame;
}

/**
 * `df.groupBy(...)`: aggregations over groups, sent as Spark Connect's Aggregate (GROUPBY) with
 * PySpark's shapes: `count()` is `count(1) AS count`, `agg({ a: 'max' })` is `max(col('a'))`.
 */
export class GroupedData {
  readonly #df: DataFrame;
  readonly #grouping: readonly Expr[];
  readonly #groupType: 'groupby' | 'rollup' | 'cube' | 'pivot';
  readonly #pivot: { readonly column: Expr; readonly values: readonly Literal[] } | undefined;

  constructor(
    df: DataFrame,
    grouping: readonly Expr[],
    groupType: 'groupby' | 'rollup' | 'cube' | 'pivot' = 'groupby',
    pivot?: { readonly column: Expr; readonly values: readonly Literal[] },
  ) {
    this.#df = df;
    this.#grouping = grouping;
    this.#groupType = groupType;
    this.#pivot = pivot;
  }

  /** Aggregate Columns, or one `{ column: functionName }` object. */
  agg(...exprs: (Column | Readonly<Record<string, string>>)[]): DataFrame {
    if (exprs.length === 0) throw new PySparkValueError('exprs should not be empty', { errorClass: 'CANNOT_BE_EMPTY', messageParameters: { item: 'exprs' } });
    let aggregates: Expr[];
    const first = exprs[0];
    if (exprs.length === 1 && !(first instanceof Column) && typeof first === 'object') {
      aggregates = Object.entries(first).map(([name, fn]) => E.call(fn, [col(name).expr]));
    } else {
      aggregates = exprs.map((e) => {
        if (!(e instanceof Column)) throw new PySparkTypeError('all exprs should be Column', { errorClass: 'NOT_COLUMN' });
        return e.expr;
      });
    }
    return this.#aggregate(aggregates);
  }

  count(): DataFrame {
    return this.#aggregate([E.alias(E.call('count', [lit(1).expr]), 'count')]);
  }

  /**
   * `sum('a', 'b')` builds the plan at once. Without names PySpark takes every numeric column,
   * which needs the schema from the server, so `sum()` returns a Promise. So do avg, mean, min, max.
   */
  readonly sum = this.#numericAggregate('sum');
  readonly avg = this.#numericAggregate('avg');
  readonly mean = this.avg;
  readonly min = this.#numericAggregate('min');
  readonly max = this.#numericAggregate('max');

  #numericAggregate(fn: NumericAgg): NumericAggregate {
    // One implementation answers both overloads: a Promise exactly when no column is named.
    return ((...cols: string[]) => this.#numeric(fn, cols)) as NumericAggregate;
  }

  #numeric(fn: NumericAgg, cols: readonly string[]): DataFrame | Promise<DataFrame> {
    const build = (names: readonly string[]): DataFrame => this.#aggregate(names.map((n) => E.call(fn, [col(n).expr])));
    if (cols.length > 0) return build(cols);
    return this.#df.schema().then((schema) => build(schema.fields.filter((f) => isNumeric(f.type)).map((f) => f.name)));
  }

  /** `groupBy(...).pivot(col, values)`: one column per value (Kindling needs the values listed). */
  pivot(pivotCol: string, values: readonly (string | number | boolean)[]): GroupedData {
    return new GroupedData(this.#df, this.#grouping, 'pivot', { column: col(pivotCol).expr, values: values.map((v) => literalExpr(v) as Literal) });
  }

  #aggregate(aggregates: readonly Expr[]): DataFrame {
    const grouping = this.#grouping;
    const groupType = this.#groupType;
    const pivot = this.#pivot;
    return this.#df._derive((input, planId) => P.aggregate(input, { groupType, grouping, aggregates, ...(pivot ? { pivot } : {}) }, planId));
  }
}
