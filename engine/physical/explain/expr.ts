import type { BoundExpr } from '../../expr/bound-expr.js';
import { INFIX as PRETTY_INFIX, prettyCaseWhen } from '../../expr/pretty-name.js';
import { formatDouble, valueToString } from '../../expr/cast-format.js';
import type { AggregateCall } from '../../plan/analyzed-plan.js';
import { assertNever, simpleString, type DataType } from '../../types/data-type.js';
import { formatTimestamp } from '../../types/time.js';

/**
 * An output column as explain() names it: Spark's `AttributeReference` text `name#id`, with `L`
 * for a bigint and `-T<delay>ms` when the column carries a watermark delay (`count#4L`,
 * `timestamp#2-T5000ms`). Ids are given per explain() call, bottom-up, so every section of one
 * text (logical plans, physical plan, state info, stages) uses the same id for the same column.
 */
export interface Attr {
  readonly name: string;
  readonly id: number;
  readonly type: DataType;
  readonly delayMs: number | undefined;
}

export function attrString(a: Attr): string {
  return `${a.name}#${a.id}${a.type.kind === 'long' ? 'L' : ''}${a.delayMs === undefined ? '' : `-T${a.delayMs}ms`}`;
}

export function attrList(attrs: readonly Attr[]): string {
  return `[${attrs.map(attrString).join(', ')}]`;
}

/** How expressions print: Spark's `Expression.toString`. */
export interface ExprContext {
  readonly timeZone: string;
  /**
   * When set, `current_timestamp()` / `now()` / `current_date()` print as the literal they stand
   * for, as in Spark's optimized and physical plans (the batch's timestamp for a running query).
   */
  readonly currentTimestampUs?: number;
  /** Optimized and physical plans: a cast of a numeric literal to a number type prints as the folded literal (`3`, not `cast(3 as bigint)`). */
  readonly fold?: boolean;
}

/** `e` over the columns `input`, as Spark's `Expression.toString` prints it (`(id#0L > 3)`, `split(value#0,  , -1)`). */
export function exprString(e: BoundExpr, input: readonly Attr[], ctx: ExprContext): string {
  const s = (x: BoundExpr): string => exprString(x, input, ctx);
  switch (e.kind) {
    case 'ref': {
      const a = input[e.index];
      return a ? attrString(a) : e.name;
    }
    case 'literal':
      return literalString(e.value, e.type, ctx.timeZone);
    case 'getField':
      return `${s(e.expr)}.${e.name}`;
    case 'cast': {
      const folded = ctx.fold ? foldedCast(e.expr, e.type) : undefined;
      if (folded !== undefined) return folded;
      return `${e.mode === 'try' ? 'try_cast' : 'cast'}(${s(e.expr)} as ${simpleString(e.type)})`;
    }
    case 'call':
      return callString(e.fn, e.args, s, ctx);
    case 'lambda':
      return `lambdafunction(${[s(e.body), ...e.params.map(s)].join(', ')}, false)`;
    case 'lambdaVar':
      return `lambda ${e.name}#${e.id}`;
    default:
      return assertNever(e);
  }
}

/** The infix operators as Spark prints them; `=` as written in SQL, too. */
const INFIX: Readonly<Record<string, string>> = { ...PRETTY_INFIX, '=': '=' };

function callString(fn: string, args: readonly BoundExpr[], s: (e: BoundExpr) => string, ctx: ExprContext): string {
  const name = fn.toLowerCase();
  const infix = INFIX[name];
  if (infix !== undefined && args.length === 2) return `(${s(args[0] as BoundExpr)} ${infix} ${s(args[1] as BoundExpr)})`;
  const a = args.map(s);
  switch (name) {
    case 'current_timestamp':
    case 'now':
      if (ctx.currentTimestampUs !== undefined && args.length === 0) return formatTimestamp(ctx.currentTimestampUs, ctx.timeZone);
      break;
    case 'current_date':
      if (ctx.currentTimestampUs !== undefined && args.length === 0) {
        return formatTimestamp(ctx.currentTimestampUs, ctx.timeZone).slice(0, 10);
      }
      break;
    case 'not':
      return `NOT ${a[0] ?? ''}`;
    case '!=':
    case '<>':
      return `NOT (${a[0] ?? ''} = ${a[1] ?? ''})`;
    case 'negative':
      return `-${a[0] ?? ''}`;
    case 'positive':
      return `+${a[0] ?? ''}`;
    case '~':
      return `~${a[0] ?? ''}`;
    case 'in':
      return `${a[0] ?? ''} IN (${a.slice(1).join(',')})`;
    case 'like':
      return `${a[0] ?? ''} LIKE ${a[1] ?? ''}`;
    case 'rlike':
      return `RLIKE(${a[0] ?? ''}, ${a[1] ?? ''})`;
    case 'if':
      return `if (${a[0] ?? ''}) ${a[1] ?? ''} else ${a[2] ?? ''}`;
    case 'when':
      return prettyCaseWhen(a);
    default:
      break;
  }
  return `${name}(${a.join(', ')})`;
}

