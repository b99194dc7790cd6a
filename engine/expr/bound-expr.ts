import type { DataType } from '../types/data-type.js';

/**
 * Resolved, typed expressions: the analyzer's output and what operators evaluate. They refer to
 * input columns by position and to functions by registry name, so they stay plain serializable data
 * that can travel to workers inside a stage.
 */
export type BoundExpr = BoundRef | BoundLiteral | BoundCall | BoundCast | BoundGetField | BoundLambda | BoundLambdaVar;

/** Input column `index` of the operator's input batch. */
export interface BoundRef {
  readonly kind: 'ref';
  readonly index: number;
  readonly type: DataType;
  readonly nullable: boolean;
  /** The column's name, for display only. */
  readonly name: string;
}

export interface BoundLiteral {
  readonly kind: 'literal';
  readonly value: unknown;
  readonly type: DataType;
}

/** A scalar function from the registry (operators included: `+`, `==`, `and`, ...). */
export interface BoundCall {
  readonly kind: 'call';
  readonly fn: string;
  readonly args: readonly BoundExpr[];
  readonly type: DataType;
  readonly nullable: boolean;
}

export interface BoundCast {
  readonly kind: 'cast';
  readonly expr: BoundExpr;
  readonly type: DataType;
  /** ansi: malformed input raises CAST_INVALID_INPUT (Spark 4 default); try: NULL; legacy: NULL. */
  readonly mode: 'ansi' | 'try' | 'legacy';
  /** Inserted by type coercion rather than written by the user: left out of column names. */
  readonly implicit?: true;
  /** A typed literal (`DATE '2024-01-01'`), named as written. */
  readonly typedLiteral?: true;
}

/** Field `ordinal` of a struct value (`window.end`). */
export interface BoundGetField {
  readonly kind: 'getField';
  readonly expr: BoundExpr;
  readonly ordinal: number;
  readonly name: string;
  readonly type: DataType;
  readonly nullable: boolean;
}

/**
 * `x -> body` as a higher-order function's argument. Its parameters are lambda variables with
 * ids unique within the enclosing expression; the function evaluates the body once per element.
 */
export interface BoundLambda {
  readonly kind: 'lambda';
  readonly params: readonly BoundLambdaVar[];
  readonly body: BoundExpr;
  /** The body's type and nullability. */
  readonly type: DataType;
  readonly nullable: boolean;
}

export interface BoundLambdaVar {
  readonly kind: 'lambdaVar';
  readonly id: number;
  readonly name: string;
  readonly type: DataType;
  readonly nullable: boolean;
}

export function exprType(e: BoundExpr): DataType {
  switch (e.kind) {
    case 'getField':
    case 'ref':
    case 'call':
    case 'cast':
    case 'literal':
    case 'lambdaVar':
    case 'lambda':
      return e.type;
    default:
      return assertNeverExpr(e);
  }
}

export function exprNullable(e: BoundExpr): boolean {
  switch (e.kind) {
    case 'ref':
    case 'call':
    case 'getField':
    case 'lambdaVar':
    case 'lambda':
      return e.nullable;
    case 'literal':
      return e.value === null;
    case 'cast':
      return e.mode !== 'ansi' || exprNullable(e.expr);
    default:
      return assertNeverExpr(e);
  }
}

export const B = Object.freeze({
  ref(index: number, type: DataType, name: string, nullable = true): BoundRef {
    return Object.freeze({ kind: 'ref', index, type, nullable, name });
  },
  lit(value: unknown, type: DataType): BoundLiteral {
    return Object.freeze({ kind: 'literal', value, type });
  },
  call(fn: string, args: readonly BoundExpr[], type: DataType, nullable = true): BoundCall {
    return Object.freeze({ kind: 'call', fn, args: Object.freeze([...args]), type, nullable });
  },
  cast(expr: BoundExpr, type: DataType, mode: 'ansi' | 'try' | 'legacy' = 'ansi', implicit = false): BoundCast {
    return Object.freeze(implicit ? { kind: 'cast', expr, type, mode, implicit: true } : { kind: 'cast', expr, type, mode });
  },
  getField(expr: BoundExpr, ordinal: number, name: string, type: DataType, nullable = true): BoundGetField {
    return Object.freeze({ kind: 'getField', expr, ordinal, name, type, nullable });
  },
  lambda(params: readonly BoundLambdaVar[], body: BoundExpr): BoundLambda {
    return Object.freeze({ kind: 'lambda', params: Object.freeze([...params]), body, type: exprType(body), nullable: exprNullable(body) });
  },
  lambdaVar(id: number, name: string, type: DataType, nullable = true): BoundLambdaVar {
    return Object.freeze({ kind: 'lambdaVar', id, name, type, nullable });
  },
});

/**
 * `e` with `f` applied to its direct children, rebuilt through `B` (a lambda's type follows its
 * new body; a cast keeps its flags). Walkers handle their own cases and hand the rest here.
 */
export function mapChildren(e: BoundExpr, f: (child: BoundExpr) => BoundExpr): BoundExpr {
  switch (e.kind) {
    case 'ref':
    case 'literal':
    case 'lambdaVar':
      return e;
    case 'call':
      return B.call(e.fn, e.args.map(f), e.type, e.nullable);
    case 'cast':
      return Object.freeze({ ...e, expr: f(e.expr) });
    case 'getField':
      return B.getField(f(e.expr), e.ordinal, e.name, e.type, e.nullable);
    case 'lambda':
      return B.lambda(e.params, f(e.body));
    default:
      return assertNeverExpr(e);
  }
}

/** `e` with every column reference replaced by `f(ref)`. */
export function mapRefs(e: BoundExpr, f: (ref: BoundRef) => BoundExpr): BoundExpr {
  const walk = (x: BoundExpr): BoundExpr => (x.kind === 'ref' ? f(x) : mapChildren(x, walk));
  return walk(e);
}

/** Every column index `e` reads. */
export function refIndexes(e: BoundExpr): Set<number> {
  const used = new Set<number>();
  mapRefs(e, (r) => {
    used.add(r.index);
    return r;
  });
  return used;
}

function assertNeverExpr(e: never): never {
  throw new Error(`unknown bound expression ${JSON.stringify(e)}`);
}
