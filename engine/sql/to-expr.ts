import { AnalysisError, NotSupportedError } from '../errors/errors.js';
import { E, type Expr, type FrameBoundary, type WindowFrame } from '../expr/expr.js';
import { T, assertNever } from '../types/data-type.js';
import type { AstExpr, AstFrameBound, BinaryOp, UnaryOp } from './ast.js';
import { intervalLiteral } from './interval-literal.js';

/** Values for `:name` and `?` parameters (Spark Connect's `SQL.named_arguments` / `pos_arguments`). */
export interface SqlArgs {
  readonly namedArgs?: Readonly<Record<string, Expr>>;
  readonly posArgs?: readonly Expr[];
}

/** Operator → function name, the contract with the function registry and the client. */
const BINARY_FUNCTIONS: Readonly<Record<BinaryOp, string>> = {
  OR: 'or',
  AND: 'and',
  '=': '==',
  '==': '==',
  '<>': '!=',
  '!=': '!=',
  '<': '<',
  '<=': '<=',
  '>': '>',
  '>=': '>=',
  '<=>': '<=>',
  '|': '|',
  '^': '^',
  '&': '&',
  '+': '+',
  '-': '-',
  '||': 'concat',
  '*': '*',
  '/': '/',
  '%': '%',
  DIV: 'div',
};

const UNARY_FUNCTIONS: Readonly<Record<UnaryOp, string>> = { '-': 'negative', '+': 'positive', '~': '~', NOT: 'not' };

/**
 * A column name as `E.col` takes it (dotted, unparsed): parts that would not read back as one
 * part (dots, back-quotes, empty) are back-quoted.
 */
