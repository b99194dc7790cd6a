import { E, type Expr } from '../engine/expr/expr.js';
import { Column, toExpr, type ColumnOrValue } from './column.js';
import { PySparkTypeError, PySparkValueError } from './errors.js';

/**
 * `functions as F`: the same function names and argument shapes PySpark's Spark Connect client
 * sends (e.g. `split` always carries its limit, `count(col('*'))` becomes `count(1)`, `window`
 * repeats the window duration as slide when only a start time is given).
 */

export type ColumnOrName = Column | string;

/** A column by name: `*` and `t.*` become stars; no plan id (unlike `df.col`). */
export function col(name: string): Column {
  if (name === '*') return new Column(E.star());
  if (name.endsWith('.*')) return new Column(E.star(name.slice(0, -2)));
  return new Column(E.col(name));
}

export const column = col;

/** A literal; arrays become `array(lit, ...)` and Columns pass through, as in PySpark. */
export function lit(value: ColumnOrValue | readonly ColumnOrValue[]): Column {
  if (value instanceof Column) return value;
  if (Array.isArray(value)) {
    if (value.some((v) => v instanceof Column)) {
      throw new PySparkValueError('[COLUMN_IN_LIST] `lit` does not allow a Column in a list.', {
        errorClass: 'COLUMN_IN_LIST',
        messageParameters: { func_name: 'lit' },
      });
    }
    return call('array', ...(value as readonly ColumnOrValue[]).map((v) => lit(v)));
  }
  return new Column(toExpr(value as ColumnOrValue));
}

/** SQL expression text, parsed by the server. */
export function expr(sql: string): Column {
  return new Column(E.exprString(sql));
}

/** A Column as given, or a column by name (`F.col`), as PySpark's `_to_col`. */
export function toCol(c: ColumnOrName): Column {
  if (c instanceof Column) return c;
  if (typeof c === 'string') return col(c);
  throw new PySparkTypeError(`[NOT_COLUMN_OR_STR] Argument \`col\` should be a Column or str, got ${typeof c}.`, {
    errorClass: 'NOT_COLUMN_OR_STR',
    messageParameters: { arg_name: 'col', arg_type: typeof c },
  });
}

function call(name: string, ...args: (Column | Expr)[]): Column {
  return new Column(E.call(name, args.map((a) => (a instanceof Column ? a.expr : a))));
}

function over(name: string, ...cols: ColumnOrName[]): Column {
  return call(name, ...cols.map(toCol));
}

function colOrLit(v: ColumnOrName | number): Column {
  return typeof v === 'number' ? lit(v) : toCol(v);
}

// ---- general ----

export const when = (condition: Column, value: ColumnOrValue): Column =>
  Column.caseWhen({ branches: [[condition.expr, lit(value).expr]] });
export const coalesce = (...cols: ColumnOrName[]): Column => over('coalesce', ...cols);
export const isnull = (c: ColumnOrName): Column => over('isnull', c);
export const isnan = (c: ColumnOrName): Column => over('isnan', c);
export const nanvl = (a: ColumnOrName, b: ColumnOrName): Column => over('nanvl', a, b);
export const greatest = (...cols: ColumnOrName[]): Column => over('greatest', ...cols);
export const least = (...cols: ColumnOrName[]): Column => over('least', ...cols);
export const struct = (...cols: (ColumnOrName | readonly ColumnOrName[])[]): Column => over('struct', ...flat(cols));
export const array = (...cols: (ColumnOrName | readonly ColumnOrName[])[]): Column => over('array', ...flat(cols));
export const create_map = (...cols: (ColumnOrName | readonly ColumnOrName[])[]): Column => over('map', ...flat(cols));
export const size = (c: ColumnOrName): Column => over('size', c);
export const array_contains = (c: ColumnOrName, value: ColumnOrValue): Column => call('array_contains', toCol(c), lit(value));
export const element_at = (c: ColumnOrName, extraction: ColumnOrValue): Column => call('element_at', toCol(c), lit(extraction));
export const explode = (c: ColumnOrName): Column => over('explode', c);
export const explode_outer = (c: ColumnOrName): Column => over('explode_outer', c);
export const posexplode = (c: ColumnOrName): Column => over('posexplode', c);
export const posexplode_outer = (c: ColumnOrName): Column => over('posexplode_outer', c);
export const monotonically_increasing_id = (): Column => call('monotonically_increasing_id');
export const spark_partition_id = (): Column => call('spark_partition_id');
export const rand = (seed?: number): Column => call('rand', lit(seed ?? randomSeed()));
export const randn = (seed?: number): Column => call('randn', lit(seed ?? randomSeed()));

