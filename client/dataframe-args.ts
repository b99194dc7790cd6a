import { E, type Expr, type SortOrder } from '../engine/expr/expr.js';
import type { JoinType } from '../engine/plan/logical-plan.js';
import { Column } from './column.js';
import { PySparkTypeError, PySparkValueError } from './errors.js';
import { toCol, type ColumnOrName } from './functions.js';

/** Arguments of select/groupBy/orderBy: columns or names, or one array of them. */
export type ColumnArgs = readonly (ColumnOrName | readonly ColumnOrName[])[];

/** `orderBy`/`sort` options, given as the last argument: `df.orderBy('a', 'b', { ascending: [true, false] })`. */
export interface SortOptions {
  readonly ascending?: boolean | readonly boolean[];
}

/** One array argument stands for its elements, as in PySpark (`select(['a', 'b'])`). */
export function flattenColumns(cols: ColumnArgs): ColumnOrName[] {
  if (cols.length === 1 && Array.isArray(cols[0])) return [...(cols[0] as readonly ColumnOrName[])];
  return cols.map((c) => {
    if (Array.isArray(c)) throw notColumn(c);
    return c as ColumnOrName;
  });
}

export function columnExprs(cols: ColumnArgs): Expr[] {
  return flattenColumns(cols).map((c) => {
    if (!(c instanceof Column) && typeof c !== 'string') throw notColumn(c);
    return toCol(c).expr;
  });
}

function notColumn(c: unknown): PySparkTypeError {
  return new PySparkTypeError(`[NOT_COLUMN_OR_STR] Argument \`cols\` should be a Column or str, got ${typeof c}.`, {
    errorClass: 'NOT_COLUMN_OR_STR',
    messageParameters: { arg_name: 'cols', arg_type: typeof c },
  });
}

function isSortOptions(v: unknown): v is SortOptions {
  return typeof v === 'object' && v !== null && !(v instanceof Column) && !Array.isArray(v);
}

/**
 * The sort orders of `orderBy(...)`: PySpark's `_sort_cols` (names become `col(name)`, `ascending`
 * false or per-column flags turn columns descending), then plain columns become ascending orders.
 */
export function sortOrders(args: readonly (ColumnOrName | readonly ColumnOrName[] | SortOptions)[]): SortOrder[] {
  const last = args[args.length - 1];
  const options = isSortOptions(last) ? last : {};
  const colArgs = (isSortOptions(last) ? args.slice(0, -1) : args) as ColumnArgs;
  let cols = flattenColumns(colArgs).map(toCol);
  if (cols.length === 0) throw new PySparkValueError('[CANNOT_BE_EMPTY] At least one column must be specified.', { errorClass: 'CANNOT_BE_EMPTY', messageParameters: { item: 'column' } });
  const ascending = options.ascending ?? true;
  if (typeof ascending === 'boolean') {
    if (!ascending) cols = cols.map((c) => c.desc());
  } else {
    cols = cols.map((c, i) => (ascending[i] ?? true ? c : c.desc()));
  }
  return cols.map((c) => (c.expr.kind === 'sortOrder' ? c.expr : E.sortOrder(c.expr, true)));
}

/** PySpark's join type names (underscores dropped, lower case) → Connect's join types. */
const JOIN_TYPES: Readonly<Record<string, JoinType>> = {
  inner: 'inner',
  cross: 'cross',
  outer: 'fullOuter',
  full: 'fullOuter',
  fullouter: 'fullOuter',
  left: 'leftOuter',
  leftouter: 'leftOuter',
  right: 'rightOuter',
  rightouter: 'rightOuter',
  semi: 'leftSemi',
  leftsemi: 'leftSemi',
  anti: 'leftAnti',
  leftanti: 'leftAnti',
};

/** A PySpark join type name (`left_outer`, `semi`, ...) as Connect's join type. */
export function parseJoinType(how: string): JoinType {
  const joinType = JOIN_TYPES[how.toLowerCase().replace(/_/g, '')];
  if (!joinType) {
    throw new PySparkValueError(`Unsupported join type '${how}'.`, { errorClass: 'UNSUPPORTED_JOIN_TYPE', messageParameters: { join_type: how } });
  }
  return joinType;
}

export type ExplainMode = 'simple' | 'extended' | 'codegen' | 'cost' | 'formatted';

const EXPLAIN_MODES = {
  simple: 'EXPLAIN_MODE_SIMPLE',
  extended: 'EXPLAIN_MODE_EXTENDED',
  codegen: 'EXPLAIN_MODE_CODEGEN',
  cost: 'EXPLAIN_MODE_COST',
  formatted: 'EXPLAIN_MODE_FORMATTED',
} as const;

/** Connect's `AnalyzePlanRequest.Explain.ExplainMode` name of a mode. */
export function explainModeName(mode: ExplainMode): (typeof EXPLAIN_MODES)[ExplainMode] {
  return EXPLAIN_MODES[mode];
}

/** A Column argument, or PySpark's NOT_COLUMN error. */
export function requireColumn(c: unknown, argName: string): Column {
  if (c instanceof Column) return c;
  throw new PySparkTypeError(`[NOT_COLUMN] Argument \`${argName}\` should be a Column, got ${typeof c}.`, {
    errorClass: 'NOT_COLUMN',
    messageParameters: { arg_name: argName, arg_type: typeof c },
  });
}
