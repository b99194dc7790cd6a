import type { FunctionRegistry } from '../functions/registry.js';
import { assertNever, isNumeric, type DataType } from '../types/data-type.js';
import type { BoundExpr } from './bound-expr.js';
import { formatDate, formatTimestamp } from '../types/time.js';
import { formatDouble, formatFloat, valueToString } from './cast-format.js';
import { dataTypeToSql } from '../types/type-sql.js';

/**
 * Spark's auto-generated column names (`toPrettySQL`): how an unaliased expression is named in
 * `df.select(expr)`. Column references print their name, string literals their raw text, casts
 * added by type coercion are invisible, and each operator keeps its SQL shape (`(a + b)`,
 * `(a = b)`, `(NOT a)`, `a LIKE b`, `CASE WHEN ... END`). Everything else is `name(arg, ...)`.
 */
export function prettyName(e: BoundExpr, registry?: FunctionRegistry): string {
  switch (e.kind) {
    case 'ref':
      return e.name;
    case 'literal':
      return prettyLiteral(e.value, e.type);
    case 'getField':
      return `${prettyName(e.expr, registry)}.${e.name}`;
    case 'cast': {
      const child = prettyName(e.expr, registry);
      if (e.implicit) return child;
      if (e.typedLiteral) return `${dataTypeToSql(e.type).replace('TIMESTAMP_LTZ', 'TIMESTAMP')} '${child}'`;
      return `${e.mode === 'try' ? 'TRY_CAST' : 'CAST'}(${child} AS ${dataTypeToSql(e.type)})`;
    }
    case 'call': {
      const args = e.args.map((a) => prettyName(a, registry));
      const custom = registry?.scalar(e.fn)?.prettyName;
      return custom ? custom(args) : prettyCall(e.fn, args);
    }
    case 'lambda':
      return `lambdafunction(${[prettyName(e.body, registry), ...e.params.map(() => 'namedlambdavariable()')].join(', ')})`;
    case 'lambdaVar':
      // Spark names lambda variables by their kind, not their name.
      return 'namedlambdavariable()';
    default:
      return assertNever(e);
  }
}

/** The column name of an aggregate call: `count(1)`, `count(DISTINCT a, b)`, `sum(x)`. */
export function prettyAggregateName(
  fn: string,
  argNames: readonly string[],
  distinct: boolean,
  registry?: FunctionRegistry,
): string {
  const entry = registry?.lookup(fn);
  if (entry?.kind === 'aggregate' && entry.fn.prettyName) return entry.fn.prettyName(argNames, distinct);
  const name = fn.toLowerCase();
  if (name === 'count_distinct') return `count(DISTINCT ${argNames.join(', ')})`;
  if ((name === 'first' || name === 'last') && argNames.length === 2) {
    return `${name}(${argNames[0] ?? ''})`;
  }
  return `${name}(${distinct ? 'DISTINCT ' : ''}${argNames.join(', ')})`;
}

/** Spark's SQL text of the infix operators (`==` prints as `=`), shared with explain text. */
export const INFIX: Readonly<Record<string, string>> = {
  '+': '+',
  '-': '-',
  '*': '*',
  '/': '/',
  '%': '%',
  div: 'div',
  '==': '=',
  '<=>': '<=>',
  '<': '<',
  '<=': '<=',
  '>': '>',
  '>=': '>=',
  and: 'AND',
  or: 'OR',
  '&': '&',
  '|': '|',
  '^': '^',
};

/** Functions Spark names in upper case (its math expressions keep their SQL spelling). */
const UPPER_NAMES: ReadonlySet<string> = new Set([
  'power',
  'sqrt',
  'exp',
  'log10',
  'log2',
  'log1p',
  'ceil',
  'floor',
  'signum',
  'cbrt',
  'sin',
  'cos',
  'tan',
  'asin',
  'acos',
  'atan',
  'sinh',
  'cosh',
  'tanh',
  'expm1',
  'rint',
  'degrees',
  'radians',
  'log',
]);

