import { AnalysisError } from '../errors/errors.js';
import { B, type BoundExpr } from '../expr/bound-expr.js';
import type { Expr } from '../expr/expr.js';
import { prettyName } from '../expr/pretty-name.js';
import { PlanBuilder } from '../plan/builder.js';
import type { AnalyzedPlan } from '../plan/analyzed-plan.js';
import type { AnalyzerContext } from './context.js';
import { findCalls } from './expr-walk.js';
import { AggregateCollector, ExprResolver, bindOverAggregate, type NamedBound } from './resolve-expr.js';
import { unqualified, type Resolved } from './resolved.js';
import { Scope } from './scope.js';
import { planTimeWindow } from './time-window.js';

export interface AggregateSpec {
  readonly grouping: readonly Expr[];
  /** DataFrame form: output = grouping ++ aggregates. SQL form (`selectList`): output = aggregates. */
  readonly aggregates: readonly Expr[];
  readonly selectList: boolean;
  readonly having?: Expr;
}

/**
 * An Aggregate node (groupings, then one column per distinct aggregate call), with a Filter for
 * HAVING and a Project on top when the requested output is not exactly that layout.
 */
export function resolveAggregate(ctx: AnalyzerContext, input: Resolved, spec: AggregateSpec): Resolved {
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
  const outputs = spec.aggregates.map((a) => withAggs.resolveNamed(a));
  const having = spec.having ? withAggs.resolve(spec.having) : undefined;

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
  const display = (e: BoundExpr): string => prettyName(e, ctx.registry);
  let plan: AnalyzedPlan = node;
  if (having) {
    const condition = bindOverAggregate(having, groupings, display);
    requireBoolean(ctx, condition, 'HAVING');
    plan = PlanBuilder.filter(plan, condition);
  }
  const G = groupings.length;
  const requested: NamedBound[] = spec.selectList
    ? outputs
    : [...groupings.map((g, i) => ({ expr: B.ref(i, g.expr.type, g.name), name: g.name })), ...outputs];
  const bound = requested.map((o, i) => ({
    expr: spec.selectList || i >= G ? bindOverAggregate(o.expr, groupings, display) : o.expr,
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