function flat(cols: readonly (ColumnOrName | readonly ColumnOrName[])[]): ColumnOrName[] {
  return cols.length === 1 && Array.isArray(cols[0]) ? [...(cols[0] as readonly ColumnOrName[])] : (cols as ColumnOrName[]);
}

function randomSeed(): number {
  return Math.floor(Math.random() * Number.MAX_SAFE_INTEGER);
}

// ---- sorting ----

export const asc = (c: ColumnOrName): Column => toCol(c).asc();
export const desc = (c: ColumnOrName): Column => toCol(c).desc();
export const asc_nulls_first = (c: ColumnOrName): Column => toCol(c).asc_nulls_first();
export const asc_nulls_last = (c: ColumnOrName): Column => toCol(c).asc_nulls_last();
export const desc_nulls_first = (c: ColumnOrName): Column => toCol(c).desc_nulls_first();
export const desc_nulls_last = (c: ColumnOrName): Column => toCol(c).desc_nulls_last();

// ---- strings ----

/** `split(str, pattern, limit = -1)`: the limit is always sent. */
export const split = (str: ColumnOrName, pattern: string | Column, limit: number | ColumnOrName = -1): Column =>
  call('split', toCol(str), lit(pattern), colOrLit(limit));
export const lower = (c: ColumnOrName): Column => over('lower', c);
export const upper = (c: ColumnOrName): Column => over('upper', c);
export const length = (c: ColumnOrName): Column => over('length', c);
export const initcap = (c: ColumnOrName): Column => over('initcap', c);
export const reverse = (c: ColumnOrName): Column => over('reverse', c);
export const trim = (c: ColumnOrName, chars?: ColumnOrName): Column => (chars === undefined ? over('trim', c) : over('trim', chars, c));
export const ltrim = (c: ColumnOrName, chars?: ColumnOrName): Column => (chars === undefined ? over('ltrim', c) : over('ltrim', chars, c));
export const rtrim = (c: ColumnOrName, chars?: ColumnOrName): Column => (chars === undefined ? over('rtrim', c) : over('rtrim', chars, c));
export const concat = (...cols: ColumnOrName[]): Column => over('concat', ...cols);
export const concat_ws = (sep: string, ...cols: ColumnOrName[]): Column => call('concat_ws', lit(sep), ...cols.map(toCol));
export const substring = (str: ColumnOrName, pos: number | ColumnOrName, len: number | ColumnOrName): Column =>
  call('substring', toCol(str), colOrLit(pos), colOrLit(len));
export const substring_index = (str: ColumnOrName, delim: string, count: number): Column =>
  call('substring_index', toCol(str), lit(delim), lit(count));
export const regexp_replace = (str: ColumnOrName, pattern: string | Column, replacement: string | Column): Column =>
  call('regexp_replace', toCol(str), lit(pattern), lit(replacement));
export const regexp_extract = (str: ColumnOrName, pattern: string, idx: number): Column =>
  call('regexp_extract', toCol(str), lit(pattern), lit(idx));
export const instr = (str: ColumnOrName, substr: string | Column): Column => call('instr', toCol(str), lit(substr));
export const lpad = (c: ColumnOrName, len: number | Column, pad: string | Column): Column => call('lpad', toCol(c), lit(len), lit(pad));
export const rpad = (c: ColumnOrName, len: number | Column, pad: string | Column): Column => call('rpad', toCol(c), lit(len), lit(pad));
export const repeat = (c: ColumnOrName, n: number | ColumnOrName): Column => call('repeat', toCol(c), colOrLit(n));
export const translate = (c: ColumnOrName, matching: string, replace: string): Column =>
  call('translate', toCol(c), lit(matching), lit(replace));
