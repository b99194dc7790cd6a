import type { Call, Expr } from '../expr/expr.js';
import { parseExpression } from '../sql/index.js';

/** Every sub-expression of `e`, parents before children. */
export function* subExpressions(e: Expr): Generator<Expr> {
  yield e;
  switch (e.kind) {
    case 'alias':
    case 'cast':
    case 'sortOrder':
      yield* subExpressions(e.expr);
      break;
    case 'call':
      for (const a of e.args) yield* subExpressions(a);
      break;
    case 'extract':
      yield* subExpressions(e.child);
      yield* subExpressions(e.extraction);
      break;
    case 'lambda':
      yield* subExpressions(e.body);
      break;
    case 'window':
      // The window function itself is not walked: an aggregate under OVER is not an aggregation.
      for (const p of e.partitionBy) yield* subExpressions(p);
      for (const o of e.orderBy) yield* subExpressions(o);
      break;
    case 'column':
    case 'literal':
    case 'star':
    case 'exprString':
    case 'lambdaVariable':
      break;
    default: {
      const never: never = e;
      throw new Error(`unknown expression ${JSON.stringify(never)}`);
    }
  }
}

export function findCalls(exprs: readonly Expr[], pred: (c: Call) => boolean): Call[] {
  const out: Call[] = [];
  for (const e of exprs) for (const s of subExpressions(e)) if (s.kind === 'call' && pred(s)) out.push(s);
  return out;
}

/** The expression under any aliases, and the alias names (innermost alias wins for naming). */
export function peelAlias(e: Expr): { inner: Expr; names: readonly string[] | undefined } {
  let names: readonly string[] | undefined;
  let cur = e;
  while (cur.kind === 'alias') {
    names ??= cur.names;
    cur = cur.expr;
  }
  return { inner: cur, names };
}

/**
 * `e` with every SQL expression string replaced by its parsed tree, as Spark parses Connect's
 * ExpressionString before analysis: rules that look at the tree's shape (time windows and
 * generators in a select list or GROUP BY, `*`) then see `F.expr` / `selectExpr` input too.
 */
export function expandExprStrings(e: Expr): Expr {
  switch (e.kind) {
    case 'exprString':
      return parseExpression(e.sql);
    case 'alias':
    case 'cast':
    case 'sortOrder': {
      const expr = expandExprStrings(e.expr);
      return expr === e.expr ? e : { ...e, expr };
    }
    case 'call': {
      const args = e.args.map(expandExprStrings);
      return args.every((a, i) => a === e.args[i]) ? e : { ...e, args };
    }
    case 'extract': {
      const child = expandExprStrings(e.child);
      const extraction = expandExprStrings(e.extraction);
      return child === e.child && extraction === e.extraction ? e : { ...e, child, extraction };
    }
    case 'lambda': {
      const body = expandExprStrings(e.body);
      return body === e.body ? e : { ...e, body };
    }
    case 'window':
      return {
        ...e,
        fn: expandExprStrings(e.fn),
        partitionBy: e.partitionBy.map(expandExprStrings),
        orderBy: e.orderBy.map((o) => ({ ...o, expr: expandExprStrings(o.expr) })),
      };
    case 'column':
    case 'literal':
    case 'star':
    case 'lambdaVariable':
      return e;
    default: {
      const never: never = e;
      throw new Error(`unknown expression ${JSON.stringify(never)}`);
    }
  }
}
