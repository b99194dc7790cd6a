import { AnalysisError, InternalError } from '../errors/errors.js';
import { B, exprNullable, mapRefs, refIndexes, type BoundExpr } from '../expr/bound-expr.js';
import type { Expr } from '../expr/expr.js';
import { PlanBuilder, type NamedExpr } from '../plan/builder.js';
import type { AnalyzedPlan, JoinNode, PhysicalJoinType } from '../plan/analyzed-plan.js';
import { planChildren, type Join, type LogicalPlan } from '../plan/logical-plan.js';
import { T } from '../types/data-type.js';
import { requireBoolean } from './aggregate.js';
import type { AnalyzerContext } from './context.js';
import { expandExprStrings } from './expr-walk.js';
import { parseIdentifierParts, quoteIdentifier } from './identifier.js';
import { ExprResolver } from './resolve-expr.js';
import type { Resolved } from './resolved.js';
import { Scope, type ResolvedName } from './scope.js';

/**
 * Spark's Join analysis. ON: the condition is resolved over left ++ right columns (a `df.col`
 * reference resolves on the side whose plan it came from), its `a = b` conjuncts between the two
 * sides become hash keys and the rest a residual condition. USING: the named columns are the keys
 * and lead the output once (coalesced for a full outer join), then the other left columns, then
 * the other right columns. Semi and anti joins output the left columns only.
 */
export function resolveJoin(ctx: AnalyzerContext, plan: Join, left: Resolved, right: Resolved): Resolved {
  const joinType = physicalType(plan);
  const ids = { left: [...planIds(plan.left)], right: [...planIds(plan.right)] };
  const withIds = (r: Resolved, leftWidth: number): Resolved => ({
    ...r,
    planIds: r.plan.schema.fields.map((_, i) => (i < leftWidth ? ids.left : ids.right)),
  });
  const using = plan.natural ? naturalColumns(left, right) : plan.usingColumns;
  if (using.length > 0) return usingJoin(ctx, joinType, using, left, right);
  const L = left.plan.schema.fields.length;
  if (!plan.condition) return withIds(joined(PlanBuilder.join(left.plan, right.plan, joinType, [], [], undefined), left, right), L);

  const scope = new Scope([...Scope.of(left.plan, left.qualifiers).columns, ...Scope.of(right.plan, right.qualifiers).columns]);
  const leftIds = planIds(plan.left);
  const rightIds = planIds(plan.right);
  const leftScope = Scope.of(left.plan, left.qualifiers);
  const rightScope = Scope.of(right.plan, right.qualifiers);
  const planColumn = (name: string, planId: number): ResolvedName | undefined => {
    const inLeft = leftIds.has(planId);
    const inRight = rightIds.has(planId);
    if (inLeft === inRight) return undefined;
    const parts = parseIdentifierParts(name);
    if (inLeft) return leftScope.tryResolve(parts);
    const r = rightScope.tryResolve(parts);
    return r ? { expr: shift(r.expr, L), name: r.name } : undefined;
  };
  const condition = new ExprResolver(ctx, scope, { planColumn }).resolve(expandExprStrings(plan.condition));
  requireBoolean(ctx, condition, 'JOIN');

  const leftKeys: BoundExpr[] = [];
  const rightKeys: BoundExpr[] = [];
  const residual: BoundExpr[] = [];
  for (const c of conjuncts(condition)) {
    const pair = equiKey(c, L);
    if (pair) {
      leftKeys.push(pair.left);
      rightKeys.push(pair.right);
    } else {
      residual.push(c);
    }
  }
  const rest = residual.reduce<BoundExpr | undefined>((acc, c) => (acc ? B.call('and', [acc, c], T.boolean, true) : c), undefined);
  return withIds(joined(PlanBuilder.join(left.plan, right.plan, joinType, leftKeys, rightKeys, rest), left, right), L);
}

function physicalType(plan: Join): PhysicalJoinType {
  return plan.joinType === 'cross' ? 'inner' : plan.joinType;
}

function joined(node: JoinNode, left: Resolved, right: Resolved): Resolved {
  const semi = node.joinType === 'leftSemi' || node.joinType === 'leftAnti';
  return { plan: node, qualifiers: semi ? left.qualifiers : [...left.qualifiers, ...right.qualifiers] };
}

