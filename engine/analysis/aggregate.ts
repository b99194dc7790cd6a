import { AnalysisError } from '../errors/errors.js';
import { B, type BoundExpr } from '../expr/bound-expr.js';
import type { Expr } from '../expr/expr.js';
import { prettyName } from '../expr/pretty-name.js';
import { PlanBuilder } from '../plan/builder.js';
import type { AnalyzedPlan } from '../plan/analyzed-plan.js';
import type { AnalyzerContext } from './context.js';
import { findCalls, peelAlias } from './expr-walk.js';
import { parseIdentifierParts } from './identifier.js';
import { ordinalOf } from './sort.js';
import { AggregateCollector, ExprResolver, bindOverAggregate, type NamedBound } from './resolve-expr.js';
import { unqualified, type Resolved } from './resolved.js';
import { Scope, unresolvedColumn } from './scope.js';
import { planTimeWindow } from './time-window.js';

export interface AggregateSpec {
  readonly grouping: readonly Expr[];
  /** DataFrame form: output = grouping ++ aggregates. SQL form (`selectList`): output = aggregates. */
  readonly aggregates: readonly Expr[];
  readonly selectList: boolean;
  readonly having?: Expr;
  /** Applied to the resolved select list and HAVING (aggregate calls already taken out): grouping sets point grouping columns at their NULL-able copies. */
  readonly rebind?: (e: BoundExpr) => BoundExpr;
}

/**
 * An Aggregate node (groupings, then one column per distinct aggregate call), with a Filter for
 * HAVING and a Project on top when the requested output is not exactly that layout.
 */
export function resolveAggregate(ctx: AnalyzerContext, input: Resolved, given: AggregateSpec): Resolved {
  const spec = given.selectList ? { ...given, grouping: substituteGrouping(ctx, input, given.grouping, given.aggregates) } : given;
  if (spec.selectList && spec.grouping.length === 0 && spec.having) {
    // HAVING without GROUP BY makes a global aggregate; a plain column then has no group to come from.
    rejectUngroupedHaving(ctx, input, spec.having, spec.aggregates);
  }
  const all = [...spec.grouping, ...spec.aggregates, ...(spec.having ? [spec.having] : [])];
  rejectGenerators(ctx, all);
  const windowed = planTimeWindow(ctx, input, all);
  const base = windowed?.input ?? input;
  const scope = Scope.of(base.plan, base.qualifiers);
  const timeWindow = windowed?.mapping;
  const plain = new ExprResolver(ctx, scope, { ...(timeWindow ? { timeWindow } : {}) });
  const groupings: NamedBound[] = spec.grouping.map((g) => plain.resolveNamed(g));

  const collector = new AggregateCollector();
  const withAggs = new ExprResolver(ctx, scope, { aggregates: collector, ...(timeWindow ? { timeWindow } : {}) });
  const rebind = spec.rebind ?? ((e: BoundExpr) => e);
  const outputs = spec.aggregates.map((a) => {
    const o = withAggs.resolveNamed(a);
    return { ...o, expr: rebind(o.expr) };
  });
  const having = spec.having ? rebind(withAggs.resolve(spec.having)) : undefined;

  // A bare aliased aggregate names its column in the Aggregate node itself.
  for (const o of outputs) {
    if (o.expr.kind === 'ref' && o.expr.index < 0) {
      const call = collector.calls[-1 - o.expr.index];
      if (call && call.name === o.expr.name) call.name = o.name;
    }
  }
  const node = PlanBuilder.aggregate(
    base.plan,
    groupings.map((g) => ({ expr: g.expr, name: g.name })),
    collector.calls,
  );
  let plan: AnalyzedPlan = node;
  if (having) {
    const condition = bindOverAggregate(having, groupings);
    requireBoolean(ctx, condition, 'HAVING');
    plan = PlanBuilder.filter(plan, condition);
  }
  const G = groupings.length;
  const requested: NamedBound[] = spec.selectList
    ? outputs
    : [...groupings.map((g, i) => ({ expr: B.ref(i, g.expr.type, g.name), name: g.name })), ...outputs];
  const bound = requested.map((o, i) => ({
    expr: spec.selectList || i >= G ? bindOverAggregate(o.expr, groupings) : o.expr,
    name: o.name,
    ...(o.metadata ? { metadata: o.metadata } : {}),
  }));
  const identity =
    !having &&
    bound.length === node.schema.fields.length &&
    bound.every((b, i) => b.expr.kind === 'ref' && b.expr.index === i && b.name === node.schema.fields[i]?.name && !b.metadata);
  if (!identity) plan = PlanBuilder.project(plan, bound);
  return unqualified(plan);
}

/**
 * SQL GROUP BY items: an integer literal is the select item at that position
 * (spark.sql.groupByOrdinal), a name the input lacks but a select alias has is that item's
 * expression (spark.sql.groupByAliases).
 */