export const format_string = (format: string, ...cols: ColumnOrName[]): Column => call('format_string', lit(format), ...cols.map(toCol));

// ---- dates and times ----

export const current_timestamp = (): Column => call('current_timestamp');
export const current_date = (): Column => call('current_date');
export const now = (): Column => call('now');
export const timestamp_seconds = (c: ColumnOrName): Column => over('timestamp_seconds', c);
export const timestamp_millis = (c: ColumnOrName): Column => over('timestamp_millis', c);
export const timestamp_micros = (c: ColumnOrName): Column => over('timestamp_micros', c);
export const to_timestamp = (c: ColumnOrName, format?: string): Column =>
  format === undefined ? over('to_timestamp', c) : call('to_timestamp', toCol(c), lit(format));
export const to_date = (c: ColumnOrName, format?: string): Column =>
  format === undefined ? over('to_date', c) : call('to_date', toCol(c), lit(format));
export const date_format = (c: ColumnOrName, format: string): Column => call('date_format', toCol(c), lit(format));
export const year = (c: ColumnOrName): Column => over('year', c);
export const month = (c: ColumnOrName): Column => over('month', c);
export const dayofmonth = (c: ColumnOrName): Column => over('dayofmonth', c);
export const hour = (c: ColumnOrName): Column => over('hour', c);
export const minute = (c: ColumnOrName): Column => over('minute', c);
export const second = (c: ColumnOrName): Column => over('second', c);
export const date_add = (start: ColumnOrName, days: number | ColumnOrName): Column => call('date_add', toCol(start), colOrLit(days));
export const date_sub = (start: ColumnOrName, days: number | ColumnOrName): Column => call('date_sub', toCol(start), colOrLit(days));
export const datediff = (end: ColumnOrName, start: ColumnOrName): Column => over('datediff', end, start);
export const unix_timestamp = (c?: ColumnOrName, format = 'yyyy-MM-dd HH:mm:ss'): Column =>
  c === undefined ? call('unix_timestamp') : call('unix_timestamp', toCol(c), lit(format));
export const from_unixtime = (c: ColumnOrName, format = 'yyyy-MM-dd HH:mm:ss'): Column => call('from_unixtime', toCol(c), lit(format));

/**
 * `window(timeColumn, windowDuration[, slideDuration[, startTime]])`: 2, 3 or 4 arguments as
 * given; a start time without a slide sends the window duration as the slide.
 */
export function window(timeColumn: ColumnOrName, windowDuration: string, slideDuration?: string, startTime?: string): Column {
  for (const [name, v] of [['windowDuration', windowDuration], ['slideDuration', slideDuration], ['startTime', startTime]] as const) {
    if (v !== undefined && typeof v !== 'string') {
      throw new PySparkTypeError(`[NOT_STR] Argument \`${name}\` should be a str, got ${typeof v}.`, {
        errorClass: 'NOT_STR',
        messageParameters: { arg_name: name, arg_type: typeof v },
      });
    }
  }
  const time = toCol(timeColumn);
  if (slideDuration !== undefined && startTime !== undefined) {
    return call('window', time, lit(windowDuration), lit(slideDuration), lit(startTime));
  }
  if (slideDuration !== undefined) return call('window', time, lit(windowDuration), lit(slideDuration));
  if (startTime !== undefined) return call('window', time, lit(windowDuration), lit(windowDuration), lit(startTime));
  return call('window', time, lit(windowDuration));
}

export const window_time = (windowColumn: ColumnOrName): Column => call('window_time', toCol(windowColumn));
export const session_window = (timeColumn: ColumnOrName, gapDuration: string | Column): Column =>
  call('session_window', toCol(timeColumn), lit(gapDuration));

// ---- aggregates ----

/** `count(col('*'))` is sent as `count(1)`; a string '*' stays a star, as in PySpark. */
export function count(c: ColumnOrName): Column {
  if (c instanceof Column && c.expr.kind === 'star') return call('count', lit(1));
  return over('count', c);
}

export const count_distinct = (c: ColumnOrName, ...cols: ColumnOrName[]): Column =>
  new Column(E.call('count', [c, ...cols].map((x) => toCol(x).expr), true));
