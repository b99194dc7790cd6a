import { E, type Expr, type FrameBoundary, type SortOrder, type WindowFrame } from '../engine/expr/expr.js';
import { Column } from './column.js';
import { sortOrders } from './dataframe-args.js';
import { toCol, type ColumnOrName } from './functions.js';

/** PySpark's sentinels for an unbounded frame end (Java's Long.MIN_VALUE / MAX_VALUE). */
const UNBOUNDED_PRECEDING = -(2 ** 63);
const UNBOUNDED_FOLLOWING = 2 ** 63 - 1;

function boundary(v: number): FrameBoundary {
  if (v <= -(2 ** 31) + 1 || v === UNBOUNDED_PRECEDING) return { kind: 'unbounded' };
  if (v >= 2 ** 31 - 1 || v === UNBOUNDED_FOLLOWING) return { kind: 'unbounded' };
  if (v === 0) return { kind: 'currentRow' };
  return { kind: 'value', value: E.lit(v, { kind: 'integer' }) };
}

/** A window specification (`Window.partitionBy(...).orderBy(...).rowsBetween(...)`); immutable. */
export class WindowSpec {
  constructor(
    readonly partitionSpec: readonly Expr[] = [],
    readonly orderSpec: readonly SortOrder[] = [],
    readonly frame: WindowFrame | undefined = undefined,
  ) {}

  partitionBy(...cols: (ColumnOrName | readonly ColumnOrName[])[]): WindowSpec {
    const flat = cols.flat() as ColumnOrName[];
    return new WindowSpec(flat.map((c) => toCol(c).expr), this.orderSpec, this.frame);
  }

  orderBy(...cols: (ColumnOrName | readonly ColumnOrName[])[]): WindowSpec {
    return new WindowSpec(this.partitionSpec, sortOrders(cols), this.frame);
  }

  rowsBetween(start: number, end: number): WindowSpec {
    return new WindowSpec(this.partitionSpec, this.orderSpec, { type: 'rows', lower: boundary(start), upper: boundary(end) });
  }

  rangeBetween(start: number, end: number): WindowSpec {
    return new WindowSpec(this.partitionSpec, this.orderSpec, { type: 'range', lower: boundary(start), upper: boundary(end) });
  }

  /** `fn OVER (this)`. */
  apply(fn: Column): Column {
    return new Column(E.window(fn.expr, this.partitionSpec, this.orderSpec, this.frame));
  }
}

/** `pyspark.sql.Window`: the entry points of a WindowSpec. */
export const Window = Object.freeze({
  unboundedPreceding: UNBOUNDED_PRECEDING,
  unboundedFollowing: UNBOUNDED_FOLLOWING,
  currentRow: 0,
  partitionBy: (...cols: (ColumnOrName | readonly ColumnOrName[])[]): WindowSpec => new WindowSpec().partitionBy(...cols),
  orderBy: (...cols: (ColumnOrName | readonly ColumnOrName[])[]): WindowSpec => new WindowSpec().orderBy(...cols),
  rowsBetween: (start: number, end: number): WindowSpec => new WindowSpec().rowsBetween(start, end),
  rangeBetween: (start: number, end: number): WindowSpec => new WindowSpec().rangeBetween(start, end),
});
