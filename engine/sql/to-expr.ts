import { AnalysisError } from '../errors/errors.js';
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