function usingJoin(
  ctx: AnalyzerContext,
  joinType: PhysicalJoinType,
  names: readonly string[],
  left: Resolved,
  right: Resolved,
): Resolved {
  const lf = left.plan.schema.fields;
  const rf = right.plan.schema.fields;
  const find = (side: 'left' | 'right', name: string): number => {
    const fields = side === 'left' ? lf : rf;
    const i = fields.findIndex((f) => f.name.toLowerCase() === name.toLowerCase());
    if (i < 0) {
      throw AnalysisError.withClass('UNRESOLVED_USING_COLUMN_FOR_JOIN', {
        colName: quoteIdentifier([name]),
        side,
        suggestion: fields.map((f) => quoteIdentifier([f.name])).join(', '),
      });
    }
    return i;
  };
  const li = names.map((n) => find('left', n));
  const ri = names.map((n) => find('right', n));
  const eq = ctx.registry.scalar('==');
  if (!eq) throw new InternalError('no == function');
  const leftKeys: BoundExpr[] = [];
  const rightKeys: BoundExpr[] = [];
  li.forEach((l, k) => {
    const r = ri[k] as number;
    const a = lf[l];
    const b = rf[r];
    if (!a || !b) throw new InternalError('using column out of range');
    const resolved = eq.resolve([B.ref(l, a.type, a.name, a.nullable), B.ref(r, b.type, b.name, b.nullable)], ctx.conf);
    leftKeys.push(resolved.args[0] as BoundExpr);
    rightKeys.push(resolved.args[1] as BoundExpr);
  });
  const node = PlanBuilder.join(left.plan, right.plan, joinType, leftKeys, rightKeys, undefined);
  const L = lf.length;
  const out = node.schema.fields;
  const ref = (i: number): BoundExpr => {
    const f = out[i];
    if (!f) throw new InternalError(`join column ${i}`);
    return B.ref(i, f.type, f.name, f.nullable);
  };
  const named: NamedExpr[] = [];
  const qualifiers: (string | undefined)[] = [];
  li.forEach((l, k) => {
    const r = L + (ri[k] as number);
    let expr: BoundExpr;
    if (joinType === 'rightOuter') expr = ref(r);
    else if (joinType === 'fullOuter') {
      const a = ref(l);
      const b = ref(r);
      const coalesce = ctx.registry.scalar('coalesce');
      if (!coalesce) throw new InternalError('no coalesce function');
      const c = coalesce.resolve([a, b], ctx.conf);
      expr = B.call(coalesce.name, c.args, c.type, exprNullable(a) && exprNullable(b));
    } else expr = ref(l);
    named.push({ expr, name: lf[l]?.name ?? names[k] ?? '' });
    qualifiers.push(joinType === 'rightOuter' ? right.qualifiers[ri[k] as number] : left.qualifiers[l]);
  });
  lf.forEach((_, i) => {
    if (li.includes(i)) return;
    named.push({ expr: ref(i), name: lf[i]?.name ?? '' });
    qualifiers.push(left.qualifiers[i]);
  });
  if (joinType !== 'leftSemi' && joinType !== 'leftAnti') {
    rf.forEach((_, i) => {
      if (ri.includes(i)) return;
      named.push({ expr: ref(L + i), name: rf[i]?.name ?? '' });
      qualifiers.push(right.qualifiers[i]);
    });
  }
  return { plan: PlanBuilder.project(node, named), qualifiers };
}

/** `a AND b AND c` → [a, b, c]. */
function conjuncts(e: BoundExpr): BoundExpr[] {
  if (e.kind === 'call' && e.fn === 'and') return e.args.flatMap(conjuncts);
  return [e];
}

/** `l = r` with `l` over left columns only and `r` over right columns only (either order): a hash key. */
function equiKey(e: BoundExpr, L: number): { left: BoundExpr; right: BoundExpr } | undefined {
  if (e.kind !== 'call' || e.fn !== '==' || e.args.length !== 2) return undefined;
  const [a, b] = e.args as [BoundExpr, BoundExpr];
  const sa = side(a, L);
  const sb = side(b, L);
  if (sa === 'left' && sb === 'right') return { left: a, right: shift(b, -L) };
  if (sa === 'right' && sb === 'left') return { left: b, right: shift(a, -L) };
  return undefined;
}

function side(e: BoundExpr, L: number): 'left' | 'right' | 'both' | 'none' {
  const refs = new Set([...refIndexes(e)].map((i) => (i < L ? 'left' : 'right')));
  if (refs.size === 0) return 'none';
  return refs.size === 2 ? 'both' : refs.has('left') ? 'left' : 'right';
}

/** The expression with every column reference moved by `by` positions. */
export function shift(e: BoundExpr, by: number): BoundExpr {
  return mapRefs(e, (r) => B.ref(r.index + by, r.type, r.name, r.nullable));
}

/** Every Spark Connect plan id in a subtree (`df.col` references name the DataFrame's plan id). */
function planIds(plan: LogicalPlan): Set<number> {
  const out = new Set<number>();
  const walk = (p: LogicalPlan): void => {
    if (p.planId !== undefined) out.add(p.planId);
    planChildren(p).forEach(walk);
  };
  walk(plan);
  return out;
}


/** NATURAL JOIN's keys: the left side's column names the right side also has (case-insensitive), in the left's order. */
function naturalColumns(left: Resolved, right: Resolved): string[] {
  const rightNames = new Set(right.plan.schema.fields.map((f) => f.name.toLowerCase()));
  return left.plan.schema.fields.map((f) => f.name).filter((n) => rightNames.has(n.toLowerCase()));
}