export function columnName(parts: readonly string[]): string {
  return parts.map((p) => (p === '' || /[.`]/.test(p) ? '`' + p.replace(/`/g, '``') + '`' : p)).join('.');
}

/** Turns syntax-tree expressions into the unresolved `Expr`s the DataFrame API builds. */
export class ExprConverter {
  /** `positionalOffsets[i]` is where the i-th `?` is in the text; Spark names an unbound one `_<offset>`. */
  constructor(
    private readonly args: SqlArgs = {},
    private readonly positionalOffsets: readonly number[] = [],
  ) {}

  convert(e: AstExpr, lambdaScope: ReadonlySet<string> = new Set()): Expr {
    const c = (x: AstExpr): Expr => this.convert(x, lambdaScope);
    switch (e.kind) {
      case 'literal':
        return E.lit(e.value, T[e.type]);
      case 'typedLiteral':
        return Object.freeze({ ...E.cast(E.lit(e.value, T.string), T[e.type]), typedLiteral: true as const });
      case 'binaryLiteral':
        return E.lit(hexBytes(e.hex), T.binary);
      case 'interval':
        // Kindling has no interval type; durations travel as text, as `window()` takes them.
        return E.lit(e.text, T.string);
      case 'identifier':
        return this.identifier(e.parts, lambdaScope);
      case 'star':
        return e.target.length > 0 ? E.star(columnName(e.target)) : E.star();
      case 'unary':
        return E.call(UNARY_FUNCTIONS[e.op], [c(e.operand)]);
      case 'over':
        return overToExpr(e, c);
      case 'binary':
        if ((e.op === '+' || e.op === '-') && e.right.kind === 'interval') return intervalArithmetic(c(e.left), e.right.text, e.op);
        if (e.op === '+' && e.left.kind === 'interval') return intervalArithmetic(c(e.right), e.left.text, '+');
        if ((e.op === '+' || e.op === '-') && isMakeInterval(e.right)) return makeIntervalArithmetic(c(e.left), e.right, e.op);
        if (e.op === '+' && isMakeInterval(e.left)) return makeIntervalArithmetic(c(e.right), e.left, '+');
        return E.call(BINARY_FUNCTIONS[e.op], [c(e.left), c(e.right)]);
      case 'isNull':
        return E.call(e.negated ? 'isnotnull' : 'isnull', [c(e.operand)]);
      case 'isBoolean':
        return negate(e.negated, E.call('<=>', [c(e.operand), E.lit(e.value, T.boolean)]));
      case 'isDistinctFrom':
        return negate(!e.negated, E.call('<=>', [c(e.left), c(e.right)]));
      case 'in':
        return negate(e.negated, E.call('in', [c(e.operand), ...e.list.map(c)]));
      case 'between':
        return negate(e.negated, E.call('between', [c(e.operand), c(e.low), c(e.high)]));
      case 'like': {
        const args = [c(e.operand), c(e.pattern)];
        if (e.escape !== undefined) args.push(E.lit(e.escape, T.string));
        return negate(e.negated, E.call(e.op.toLowerCase(), args));
      }
      case 'call':
        if (e.star) return E.call(e.name, [e.name === 'count' ? E.lit(1, T.integer) : E.star()], e.distinct);
        return E.call(e.name, e.args.map(c), e.distinct);
      case 'cast':
        return e.try ? E.cast(c(e.operand), e.type, 'try') : E.cast(c(e.operand), e.type);
      case 'case': {
        const args: Expr[] = [];
        for (const b of e.branches) {
          args.push(e.operand ? E.call('==', [c(e.operand), c(b.when)]) : c(b.when), c(b.then));
        }
        if (e.else) args.push(c(e.else));
        return E.call('when', args);
      }
      case 'subscript':
        return E.extract(c(e.operand), c(e.index));
      case 'field':
        return E.extract(c(e.operand), E.lit(e.name, T.string));
      case 'parameter':
        return this.named(e.name);
      case 'positionalParameter':
        return this.positional(e.index);
      case 'lambda': {
        const scope = new Set([...lambdaScope, ...e.params.map((p) => p.toLowerCase())]);
        return E.lambda(e.params, this.convert(e.body, scope));
      }
      default:
        return assertNever(e);
    }
  }

  private identifier(parts: readonly string[], lambdaScope: ReadonlySet<string>): Expr {
    const head = parts[0] as string;
    if (!lambdaScope.has(head.toLowerCase())) return E.col(columnName(parts));
    let e: Expr = E.lambdaVariable(head);
    for (const p of parts.slice(1)) e = E.extract(e, E.lit(p, T.string));
    return e;
  }

  private named(name: string): Expr {
    const args = this.args.namedArgs ?? {};
    const value = args[name] ?? Object.entries(args).find(([k]) => k.toLowerCase() === name.toLowerCase())?.[1];
    if (value === undefined) throw AnalysisError.withClass('UNBOUND_SQL_PARAMETER', { name });
    return value;
  }

  private positional(index: number): Expr {
    const value = this.args.posArgs?.[index];
    if (value === undefined) {
      throw AnalysisError.withClass('UNBOUND_SQL_PARAMETER', { name: `_${this.positionalOffsets[index] ?? index}` });
    }
    return value;
  }
}

/** `x ± INTERVAL ...`: Spark's TimeAdd / DateAdd / DateAddYMInterval, by the interval's kind. */
function intervalArithmetic(operand: Expr, text: string, op: '+' | '-'): Expr {
  const literal = intervalLiteral(text);
  const { months, days, micros } = literal.interval;
  return E.call('interval_add', [
    operand,
    E.lit(literal.sql, T.string),
    E.lit(op, T.string),
    E.lit(months, T.integer),
    E.lit(days, T.integer),
    E.lit(micros, T.long),
    E.lit(literal.daysOnly, T.boolean),
  ]);
}

type AstCall = Extract<AstExpr, { kind: 'call' }>;

function isMakeInterval(e: AstExpr): e is AstCall {
  return e.kind === 'call' && e.name === 'make_interval';
}

/** A numeric literal, or one under unary minus/plus; undefined for anything else. */
function literalNumber(e: AstExpr): number | undefined {
  if (e.kind === 'literal') return typeof e.value === 'number' ? e.value : typeof e.value === 'string' && e.type !== 'string' ? Number(e.value) : undefined;
  if (e.kind === 'unary' && (e.op === '-' || e.op === '+')) {
    const v = literalNumber(e.operand);
    return v === undefined ? undefined : e.op === '-' ? -v : v;
  }
  return undefined;
}

/**
 * `x ± make_interval(years, months, weeks, days, hours, mins, secs)` with literal arguments:
 * Kindling has no interval column, so the interval is folded here into the same `interval_add`
 * as an interval literal (months, then days, then microseconds, as Spark's TimeAdd/DateAddInterval).
 */
function makeIntervalArithmetic(operand: Expr, call: AstCall, op: '+' | '-'): Expr {
  if (call.args.length > 7) {
    throw AnalysisError.withClass('WRONG_NUM_ARGS.WITHOUT_SUGGESTION', { functionName: '`make_interval`', expectedNum: '[0, 1, 2, 3, 4, 5, 6, 7]', actualNum: String(call.args.length), docroot: 'https://spark.apache.org/docs/latest' });
  }
  const values = call.args.map(literalNumber);
  if (values.some((v) => v === undefined || !Number.isFinite(v))) {
    throw new NotSupportedError('make_interval with non-literal arguments is not supported by Kindling (it has no interval column type); pass numbers, e.g. ts + make_interval(0, 0, 0, 1, 2, 0, 0).');
  }
  const [years = 0, months = 0, weeks = 0, days = 0, hours = 0, mins = 0, secs = 0] = values as number[];
  for (const v of [years, months, weeks, days, hours, mins]) {
    if (!Number.isInteger(v)) throw new NotSupportedError('make_interval takes whole numbers for all but the seconds in Kindling.');
  }
  const totalMonths = years * 12 + months;
  const totalDays = weeks * 7 + days;
  const micros = (hours * 3600 + mins * 60) * 1_000_000 + Math.round(secs * 1_000_000);
  // Spark names omitted arguments by their defaults (secs is a DECIMAL(18,6)).
  const shown = [...values.map((v) => String(v)), '0', '0', '0', '0', '0', '0', '0.000000'].slice(0, 7);
  if (call.args.length < 7) shown[6] = '0.000000';
  const sql = `make_interval(${shown.join(', ')})`;
  return E.call('interval_add', [
    operand,
    E.lit(sql, T.string),
    E.lit(op, T.string),
    E.lit(totalMonths, T.integer),
    E.lit(totalDays, T.integer),
    E.lit(micros, T.long),
    E.lit(micros === 0, T.boolean),
  ]);
}

function negate(negated: boolean, e: Expr): Expr {
  return negated ? E.call('not', [e]) : e;
}

function hexBytes(hex: string): Uint8Array {
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
}

/** `f() OVER (...)` as Connect's Window expression; `n PRECEDING` is `-n` as Spark's parser builds it. */
function overToExpr(e: Extract<AstExpr, { kind: 'over' }>, c: (x: AstExpr) => Expr): Expr {
  const bound = (b: AstFrameBound): FrameBoundary => {
    switch (b.kind) {
      case 'unboundedPreceding':
      case 'unboundedFollowing':
        return { kind: 'unbounded' };
      case 'currentRow':
        return { kind: 'currentRow' };
      case 'preceding':
        return { kind: 'value', value: E.call('negative', [c(b.value)]) };
      case 'following':
        return { kind: 'value', value: c(b.value) };
      default: {
        const never: never = b;
        throw new Error(`unknown frame bound ${JSON.stringify(never)}`);
      }
    }
  };
  const frame: WindowFrame | undefined = e.frame
    ? { type: e.frame.type === 'ROWS' ? 'rows' : 'range', lower: bound(e.frame.lower), upper: bound(e.frame.upper) }
    : undefined;
  return E.window(
    c(e.fn),
    e.partitionBy.map(c),
    e.orderBy.map((o) => E.sortOrder(c(o.expr), o.ascending, o.nullsFirst)),
    frame,
  );
}
