import type { DataType } from '../types/data-type.js';

/**
 * Unresolved expressions: what a client or the SQL parser builds, before names and types are known.
 * Mirrors Spark Connect's `Expression` oneof. Frozen plain objects, serializable as JSON.
 * Operators are functions by name, as Spark Connect sends them: `==`, `<`, `+`, `and`, `not`, ...
 */
export type Expr =
  | ColumnRef
  | Literal
  | Alias
  | Cast
  | Call
  | Star
  | ExtractValue
  | SortOrder
  | ExprString
  | LambdaFunction
  | LambdaVariable
  | WindowExpr;

/** `col("window.end")`: an unparsed, possibly dotted or back-quoted identifier. */
export interface ColumnRef {
  readonly kind: 'column';
  readonly name: string;
  /** Set when the column was taken from a specific DataFrame (`df.col`): resolve against that subtree. */
  readonly planId?: number;
}

export interface Literal {
  readonly kind: 'literal';
  readonly value: unknown;
  readonly type: DataType;
}

export interface Alias {
  readonly kind: 'alias';
  readonly expr: Expr;
  /** One name normally; several for multi-column generators (`posexplode(...).alias('p', 'v')`). */
  readonly names: readonly string[];
  readonly metadata?: Readonly<Record<string, unknown>>;
}

export interface Cast {
  readonly kind: 'cast';
  readonly expr: Expr;
  /** A type, or a type string such as `"bigint"` / `"struct<a:int>"` to be parsed. */
  readonly to: DataType | string;
  readonly mode?: 'legacy' | 'ansi' | 'try';
  /** `DATE '2024-01-01'`: a typed literal, named as written rather than as a cast. */
  readonly typedLiteral?: true;
}

/** A function or operator call by name, resolved through the function registry. */
export interface Call {
  readonly kind: 'call';
  readonly name: string;
  readonly args: readonly Expr[];
  readonly distinct: boolean;
}

/** `*` or `t.*` / `window.*`. */
export interface Star {
  readonly kind: 'star';
  readonly target?: string;
  readonly planId?: number;
}

/** `col.getField("x")`, `col["x"]`, `arr[0]`. */
export interface ExtractValue {
  readonly kind: 'extract';
  readonly child: Expr;
  readonly extraction: Expr;
}

export interface SortOrder {
  readonly kind: 'sortOrder';
  readonly expr: Expr;
  readonly ascending: boolean;
  /** Spark's default: nulls first for ascending, last for descending. */
  readonly nullsFirst: boolean;
}

/** SQL expression text (`F.expr`, `selectExpr`, `filter("a > 1")`), parsed during analysis. */
export interface ExprString {
  readonly kind: 'exprString';
  readonly sql: string;
}

/** `x -> x + 1` in higher-order functions. */
export interface LambdaFunction {
  readonly kind: 'lambda';
  readonly params: readonly string[];
  readonly body: Expr;
}

export interface LambdaVariable {
  readonly kind: 'lambdaVariable';
  readonly name: string;
}

/** One end of a window frame; `value` is an offset (rows) or a distance in the order key (range). */
export type FrameBoundary =
  | { readonly kind: 'unbounded' }
  | { readonly kind: 'currentRow' }
  | { readonly kind: 'value'; readonly value: Expr };

export interface WindowFrame {
  readonly type: 'rows' | 'range';
  readonly lower: FrameBoundary;
  readonly upper: FrameBoundary;
}

/** `fn OVER (PARTITION BY ... ORDER BY ... frame)`: Connect's Expression.Window. */
export interface WindowExpr {
  readonly kind: 'window';
  readonly fn: Expr;
  readonly partitionBy: readonly Expr[];
  readonly orderBy: readonly SortOrder[];
  /** Absent: Spark's default frame. */
  readonly frame?: WindowFrame;
}

export type ExprKind = Expr['kind'];

function freeze<T extends object>(o: T): T {
  return Object.freeze(o);
}

/** Factories for unresolved expressions. */
export const E = Object.freeze({
  col(name: string, planId?: number): ColumnRef {
    return freeze(planId === undefined ? { kind: 'column', name } : { kind: 'column', name, planId });
  },
  lit(value: unknown, type: DataType): Literal {
    return freeze({ kind: 'literal', value, type });
  },
  alias(expr: Expr, ...names: string[]): Alias {
    return freeze({ kind: 'alias', expr, names: freeze([...names]) });
  },
  cast(expr: Expr, to: DataType | string, mode?: 'legacy' | 'ansi' | 'try'): Cast {
    return freeze(mode === undefined ? { kind: 'cast', expr, to } : { kind: 'cast', expr, to, mode });
  },
  call(name: string, args: readonly Expr[], distinct = false): Call {
    return freeze({ kind: 'call', name, args: freeze([...args]), distinct });
  },
  star(target?: string, planId?: number): Star {
    const s: { kind: 'star'; target?: string; planId?: number } = { kind: 'star' };
    if (target !== undefined) s.target = target;
    if (planId !== undefined) s.planId = planId;
    return freeze(s);
  },
  extract(child: Expr, extraction: Expr): ExtractValue {
    return freeze({ kind: 'extract', child, extraction });
  },
  sortOrder(expr: Expr, ascending = true, nullsFirst?: boolean): SortOrder {
    return freeze({ kind: 'sortOrder', expr, ascending, nullsFirst: nullsFirst ?? ascending });
  },
  exprString(sql: string): ExprString {
    return freeze({ kind: 'exprString', sql });
  },
  lambda(params: readonly string[], body: Expr): LambdaFunction {
    return freeze({ kind: 'lambda', params: freeze([...params]), body });
  },
  lambdaVariable(name: string): LambdaVariable {
    return freeze({ kind: 'lambdaVariable', name });
  },
  window(fn: Expr, partitionBy: readonly Expr[], orderBy: readonly SortOrder[], frame?: WindowFrame): WindowExpr {
    const w = { kind: 'window' as const, fn, partitionBy: freeze([...partitionBy]), orderBy: freeze([...orderBy]) };
    return freeze(frame === undefined ? w : { ...w, frame });
  },
});
