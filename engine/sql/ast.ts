import type { DataType } from '../types/data-type.js';

/**
 * The SQL syntax tree: plain data, no positions, so two parses of equivalent text are deep-equal
 * (`printAst` gives canonical text that parses back to the same tree). Keywords are normalized
 * (`REGEXP` → `RLIKE`, `x::t` → `CAST`, `a.b` on an identifier → one path), nothing is resolved.
 */

export type AstLiteralType =
  | 'null'
  | 'boolean'
  | 'byte'
  | 'short'
  | 'integer'
  | 'long'
  | 'float'
  | 'double'
  | 'string';

export type AstExpr =
  | { readonly kind: 'literal'; readonly type: AstLiteralType; readonly value: string | number | boolean | null }
  /** `DATE '...'`, `TIMESTAMP '...'`, `TIMESTAMP_NTZ '...'`: a string cast to the type. */
  | { readonly kind: 'typedLiteral'; readonly type: 'date' | 'timestamp' | 'timestamp_ntz'; readonly value: string }
  /** `X'0A1B'`: hex digits, upper case. */
  | { readonly kind: 'binaryLiteral'; readonly hex: string }
  /** `INTERVAL 5 SECONDS` / `INTERVAL '5 seconds'`: normalized text, e.g. `5 seconds`. */
  | { readonly kind: 'interval'; readonly text: string }
  /** A column path: `a`, `window.end`, `` `cats per minute` ``. */
  | { readonly kind: 'identifier'; readonly parts: readonly string[] }
  /** `*` or `t.*`. */
  | { readonly kind: 'star'; readonly target: readonly string[] }
  | { readonly kind: 'unary'; readonly op: UnaryOp; readonly operand: AstExpr }
  | { readonly kind: 'binary'; readonly op: BinaryOp; readonly left: AstExpr; readonly right: AstExpr }
  | { readonly kind: 'isNull'; readonly negated: boolean; readonly operand: AstExpr }
  | { readonly kind: 'isBoolean'; readonly negated: boolean; readonly value: boolean; readonly operand: AstExpr }
  | { readonly kind: 'isDistinctFrom'; readonly negated: boolean; readonly left: AstExpr; readonly right: AstExpr }
  | { readonly kind: 'in'; readonly negated: boolean; readonly operand: AstExpr; readonly list: readonly AstExpr[] }
  | {
      readonly kind: 'between';
      readonly negated: boolean;
      readonly operand: AstExpr;
      readonly low: AstExpr;
      readonly high: AstExpr;
    }
  | {
      readonly kind: 'like';
      readonly op: 'LIKE' | 'ILIKE' | 'RLIKE';
      readonly negated: boolean;
      readonly operand: AstExpr;
      readonly pattern: AstExpr;
      readonly escape?: string;
    }
  /** A function call; `star` is `f(*)` (Spark's `count(*)`). Names are lower case. */
  | {
      readonly kind: 'call';
      readonly name: string;
      readonly args: readonly AstExpr[];
      readonly distinct: boolean;
      readonly star: boolean;
    }
  | { readonly kind: 'cast'; readonly operand: AstExpr; readonly type: DataType; readonly try: boolean }
  | {
      readonly kind: 'case';
      readonly operand?: AstExpr;
      readonly branches: readonly { readonly when: AstExpr; readonly then: AstExpr }[];
      readonly else?: AstExpr;
    }
  | { readonly kind: 'subscript'; readonly operand: AstExpr; readonly index: AstExpr }
  /** `expr.name` where expr is not a column path (e.g. `f(x).a`, `a[0].b`). */
  | { readonly kind: 'field'; readonly operand: AstExpr; readonly name: string }
  /** `:name` or the n-th `?` (0-based, in order of appearance). */
  | { readonly kind: 'parameter'; readonly name: string }
  | { readonly kind: 'positionalParameter'; readonly index: number }
  | { readonly kind: 'lambda'; readonly params: readonly string[]; readonly body: AstExpr }
  /** `f(...) OVER (PARTITION BY ... ORDER BY ... frame)`. */
  | {
      readonly kind: 'over';
      readonly fn: AstExpr;
      readonly partitionBy: readonly AstExpr[];
      readonly orderBy: readonly OrderItem[];
      readonly frame?: AstWindowFrame;
      /** `OVER w`: named in the query's WINDOW clause, which the parser substitutes before it returns. */
      readonly windowName?: string;
    };