/** A call's name from its (already pretty) argument names. */
export function prettyCall(fn: string, args: readonly string[]): string {
  const name = fn.toLowerCase();
  const infix = INFIX[name];
  if (infix !== undefined && args.length === 2) return `(${args[0] ?? ''} ${infix} ${args[1] ?? ''})`;
  const [a = '', b = '', c = ''] = args;
  switch (name) {
    case 'not':
      return `(NOT ${a})`;
    case '!=':
    case '<>':
      return `(NOT (${a} = ${b}))`;
    case 'positive':
      return `(+ ${a})`;
    case 'negative':
      return `(- ${a})`;
    case '~':
      return `~${a}`;
    case 'isnull':
      return `(${a} IS NULL)`;
    case 'isnotnull':
      return `(${a} IS NOT NULL)`;
    case 'in':
      return `(${a} IN (${args.slice(1).join(', ')}))`;
    case 'like':
      return `${a} LIKE ${b}`;
    case 'rlike':
      return `RLIKE(${a}, ${b})`;
    case 'if':
      return `(IF(${a}, ${b}, ${c}))`;
    case 'when':
      return prettyCaseWhen(args);
    case 'trim':
    case 'ltrim':
    case 'rtrim':
      if (args.length === 2) {
        const side = name === 'trim' ? 'BOTH' : name === 'ltrim' ? 'LEADING' : 'TRAILING';
        return `TRIM(${side} ${b} FROM ${a})`;
      }
      return `${name}(${a})`;
    case 'log':
      // Spark's one-argument log is the two-argument one with base e.
      return args.length === 1 ? `LOG(E(), ${a})` : `LOG(${a}, ${b})`;
    default:
      return `${UPPER_NAMES.has(name) ? name.toUpperCase() : name}(${args.join(', ')})`;
  }
}

/** `CASE WHEN a THEN b [WHEN ...] [ELSE e] END` over printed arguments (names and explain() alike). */
export function prettyCaseWhen(args: readonly string[]): string {
  const parts = ['CASE'];
  const pairs = Math.floor(args.length / 2);
  for (let i = 0; i < pairs; i++) parts.push(`WHEN ${args[2 * i] ?? ''} THEN ${args[2 * i + 1] ?? ''}`);
  if (args.length % 2 === 1) parts.push(`ELSE ${args[args.length - 1] ?? ''}`);
  parts.push('END');
  return parts.join(' ');
}

/** Literals as Spark prints them in names: raw strings, Java-style numbers, `NULL`, `DATE '...'`. */
export function prettyLiteral(value: unknown, type: DataType): string {
  if (value === null || value === undefined) return 'NULL';
  // Strings, booleans and numbers read as their cast to string does; the rest as SQL literals.
  return type.kind === 'string' || type.kind === 'boolean' || isNumeric(type) ? valueToString(value, type, 'UTC') : sqlLiteral(value, type);
}

/** A literal as SQL text (`'a'`, `1L`, `DATE '2020-01-01'`), used in error messages as Spark's `toSQLValue`. */
export function sqlLiteral(value: unknown, type: DataType): string {
  if (value === null || value === undefined) return 'NULL';
  switch (type.kind) {
    case 'string':
      return `'${String(value).replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
    case 'byte':
      return `${String(value)}Y`;
    case 'short':
      return `${String(value)}S`;
    case 'long':
      return `${String(value)}L`;
    case 'float':
      return Number.isNaN(value) ? "CAST('NaN' AS FLOAT)" : `${formatFloat(value as number)}F`;
    case 'double':
      return Number.isNaN(value) ? "CAST('NaN' AS DOUBLE)" : `${formatDouble(value as number)}D`;
    case 'date':
      return `DATE '${formatDate(value as number)}'`;
    case 'timestamp':
      return `TIMESTAMP '${formatTimestamp(value as number, 'UTC')}'`;
    case 'timestamp_ntz':
      return `TIMESTAMP_NTZ '${formatTimestamp(value as number, 'UTC')}'`;
    default:
      return String(value);
  }
}
