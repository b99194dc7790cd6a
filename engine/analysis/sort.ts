import { AnalysisError } from '../errors/errors.js';
import { B } from '../expr/bound-expr.js';
import { E, type Expr, type SortOrder } from '../expr/expr.js';
import { PlanBuilder } from '../plan/builder.js';
import type { SortKey } from '../plan/analyzed-plan.js';
import type { LogicalPlan } from '../plan/logical-plan.js';
import type { AnalyzerContext } from './context.js';
import { findCalls } from './expr-walk.js';
import { ExprResolver } from './resolve-expr.js';
import { unqualified, type Resolved } from './resolved.js';
import { Scope } from './scope.js';

/** `ORDER BY 2`: an integer literal names an output column by position (spark.sql.orderByOrdinal). */
export function ordinalOf(e: Expr): number | undefined {
  return e.kind === 'literal' && e.type.kind === 'integer' && typeof e.value === 'number' ? e.value : undefined;
}

function orderOf(o: Expr): SortOrder {
  return o.kind === 'sortOrder' ? o : E.sortOrder(o);
}

/**
 * A global sort, as Spark resolves it: ordinals become output columns; keys resolve against the
 * output first, then (under a projection) against the projection's input, whose qualified names
 * (`v.n`) still resolve there; under a SQL aggregation, keys the select list lacks (`count(*)`,
 * a grouping column) are computed by the aggregation as hidden columns and projected away.
 */
export function resolveSort(
  ctx: AnalyzerContext,
  inputPlan: LogicalPlan,
  order: readonly Expr[],
  resolve: (p: LogicalPlan) => Resolved,
): Resolved {
  const orders = order.map(orderOf);
  const input = resolve(inputPlan);
  // The projection's input, resolved on its own for its qualifiers (`ORDER BY v.n` below `SELECT w`).
  const below = inputPlan.kind === 'project' ? resolve(inputPlan.input) : undefined;
  const width = input.plan.schema.fields.length;
  const keyOver = (r: Resolved, o: SortOrder): SortKey => {
    const k = ordinalOf(o.expr);
    if (k !== undefined) {
      const f = input.plan.schema.fields[k - 1];
      if (k < 1 || !f) throw AnalysisError.withClass('ORDER_BY_POS_OUT_OF_RANGE', { index: String(k), size: String(width) });
      return { expr: B.ref(k - 1, f.type, f.name, f.nullable), ascending: o.ascending, nullsFirst: o.nullsFirst };
    }
    const resolver = new ExprResolver(ctx, Scope.of(r.plan, r.qualifiers));
    return { expr: resolver.resolve(o.expr), ascending: o.ascending, nullsFirst: o.nullsFirst };
  };
  try {
    return { plan: PlanBuilder.sort(input.plan, orders.map((o) => keyOver(input, o))), qualifiers: input.qualifiers };
  } catch (e) {
    if (!(e instanceof AnalysisError)) throw e;
    if (inputPlan.kind === 'aggregate' && inputPlan.selectList) return sortWithHiddenAggregates(ctx, inputPlan, input, orders, keyOver, resolve, e);
    // ORDER BY a column the select list dropped: sort below the projection (Spark adds the column).
    if (input.plan.kind !== 'project' || orders.some((o) => ordinalOf(o.expr) !== undefined)) throw e;
    const project = input.plan;
    const sameInput = below !== undefined && JSON.stringify(below.plan.schema) === JSON.stringify(project.input.schema);
    const underneath: Resolved = sameInput ? { plan: project.input, qualifiers: below.qualifiers } : unqualified(project.input);
    let keys: SortKey[];
    try {
      keys = orders.map((o) => keyOver(underneath, o));
    } catch {
      throw e;
    }
    const sorted = PlanBuilder.sort(project.input, keys);
    const named = project.exprs.map((expr, i) => ({ expr, name: project.schema.fields[i]?.name ?? `_${i}` }));
    return { plan: PlanBuilder.project(sorted, named), qualifiers: input.qualifiers };
  }
}

function sortWithHiddenAggregates(
  ctx: AnalyzerContext,
  aggregate: Extract<LogicalPlan, { kind: 'aggregate' }>,
  input: Resolved,
  orders: readonly SortOrder[],
  keyOver: (r: Resolved, o: SortOrder) => SortKey,
  resolve: (p: LogicalPlan) => Resolved,
  original: AnalysisError,
): Resolved {
  const width = input.plan.schema.fields.length;
  const hidden: Expr[] = [];
  const plannedKeys = orders.map((o) => {
    try {
      return { key: keyOver(input, o) };
    } catch (e) {
      if (!(e instanceof AnalysisError) || ordinalOf(o.expr) !== undefined) throw e;
      hidden.push(o.expr);
      return { hidden: hidden.length - 1, order: o };
    }
  });
  if (aggregate.having && hidden.some((h) => findCalls([h], (c) => ctx.registry.lookup(c.name)?.kind === 'aggregate').length > 0)) {
    // Spark resolves ORDER BY aggregates only directly over the Aggregate; HAVING's Filter sits between.
    throw AnalysisError.withClass('UNSUPPORTED_EXPR_FOR_OPERATOR', { invalidExprSqls: '"..."' });
  }
  let widened: Resolved;
  try {
    widened = resolve({ ...aggregate, aggregates: [...aggregate.aggregates, ...hidden] });
  } catch (e) {
    throw e instanceof AnalysisError && hidden.length > 0 ? e : original;
  }
  const fields = widened.plan.schema.fields;
  const keys = plannedKeys.map((p) => {
    if (p.key !== undefined) return p.key;
    const f = fields[width + p.hidden];
    if (!f) throw original;
    return { expr: B.ref(width + p.hidden, f.type, f.name, f.nullable), ascending: p.order.ascending, nullsFirst: p.order.nullsFirst };
  });
  const sorted = PlanBuilder.sort(widened.plan, keys);
  const named = fields.slice(0, width).map((f, i) => ({ expr: B.ref(i, f.type, f.name, f.nullable), name: f.name }));
  return { plan: PlanBuilder.project(sorted, named), qualifiers: input.qualifiers };
}
