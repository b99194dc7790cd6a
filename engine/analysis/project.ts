import { AnalysisError } from '../errors/errors.js';
import { B } from '../expr/bound-expr.js';
import type { Expr } from '../expr/expr.js';
import { PlanBuilder, type NamedExpr } from '../plan/builder.js';
import type { AnalyzerContext } from './context.js';
import { peelAlias } from './expr-walk.js';
import { parseIdentifierParts } from './identifier.js';
import { hasAggregates, resolveAggregate } from './aggregate.js';
import { ExprResolver, type ResolveOptions } from './resolve-expr.js';
import { unqualified, type Resolved } from './resolved.js';
import { Scope } from './scope.js';
import { planTimeWindow } from './time-window.js';

/**
 * A select list: stars expanded, a `window(...)` planned below, at most one generator turned into
 * a Generate node below, and aggregate functions without GROUP BY turned into a global aggregate.
 */
export function resolveProject(ctx: AnalyzerContext, input: Resolved, exprs: readonly Expr[], extra: ResolveOptions = {}): Resolved {
  if (hasAggregates(ctx, exprs)) {
    return resolveAggregate(ctx, input, { grouping: [], aggregates: exprs, selectList: true });
  }
  const windowed = planTimeWindow(ctx, input, exprs);
  let base = windowed?.input ?? input;
  const timeWindow = windowed?.mapping;

  const generators = exprs
    .map((e, i) => ({ i, ...peelAlias(e) }))
    .filter(({ inner }) => inner.kind === 'call' && ctx.registry.lookup(inner.name)?.kind === 'generator');
  if (generators.length > 1) {
    throw new AnalysisError('', {
      errorClass: 'UNSUPPORTED_GENERATOR.MULTI_GENERATOR',
      messageParameters: {
        clause: 'SELECT',
        num: String(generators.length),
        generators: generators.map((g) => `"${(g.inner as { name: string }).name}(...)"`).join(', '),
      },
    });
  }
  const gen = generators[0];
  let generated: NamedExpr[] = [];
  if (gen && gen.inner.kind === 'call') {
    const entry = ctx.registry.lookup(gen.inner.name);
    if (entry?.kind !== 'generator') throw new AnalysisError(`${gen.inner.name} is not a generator`);
    const resolver = new ExprResolver(ctx, Scope.of(base.plan, base.qualifiers), { ...extra, ...(timeWindow ? { timeWindow } : {}) });
    const args = gen.inner.args.map((a) => resolver.resolve(a));
    const r = entry.fn.resolve(args, ctx.conf);
    const names = gen.names;
    if (names && names.length !== r.outputs.length) {
      throw new AnalysisError('', {
        errorClass: 'UDTF_ALIAS_NUMBER_MISMATCH',
        messageParameters: { aliasesSize: String(names.length), aliasesNames: names.join(', ') },
      });
    }
    const outputs = r.outputs.map((f, k) => ({ ...f, name: names?.[k] ?? f.name }));
    const outer = entry.fn.name.toLowerCase().endsWith('_outer');
    const node = PlanBuilder.generate(base.plan, entry.fn.name, r.args, outer, outputs);
    const width = base.plan.schema.fields.length;
    generated = outputs.map((f, k) => {
      const field = node.schema.fields[width + k];
      return { expr: B.ref(width + k, f.type, f.name, field?.nullable ?? true), name: f.name };
    });
    base = { plan: node, qualifiers: [...base.qualifiers, ...outputs.map(() => undefined)] };
  }

  const scope = Scope.of(base.plan, base.qualifiers, base.planIds);
  const resolver = new ExprResolver(ctx, scope, { ...extra, ...(timeWindow ? { timeWindow } : {}) });
  const named: NamedExpr[] = [];
  exprs.forEach((e, i) => {
    if (gen && i === gen.i) {
      named.push(...generated);
    } else if (e.kind === 'star') {
      const target = e.target === undefined ? undefined : parseIdentifierParts(e.target.replace(/\.\*$/, ''));
      named.push(...scope.expandStar(target).map((r) => ({ expr: r.expr, name: r.name })));
    } else {
      const r = resolver.resolveNamed(e);
      named.push({ expr: r.expr, name: r.name, ...(r.metadata ? { metadata: r.metadata } : {}) });
    }
  });
  return unqualified(PlanBuilder.project(base.plan, named));
}

export function quote(name: string): string {
  return '`' + name.replace(/`/g, '``') + '`';
}