export const countDistinct = count_distinct;
export const sum = (c: ColumnOrName): Column => over('sum', c);
export const sum_distinct = (c: ColumnOrName): Column => new Column(E.call('sum', [toCol(c).expr], true));
export const avg = (c: ColumnOrName): Column => over('avg', c);
export const mean = avg;
export const min = (c: ColumnOrName): Column => over('min', c);
export const max = (c: ColumnOrName): Column => over('max', c);
export const first = (c: ColumnOrName, ignorenulls = false): Column => call('first', toCol(c), lit(ignorenulls));
export const last = (c: ColumnOrName, ignorenulls = false): Column => call('last', toCol(c), lit(ignorenulls));
export const collect_list = (c: ColumnOrName): Column => over('collect_list', c);
export const collect_set = (c: ColumnOrName): Column => over('collect_set', c);
export const approx_count_distinct = (c: ColumnOrName, rsd?: number): Column =>
  rsd === undefined ? call('approx_count_distinct', toCol(c)) : call('approx_count_distinct', toCol(c), lit(rsd));
export const stddev = (c: ColumnOrName): Column => over('stddev', c);
export const variance = (c: ColumnOrName): Column => over('variance', c);

// ---- math ----

export const abs = (c: ColumnOrName): Column => over('abs', c);
/** `round(col)` sends one argument; `round(col, scale)` two, as PySpark 4. */
export const round = (c: ColumnOrName, scale?: number | Column): Column =>
  scale === undefined ? over('round', c) : over('round', c, lit(scale));
export const bround = (c: ColumnOrName, scale?: number | Column): Column =>
  scale === undefined ? over('bround', c) : over('bround', c, lit(scale));
export const floor = (c: ColumnOrName, scale?: number | Column): Column =>
  scale === undefined ? over('floor', c) : over('floor', c, lit(scale));
export const ceil = (c: ColumnOrName, scale?: number | Column): Column =>
  scale === undefined ? over('ceil', c) : over('ceil', c, lit(scale));
export const sqrt = (c: ColumnOrName): Column => over('sqrt', c);
export const exp = (c: ColumnOrName): Column => over('exp', c);
export const log10 = (c: ColumnOrName): Column => over('log10', c);
export const signum = (c: ColumnOrName): Column => over('signum', c);
export const negative = (c: ColumnOrName): Column => over('negative', c);

/** `log(col)` is the natural log (`ln`); `log(base, col)` is `log(lit(base), col)`. */
export function log(arg1: ColumnOrName | number, arg2?: ColumnOrName): Column {
  if (arg2 === undefined) return call('ln', toCol(arg1 as ColumnOrName));
  return call('log', lit(arg1 as number), toCol(arg2));
}

/** Binary math functions take columns, names, or plain numbers (as literals). */
export const pow = (a: ColumnOrName | number, b: ColumnOrName | number): Column => call('power', colOrLit(a), colOrLit(b));
export const power = pow;

// ---- window functions (use with `.over(Window...)`) ----

export const row_number = (): Column => call('row_number');
export const rank = (): Column => call('rank');
export const dense_rank = (): Column => call('dense_rank');
export const percent_rank = (): Column => call('percent_rank');
export const cume_dist = (): Column => call('cume_dist');
export const ntile = (n: number): Column => call('ntile', lit(n));
export const lag = (c: ColumnOrName, offset = 1, defaultValue: ColumnOrValue = null): Column =>
  call('lag', toCol(c), lit(offset), lit(defaultValue));
export const lead = (c: ColumnOrName, offset = 1, defaultValue: ColumnOrValue = null): Column =>
  call('lead', toCol(c), lit(offset), lit(defaultValue));
export const first_value = (c: ColumnOrName, ignoreNulls = false): Column => call('first_value', toCol(c), lit(ignoreNulls));
export const last_value = (c: ColumnOrName, ignoreNulls = false): Column => call('last_value', toCol(c), lit(ignoreNulls));
export const nth_value = (c: ColumnOrName, n: number, ignoreNulls = false): Column => call('nth_value', toCol(c), lit(n), lit(ignoreNulls));