function substituteGrouping(ctx: AnalyzerContext, input: Resolved, grouping: readonly Expr[], select: readonly Expr[]): Expr[] {
  const scope = Scope.of(input.plan, input.qualifiers);
  return grouping.map((g) => {
    const k = ordinalOf(g);
    if (k !== undefined) {
      const item = select[k - 1];
      if (k < 1 || item === undefined) throw AnalysisError.withClass('GROUP_BY_POS_OUT_OF_RANGE', { index: String(k), size: String(select.length) });
      const inner = peelAlias(item).inner;
      if (hasAggregates(ctx, [inner])) {
        throw AnalysisError.withClass('GROUP_BY_POS_AGGREGATE', { index: String(k), aggExpr: printable(ctx, inner, input) });
      }
      return inner;
    }
    if (g.kind !== 'column' || scope.tryResolve(parseIdentifierParts(g.name))) return g;
    const parts = parseIdentifierParts(g.name);
    if (parts.length !== 1) return g;
    const name = (parts[0] as string).toLowerCase();
    const aliased = select.find((s) => s.kind === 'alias' && s.names.length === 1 && (s.names[0] as string).toLowerCase() === name);
    return aliased ? peelAlias(aliased).inner : g;
  });
}

function printable(ctx: AnalyzerContext, e: Expr, input: Resolved): string {
  try {
    return prettyName(new ExprResolver(ctx, Scope.of(input.plan, input.qualifiers), { aggregates: new AggregateCollector() }).resolve(e), ctx.registry);
  } catch {
    return e.kind;
  }
}

/**
 * HAVING without GROUP BY: with no aggregate in the select list Spark has no aggregation to
 * filter (MISSING_GROUP_BY); with one, HAVING sees only the select list's columns.
 */
function rejectUngroupedHaving(ctx: AnalyzerContext, input: Resolved, having: Expr, select: readonly Expr[]): void {
  const global = hasAggregates(ctx, select);
  for (const e of global ? [having] : [...select, having]) {
    for (const s of subExpressionsOutsideAggregates(ctx, e)) {
      if (s.kind !== 'column' || !Scope.of(input.plan, input.qualifiers).tryResolve(parseIdentifierParts(s.name))) continue;
      if (!global) throw AnalysisError.withClass('MISSING_GROUP_BY');
      const names = select.map((x) => (x.kind === 'alias' ? (x.names[0] ?? '') : x.kind === 'column' ? x.name : '')).filter((n) => n !== '');
      const visible = select.some((x) => x.kind === 'column' && x.name.toLowerCase() === s.name.toLowerCase()) || names.some((n) => n.toLowerCase() === s.name.toLowerCase());
      if (!visible) throw unresolvedColumn(parseIdentifierParts(s.name), names.length > 0 ? names : input.plan.schema.fields.map((f) => f.name));
    }
  }
}

function* subExpressionsOutsideAggregates(ctx: AnalyzerContext, e: Expr): Generator<Expr> {
  if (e.kind === 'call' && ctx.registry.lookup(e.name)?.kind === 'aggregate') return;
  yield e;
  switch (e.kind) {
    case 'alias':
    case 'cast':
      yield* subExpressionsOutsideAggregates(ctx, e.expr);
      break;
    case 'call':
      for (const a of e.args) yield* subExpressionsOutsideAggregates(ctx, a);
      break;
    case 'extract':
      yield* subExpressionsOutsideAggregates(ctx, e.child);
      break;
    default:
      break;
  }
}

/** WHERE runs before aggregation: an aggregate there is INVALID_WHERE_CONDITION. */
export function rejectAggregatesInWhere(ctx: AnalyzerContext, condition: Expr): void {
  const calls = findCalls([condition], (c) => ctx.registry.lookup(c.name)?.kind === 'aggregate');
  if (calls.length > 0) {
    throw AnalysisError.withClass('INVALID_WHERE_CONDITION', {
      condition: `"${printExprText(condition)}"`,
      expressionList: calls.map((c) => printExprText(c)).join(', '),
    });
  }
}

function printExprText(e: Expr): string {
  return e.kind === 'call' ? `${e.name}(...)` : e.kind;
}

export function requireBoolean(ctx: AnalyzerContext, condition: BoundExpr, where: string): void {
  if (condition.type.kind !== 'boolean' && condition.type.kind !== 'null') {
    throw new AnalysisError('', {
      errorClass: 'DATATYPE_MISMATCH.FILTER_NOT_BOOLEAN',
      messageParameters: {
        sqlExpr: `"${prettyName(condition, ctx.registry)}"`,
        filter: `"${prettyName(condition, ctx.registry)}"`,
        type: `"${condition.type.kind.toUpperCase()}"`,
      },
    });
  }
  void where;
}

/** True when any expression calls an aggregate function. */
export function hasAggregates(ctx: AnalyzerContext, exprs: readonly Expr[]): boolean {
  return findCalls(exprs, (c) => ctx.registry.lookup(c.name)?.kind === 'aggregate').length > 0;
}

function rejectGenerators(ctx: AnalyzerContext, exprs: readonly Expr[]): void {
  const gen = findCalls(exprs, (c) => ctx.registry.lookup(c.name)?.kind === 'generator')[0];
  if (gen) {
    throw new AnalysisError('', {
      errorClass: 'UNSUPPORTED_GENERATOR.OUTSIDE_SELECT',
      messageParameters: { plan: `'Aggregate' with "${gen.name}(...)"` },
    });
  }
}