const INTEGRAL: ReadonlySet<string> = new Set(['byte', 'short', 'integer', 'long']);

function foldedCast(x: BoundExpr, to: DataType): string | undefined {
  if (x.kind !== 'literal' || typeof x.value !== 'number') return undefined;
  if (INTEGRAL.has(to.kind) && INTEGRAL.has(x.type.kind)) return String(x.value);
  if (to.kind === 'double' && (INTEGRAL.has(x.type.kind) || x.type.kind === 'float' || x.type.kind === 'double')) return formatDouble(x.value);
  return undefined;
}

/** Spark's `Literal.toString`: raw strings, `null`, Java-style numbers, timestamps in the session time zone. */
export function literalString(value: unknown, type: DataType, timeZone: string): string {
  if (value === null || value === undefined) return 'null';
  switch (type.kind) {
    case 'array':
      return Array.isArray(value) ? `[${value.map((v) => literalString(v, type.elementType, timeZone)).join(',')}]` : String(value);
    case 'struct':
    case 'map':
    case 'binary':
      return String(value);
    default:
      // Atomic values print as CAST(x AS STRING) does.
      return valueToString(value, type, timeZone);
  }
}

/** An aggregate call as HashAggregate prints it, with Spark's mode prefix (`partial_count(1)`, `merge_sum(n#1)`). */
export function aggregateString(
  call: AggregateCall,
  input: readonly Attr[],
  ctx: ExprContext,
  mode: 'partial' | 'merge' | 'final',
): string {
  const prefix = mode === 'final' ? '' : `${mode}_`;
  const fn = call.fn.toLowerCase();
  const distinct = call.distinct || fn === 'count_distinct';
  const name = fn === 'count_distinct' ? 'count' : fn;
  return `${prefix}${name}(${distinct ? 'distinct ' : ''}${call.args.map((x) => exprString(x, input, ctx)).join(', ')})`;
}

/** Names Spark gives an aggregate's buffer columns (`count`, `sum`; avg keeps `sum, count`). */
export function bufferNames(fn: string, slots: number): string[] {
  const known: Readonly<Record<string, readonly string[]>> = {
    count: ['count'],
    count_distinct: ['count'],
    sum: ['sum'],
    avg: ['sum', 'count'],
    mean: ['sum', 'count'],
    min: ['min'],
    max: ['max'],
    first: ['first', 'valueSet'],
    last: ['last', 'valueSet'],
  };
  const names = known[fn.toLowerCase()];
  if (names && names.length === slots) return [...names];
  return Array.from({ length: slots }, (_, i) => (slots === 1 ? fn.toLowerCase() : `${fn.toLowerCase()}_${i}`));
}

/**
 * Spark's interval text (`IntervalUtils.toMultiUnitsString`) for a duration: `5 seconds`,
 * `10 minutes 1.5 seconds`, `2 hours`, `0 seconds`.
 */
export function intervalText(ms: number): string {
  if (ms === 0) return '0 seconds';
  const parts: string[] = [];
  let rest = ms;
  const hours = Math.trunc(rest / 3_600_000);
  if (hours !== 0) parts.push(`${hours} hours`);
  rest -= hours * 3_600_000;
  const minutes = Math.trunc(rest / 60_000);
  if (minutes !== 0) parts.push(`${minutes} minutes`);
  rest -= minutes * 60_000;
  if (rest !== 0) parts.push(`${trimDecimal(rest / 1000)} seconds`);
  return parts.join(' ');
}

function trimDecimal(x: number): string {
  return x.toFixed(6).replace(/\.?0+$/, '');
}

/**
 * The window struct Spark's ResolveTimeWindows builds for the `i`-th window (latest start first)
 * containing `time`: `named_struct(start, …, end, …)` over `precisetimestampconversion`.
 */
export function windowStructString(time: string, timeType: DataType, windowUs: number, slideUs: number, startUs: number, i: number): string {
  const tsType = timeType.kind === 'timestamp_ntz' ? 'TimestampNTZType' : 'TimestampType';
  const ts = `precisetimestampconversion(${time}, ${tsType}, LongType)`;
  const rem = `((${ts} - ${startUs}) % ${slideUs})`;
  const lastStart = `(${ts} - CASE WHEN (${rem} < 0) THEN (${rem} + ${slideUs}) ELSE ${rem} END)`;
  const start = `(${lastStart} - ${i * slideUs})`;
  const end = `(${start} + ${windowUs})`;
  const back = (x: string): string => `knownnullable(precisetimestampconversion(${x}, LongType, ${tsType}))`;
  return `named_struct(start, ${back(start)}, end, ${back(end)})`;
}
