import { E, type Expr } from '../engine/expr/expr.js';
import { simpleString, type DataType } from '../engine/types/data-type.js';
import { PySparkTypeError } from './errors.js';
import { literalExpr } from './literal.js';
import type { Timestamp } from './timestamp.js';

/** A column, or a plain value that becomes a literal (PySpark's `_bin_op` rule). */
export type ColumnOrValue = Column | string | number | bigint | boolean | Date | Timestamp | Uint8Array | null;

/** A CASE WHEN under construction: `F.when(...).when(...).otherwise(...)`. */
interface CaseWhen {
  readonly branches: readonly (readonly [Expr, Expr])[];
  readonly otherwise?: Expr;
}

/** Column methods of one other operand, and the function each sends (PySpark's names). */
const BINARY_OPERATORS = {
  plus: '+',
  minus: '-',
  multiply: '*',
  divide: '/',
  mod: '%',
  pow: 'power',
  eq: '==',
  lt: '<',
  le: '<=',
  gt: '>',
  ge: '>=',
  eqNullSafe: '<=>',
  and: 'and',
  or: 'or',
  bitwiseAND: '&',
  bitwiseOR: '|',
  bitwiseXOR: '^',
  contains: 'contains',
  startswith: 'startsWith',
  endswith: 'endsWith',
} as const;

/** Column methods matching a pattern string. */
const PATTERN_OPERATORS = { like: 'like', rlike: 'rlike', ilike: 'ilike' } as const;

/** Column methods of no operand. */
const UNARY_OPERATORS = { negate: 'negative', not: 'not', isNull: 'isNull', isNotNull: 'isNotNull', isNaN: 'isNaN' } as const;

/** Sort-order methods: [ascending, nulls first]. Spark's defaults: ascending puts nulls first, descending last. */
const SORT_ORDERS = {
  asc: [true, true],
  asc_nulls_first: [true, true],
  asc_nulls_last: [true, false],
  desc: [false, false],
  desc_nulls_first: [false, true],
  desc_nulls_last: [false, false],
} as const;

/**
 * An unresolved column expression. Operators are sent by the names PySpark's Spark Connect
 * Column uses (`==`, `<=>`, `and`, `not`, `negative`, `startsWith`, `in`, ...), so servers see the
 * same plans from both clients.
 */
export class Column {
  readonly expr: Expr;
  readonly #caseWhen: CaseWhen | undefined;

  constructor(expr: Expr, caseWhen?: CaseWhen) {
    this.expr = expr;
    this.#caseWhen = caseWhen;
  }

  /** A CASE WHEN column: `when(cond1, v1, cond2, v2, ..., else)` as PySpark sends it. */
  static caseWhen(state: CaseWhen): Column {
    const args = state.branches.flatMap(([c, v]) => [c, v]);
    if (state.otherwise !== undefined) args.push(state.otherwise);
    return new Column(E.call('when', args), state);
  }

  // ---- naming and types ----

  /** `fn.over(window)`: this window or aggregate function over a WindowSpec. */
  over(window: { apply(fn: Column): Column }): Column {
    return window.apply(this);
  }

  alias(...names: string[]): Column {
    return new Column(E.alias(this.expr, ...names));
  }

  as(...names: string[]): Column {
    return this.alias(...names);
  }

  name(...names: string[]): Column {
    return this.alias(...names);
  }

  /** Cast to a DataType or a type string (`'bigint'`, `'struct<a:int>'`). */
  cast(dataType: DataType | string): Column {
    return new Column(E.cast(this.expr, dataType));
  }

  astype(dataType: DataType | string): Column {
    return this.cast(dataType);
  }

  try_cast(dataType: DataType | string): Column {
    return new Column(E.cast(this.expr, dataType, 'try'));
  }

  // ---- operators: the method tables under the class (plus, eq, and, isNull, like, ...) ----

