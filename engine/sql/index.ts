import { E, type Expr } from '../expr/expr.js';
import type { LogicalPlan } from '../plan/logical-plan.js';
import { parseNamedExpression, parseQuery, withinStack } from './parser.js';
import { ExprConverter, type SqlArgs } from './to-expr.js';
import { queryToPlan } from './to-plan.js';

/**
 * The SQL front end: Spark SQL text (the SELECT subset) → the same unresolved `LogicalPlan` and
 * `Expr` nodes the DataFrame API builds. Syntax errors are `ParseError`s with Spark's error class
 * and message (`PARSE_SYNTAX_ERROR`, `== SQL ==` block, caret line); valid Spark SQL that
 * Kindling does not run (joins, subqueries, DDL) is a `NotSupportedError`.
 */

/** Parses one statement (an optional trailing `;` is allowed), substituting `:name` / `?` parameters. */
export function parseSql(text: string, args: SqlArgs = {}): LogicalPlan {
  const { ast, positionalOffsets } = parseQuery(text);
  return withinStack(() => queryToPlan(ast, args, positionalOffsets));
}

/** Parses one expression, as `F.expr`, `selectExpr` and `filter("a > 1")` take it; `AS` aliases become `alias`. */
export function parseExpression(text: string, args: SqlArgs = {}): Expr {
  const { ast: named, positionalOffsets } = parseNamedExpression(text);
  const expr = withinStack(() => new ExprConverter(args, positionalOffsets).convert(named.expr));
  return named.aliases.length > 0 ? E.alias(expr, ...named.aliases) : expr;
}

export type { SqlArgs } from './to-expr.js';
export type * from './ast.js';
export { parseExpressionAst, parseQueryAst } from './parser.js';
export { printAst, printExpr, printQuery, quoteIdent, quoteString } from './print.js';
export { parseErrorAt, parseErrorInContext, queryContextSummary } from './errors.js';
export { parseDataType, parseSchema } from './data-type-parser.js';
export { dataTypeToSql, schemaToDdl } from '../types/type-sql.js';