/** A frame boundary; `n PRECEDING` is kept as written (Spark names the column after it). */
export type AstFrameBound =
  | { readonly kind: 'unboundedPreceding' }
  | { readonly kind: 'unboundedFollowing' }
  | { readonly kind: 'currentRow' }
  | { readonly kind: 'preceding'; readonly value: AstExpr }
  | { readonly kind: 'following'; readonly value: AstExpr };

export interface AstWindowFrame {
  readonly type: 'ROWS' | 'RANGE';
  readonly lower: AstFrameBound;
  readonly upper: AstFrameBound;
}

export type UnaryOp = '-' | '+' | '~' | 'NOT';

export type BinaryOp =
  | 'OR'
  | 'AND'
  | '='
  | '=='
  | '<>'
  | '!='
  | '<'
  | '<='
  | '>'
  | '>='
  | '<=>'
  | '|'
  | '^'
  | '&'
  | '+'
  | '-'
  | '||'
  | '*'
  | '/'
  | '%'
  | 'DIV';

/** A select-list entry: an expression and its optional alias (several for generators: `AS (a, b)`). */
export interface SelectItem {
  readonly expr: AstExpr;
  readonly aliases: readonly string[];
}

export interface OrderItem {
  readonly expr: AstExpr;
  readonly ascending: boolean;
  readonly nullsFirst: boolean;
}

/** A relation's `AS alias(col, ...)`: the alias, and optionally new names for its columns. */
interface RelationAlias {
  readonly alias?: string;
  readonly columns?: readonly string[];
}

export type Relation =
  | ({ readonly kind: 'table'; readonly name: readonly string[] } & RelationAlias)
  | ({ readonly kind: 'subquery'; readonly query: Query } & RelationAlias)
  /** `range(...)`, the one table-valued function supported. */
  | ({ readonly kind: 'tableFunction'; readonly name: string; readonly args: readonly AstExpr[] } & RelationAlias)
  /** An inline table, `VALUES (1, 'a'), (2, 'b')`: one list of expressions per row. */
  | ({ readonly kind: 'values'; readonly rows: readonly (readonly AstExpr[])[] } & RelationAlias)
  /** `a JOIN b ON ...` / `USING (...)`, `a, b` (a cross join). */
  | ({
      readonly kind: 'join';
      readonly left: Relation;
      readonly right: Relation;
      readonly joinType: 'INNER' | 'CROSS' | 'LEFT' | 'RIGHT' | 'FULL' | 'SEMI' | 'ANTI';
      readonly on?: AstExpr;
      readonly using?: readonly string[];
      /** NATURAL JOIN: USING the columns both sides have, found at analysis. */
      readonly natural?: true;
    } & RelationAlias);

export interface SelectSpec {
  readonly kind: 'select';
  readonly distinct: boolean;
  readonly items: readonly SelectItem[];
  readonly from?: Relation;
  readonly where?: AstExpr;
  readonly groupBy: readonly AstExpr[];
  /** `GROUP BY ROLLUP(...)` / `CUBE(...)` / `GROUPING SETS (...)`: `groupBy` then holds their columns. */
  readonly groupingAnalytics?: { readonly kind: 'rollup' | 'cube' | 'groupingSets'; readonly sets: readonly (readonly AstExpr[])[] };
  readonly having?: AstExpr;
}

export type QueryTerm =
  | SelectSpec
  | { readonly kind: 'setOp'; readonly op: 'UNION'; readonly all: boolean; readonly left: QueryTerm; readonly right: QueryTerm }
  | { readonly kind: 'nested'; readonly query: Query };

export interface CommonTableExpr {
  readonly name: string;
  readonly columns: readonly string[];
  readonly query: Query;
}

/** A full query: `WITH` definitions, a body, and the clauses that apply to the body's result. */
export interface Query {
  readonly kind: 'query';
  readonly with: readonly CommonTableExpr[];
  readonly body: QueryTerm;
  readonly orderBy: readonly OrderItem[];
  /** `LIMIT n` (a number) or an expression to be folded; `LIMIT ALL` is no limit. */
  readonly limit?: AstExpr;
  readonly offset?: AstExpr;
}

/** A standalone expression with optional aliases (`F.expr`, `selectExpr`). */
export interface NamedExpression {
  readonly kind: 'namedExpression';
  readonly expr: AstExpr;
  readonly aliases: readonly string[];
}

export type AstNode = Query | NamedExpression | AstExpr;