  /** PySpark sends `a != b` as `not(a == b)`. */
  ne(other: ColumnOrValue): Column {
    return new Column(E.call('not', [this.#bin('==', other).expr]));
  }

  /** `col.isin(1, 2, 3)` or `col.isin([1, 2, 3])`. */
  isin(...values: (ColumnOrValue | readonly ColumnOrValue[])[]): Column {
    const list = values.length === 1 && Array.isArray(values[0]) ? (values[0] as readonly ColumnOrValue[]) : (values as ColumnOrValue[]);
    return new Column(E.call('in', [this.expr, ...list.map(toExpr)]));
  }

  between(lower: ColumnOrValue, upper: ColumnOrValue): Column {
    return this.ge(lower).and(this.le(upper));
  }

  substr(startPos: number | Column, length: number | Column): Column {
    if (typeof startPos !== typeof length) {
      throw new PySparkTypeError('[NOT_SAME_TYPE] Argument `startPos` and `length` should be the same type.', {
        errorClass: 'NOT_SAME_TYPE',
        messageParameters: { arg_name1: 'startPos', arg_name2: 'length' },
      });
    }
    return new Column(E.call('substr', [this.expr, toExpr(startPos), toExpr(length)]));
  }

  // ---- nested values ----

  getField(name: string | Column): Column {
    return new Column(E.extract(this.expr, toExpr(name)));
  }

  getItem(key: ColumnOrValue): Column {
    return new Column(E.extract(this.expr, toExpr(key)));
  }

  // ---- ordering: asc, asc_nulls_first, ..., desc_nulls_last from SORT_ORDERS below the class ----

  // ---- CASE WHEN ----

  when(condition: Column, value: ColumnOrValue): Column {
    const cw = this.#caseWhen;
    if (cw === undefined || cw.otherwise !== undefined) {
      throw new PySparkTypeError('[INVALID_WHEN_USAGE] when() can only be applied on a Column previously generated by when() function, and cannot be applied once otherwise() is applied.', {
        errorClass: 'INVALID_WHEN_USAGE',
        messageParameters: {},
      });
    }
    return Column.caseWhen({ branches: [...cw.branches, [condition.expr, toExpr(value)]] });
  }

  otherwise(value: ColumnOrValue): Column {
    const cw = this.#caseWhen;
    if (cw === undefined) throw new PySparkTypeError('otherwise() can only be applied on a Column previously generated by when()');
    if (cw.otherwise !== undefined) {
      throw new PySparkTypeError('otherwise() can only be applied once on a Column previously generated by when()');
    }
    return Column.caseWhen({ branches: cw.branches, otherwise: toExpr(value) });
  }

  toString(): string {
    return `Column<'${exprText(this.expr)}'>`;
  }

  #bin(name: string, other: ColumnOrValue): Column {
    return new Column(E.call(name, [this.expr, toExpr(other)]));
  }

  // One method per table entry on the prototype, as PySpark's Column defines `__add__ = _bin_op("+")`.
  static {
    // `this` is the class here (the compiled class binding is not set yet while static blocks run).
    const proto: object = this.prototype;
    const define = (method: string, fn: (this: Column, ...args: ColumnOrValue[]) => Column): void => {
      Object.defineProperty(proto, method, { value: fn, writable: true, configurable: true });
    };
    for (const [method, name] of Object.entries({ ...BINARY_OPERATORS, ...PATTERN_OPERATORS })) {
      define(method, function (this: Column, other: ColumnOrValue) {
        return this.#bin(name, other);
      });
    }
    for (const [method, name] of Object.entries(UNARY_OPERATORS)) {
      define(method, function (this: Column) {
        return new Column(E.call(name, [this.expr]));
      });
    }
    for (const [method, [ascending, nullsFirst]] of Object.entries(SORT_ORDERS)) {
      define(method, function (this: Column) {
        return new Column(E.sortOrder(this.expr, ascending, nullsFirst));
      });
    }
  }
}

type SortMethods = { readonly [K in keyof typeof SORT_ORDERS]: () => Column };
type BinaryMethods = { readonly [K in keyof typeof BINARY_OPERATORS]: (other: ColumnOrValue) => Column };
type PatternMethods = { readonly [K in keyof typeof PATTERN_OPERATORS]: (pattern: string) => Column };
type UnaryMethods = { readonly [K in keyof typeof UNARY_OPERATORS]: () => Column };

/** The operator methods the class's static block puts on the prototype. */
export interface Column extends BinaryMethods, PatternMethods, UnaryMethods, SortMethods {}

/** A Column's expression, or a plain value as a literal. */
export function toExpr(v: ColumnOrValue | Column): Expr {
  if (v instanceof Column) return v.expr;
  return literalExpr(v);
}

/** A short, unresolved rendering for `toString()` (not Spark's pretty names). */
export function exprText(e: Expr): string {
  switch (e.kind) {
    case 'column':
      return e.name;
    case 'literal':
      return e.value === null ? 'NULL' : String(e.value);
    case 'alias':
      return `${exprText(e.expr)} AS ${e.names.join(', ')}`;
    case 'cast':
      return `CAST(${exprText(e.expr)} AS ${typeof e.to === 'string' ? e.to : simpleString(e.to)})`;
    case 'call':
      return `${e.name}(${e.distinct ? 'DISTINCT ' : ''}${e.args.map(exprText).join(', ')})`;
    case 'star':
      return e.target === undefined ? '*' : `${e.target}.*`;
    case 'extract':
      return `${exprText(e.child)}[${exprText(e.extraction)}]`;
    case 'sortOrder':
      return `${exprText(e.expr)} ${e.ascending ? 'ASC' : 'DESC'} NULLS ${e.nullsFirst ? 'FIRST' : 'LAST'}`;
    case 'exprString':
      return e.sql;
    case 'lambda':
      return `(${e.params.join(', ')}) -> ${exprText(e.body)}`;
    case 'lambdaVariable':
      return e.name;
    case 'window':
      return `${exprText(e.fn)} OVER (${e.partitionBy.length > 0 ? `PARTITION BY ${e.partitionBy.map(exprText).join(', ')} ` : ''}${
        e.orderBy.length > 0 ? `ORDER BY ${e.orderBy.map(exprText).join(', ')}` : ''
      })`;
    default: {
      const never: never = e;
      return String(never);
    }
  }
}
