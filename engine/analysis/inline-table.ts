import { batchFromRows, recordBatch } from '../batch/record-batch.js';
import { valueAt } from '../batch/vector.js';
import { AnalysisError, RuntimeDataError } from '../errors/errors.js';
import type { BoundExpr } from '../expr/bound-expr.js';
import { compileExpr } from '../functions/evaluate.js';
import type { Expr } from '../expr/expr.js';
import { castTo, exprSql, isFoldable, tightestCommonType } from '../functions/type-coercion.js';
import type { AnalyzedPlan } from '../plan/analyzed-plan.js';
import { PlanBuilder } from '../plan/builder.js';
import { T, type DataType } from '../types/data-type.js';
import { schemaOf } from '../types/schema.js';
import type { AnalyzerContext } from './context.js';
import { quoteIdentifier } from './identifier.js';
import { ExprResolver } from './resolve-expr.js';
import { Scope } from './scope.js';

/** The one-row, no-column batch constant expressions are evaluated over. */
const ONE_ROW = recordBatch(schemaOf([]), 1, []);

/**
 * Spark's ResolveInlineTables: each value is resolved without input columns and must be
 * constant; a column's type is the tightest common type of its values (no string promotion);
 * the values are cast to it and evaluated once, giving local data. A column is nullable when a
 * value is NULL.
 */
export function resolveInlineTable(
  ctx: AnalyzerContext,
  rows: readonly (readonly Expr[])[],
  names: readonly string[],
): AnalyzedPlan {
  const resolver = new ExprResolver(ctx, new Scope([]));
  const bound = rows.map((row) =>
    row.map((e) => {
      const b = resolver.resolve(e);
      if (!isFoldable(b)) {
        throw AnalysisError.withClass('INVALID_INLINE_TABLE.CANNOT_EVALUATE_EXPRESSION_IN_INLINE_TABLE', { expr: exprSql(b) });
      }
      return b;
    }),
  );
  const types = names.map((name, c) => {
    let type: DataType | undefined = T.null;
    for (const row of bound) type = type && tightestCommonType(type, (row[c] as BoundExpr).type);
    if (type === undefined) {
      throw AnalysisError.withClass('INVALID_INLINE_TABLE.INCOMPATIBLE_TYPES_IN_INLINE_TABLE', { colName: quoteIdentifier([name]) });
    }
    return type;
  });
  const evalCtx = { ...ctx.conf, batchTimestampUs: Date.now() * 1000 };
  const values = bound.map((row) =>
    row.map((b, c) => {
      try {
        return valueAt(compileExpr(castTo(b, types[c] as DataType, ctx.conf), ctx.registry)(ONE_ROW, evalCtx), 0);
      } catch (e) {
        if (!(e instanceof RuntimeDataError)) throw e;
        throw AnalysisError.withClass('INVALID_INLINE_TABLE.FAILED_SQL_EXPRESSION_EVALUATION', { sqlExpr: exprSql(b) }, e);
      }
    }),
  );
  const schema = schemaOf(names.map((n, c) => T.field(n, types[c] as DataType, values.some((r) => r[c] === null))));
  return PlanBuilder.localData(batchFromRows(schema, values));
}
