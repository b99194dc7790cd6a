import { AnalysisError, InternalError, NotSupportedError } from '../errors/errors.js';
import { B, type BoundExpr } from '../expr/bound-expr.js';
import { E, type Expr } from '../expr/expr.js';
import { PlanBuilder } from '../plan/builder.js';
import type { Aggregate, LogicalPlan } from '../plan/logical-plan.js';
import { T } from '../types/data-type.js';
import { resolveAggregate } from './aggregate.js';
import type { AnalyzerContext } from './context.js';
import { expandExprStrings } from './expr-walk.js';
import { quote } from './project.js';
import { ExprResolver } from './resolve-expr.js';
import { unqualified, type Resolved } from './resolved.js';
import { Scope } from './scope.js';

const GROUPING_ID = 'spark_grouping_id';

/**
 * `rollup`, `cube`, `groupingSets` (Spark's Expand: each row once per grouping set, the grouping
 * columns outside the set NULL, plus a grouping id; then one aggregation over all of them) and
 * `pivot` (aggregate by the grouping columns and the pivot column, then one column per pivot value
 * and aggregate, as Spark's PivotFirst: a value with no rows in a group is NULL).
 */
export function resolveGroupingSets(
  ctx: AnalyzerContext,
  input: Resolved,
  plan: Aggregate,
  resolvePlan: (p: LogicalPlan) => Resolved,
): Resolved {
  const grouping = plan.grouping.map(expandExprStrings);
  const aggregates = plan.aggregates.map(expandExprStrings);
  if (plan.groupType === 'pivot') return pivot(ctx, input, plan, grouping, aggregates);
  void resolvePlan;

  const resolver = new ExprResolver(ctx, Scope.of(input.plan, input.qualifiers));
  const keys = grouping.map((g) => resolver.resolveNamed(g));
  const n = keys.length;
  const keyText0 = keys.map((k) => JSON.stringify(k.expr));
  let sets: number[][];
  switch (plan.groupType) {
    case 'rollup':
      sets = Array.from({ length: n + 1 }, (_, k) => Array.from({ length: n - k }, (_, i) => i));
      break;
    case 'cube':
      sets = [];
      for (let mask = (1 << n) - 1; mask >= 0; mask--) sets.push(keys.map((_, i) => i).filter((i) => (mask & (1 << (n - 1 - i))) !== 0));
      break;
    case 'groupingSets': {
      const keyText = keys.map((k) => JSON.stringify(k.expr));
      sets = (plan.groupingSets ?? []).map((set) =>
        set.map((e) => {
          const i = keyText.indexOf(JSON.stringify(resolver.resolve(expandExprStrings(e))));
          if (i < 0) throw new AnalysisError('A grouping set may only use the grouping columns.');
          return i;
        }),
      );
      break;
    }
    case 'groupby':
      throw new InternalError('plain groupBy is not a grouping-sets aggregation');
    default: {
      const never: never = plan.groupType;
      throw new InternalError(`unknown group type ${String(never)}`);
    }
  }

  const inFields = input.plan.schema.fields;
  const width = inFields.length;
  const hidden = keys.map((_, i) => `__grouping_${i}`);
  const fields = [
    ...inFields,
    ...keys.map((k, i) => T.field(hidden[i] as string, k.expr.type, true)),
    T.field(GROUPING_ID, T.long, false),
  ];
  const projections = sets.map((set) => {
    const id = keys.reduce((acc, _, i) => acc | (set.includes(i) ? 0 : 1 << (n - 1 - i)), 0);
    return [
      ...inFields.map((f, i) => B.ref(i, f.type, f.name, f.nullable) as BoundExpr),
      ...keys.map((k, i) => (set.includes(i) ? k.expr : (B.lit(null, k.expr.type) as BoundExpr))),
      B.lit(id, T.long) as BoundExpr,
    ];
  });
  const expand = PlanBuilder.expand(input.plan, projections, fields);
  const expanded: Resolved = { plan: expand, qualifiers: [...input.qualifiers, ...keys.map(() => undefined), undefined] };
  if (plan.selectList) {
    // SQL: the select list is the output; a grouping column there reads its NULL-able copy.
    const keyText = keyText0;
    const rebind = (e: BoundExpr): BoundExpr => {
      const i = keyText.indexOf(JSON.stringify(e));
      const k = keys[i];
      if (k) return B.ref(width + i, k.expr.type, hidden[i] as string, true);
      switch (e.kind) {
        case 'call':
          return { ...e, args: e.args.map(rebind) };
        case 'cast':
        case 'getField':
          return { ...e, expr: rebind(e.expr) };
        default:
          return e;
      }
    };
    return resolveAggregate(ctx, expanded, {
      grouping: [...hidden.map((h) => E.col(h)), E.col(GROUPING_ID)],
      aggregates: aggregates.map((a) => groupingCalls(a, keys.length, (e) => keyText0.indexOf(JSON.stringify(resolver.resolve(e))))),
      selectList: true,
      ...(plan.having ? { having: groupingCalls(expandExprStrings(plan.having), keys.length, (e) => keyText0.indexOf(JSON.stringify(resolver.resolve(e)))) } : {}),
      rebind,
    });
  }
  const agg = resolveAggregate(ctx, expanded, {
    grouping: [...hidden.map((h) => E.col(h)), E.col(GROUPING_ID)],
    aggregates: aggregates.map((a) => groupingCalls(a, keys.length, (e) => keyText0.indexOf(JSON.stringify(resolver.resolve(e))))),
    selectList: false,
  });
  // Drop the grouping id and give the grouping columns their names back.
  const out = agg.plan.schema.fields;
  const named = out
    .map((f, i) => ({ f, i }))
    .filter(({ i }) => i !== n)
    .map(({ f, i }) => ({ expr: B.ref(i, f.type, f.name, f.nullable) as BoundExpr, name: i < n ? (keys[i]?.name ?? f.name) : f.name }));
  return unqualified(PlanBuilder.project(agg.plan, named));
}

function pivot(ctx: AnalyzerContext, input: Resolved, plan: Aggregate, grouping: readonly Expr[], aggregates: readonly Expr[]): Resolved {
  const spec = plan.pivot;
  if (!spec) throw new AnalysisError('A pivot needs a pivot column.');
  if (spec.values.length === 0) {
    throw new NotSupportedError('pivot() without a list of values is not supported by Kindling; pass the values, e.g. pivot("col", ["a", "b"]).');
  }
  const G = grouping.length;
  const inner = resolveAggregate(ctx, input, { grouping: [...grouping, expandExprStrings(spec.column)], aggregates, selectList: false });
  const f = inner.plan.schema.fields;
  const pivotCol = E.col(quote(f[G]?.name ?? ''));
  const aggNames = aggregates.map((_, j) => f[G + 1 + j]?.name ?? `_${j}`);
  const outputs: Expr[] = [];
  for (const v of spec.values) {
    const text = v.value === null ? 'null' : String(v.value);
    aggNames.forEach((name) => {
      const picked = E.call('when', [E.call('<=>', [pivotCol, v]), E.col(quote(name))]);
      outputs.push(E.alias(E.call('max', [picked]), aggNames.length === 1 ? text : `${text}_${name}`));
    });
  }
  const groupCols = f.slice(0, G).map((x) => E.col(quote(x.name)));
  return resolveAggregate(ctx, inner, { grouping: groupCols, aggregates: outputs, selectList: false });
}

/**
 * `grouping(c)` (1 when `c` is aggregated over in this row's grouping set, as TINYINT) and
 * `grouping_id()` (the set's bit mask, first grouping column highest, as BIGINT), read from the
 * hidden grouping id.
 */
function groupingCalls(e: Expr, n: number, keyIndex: (e: Expr) => number): Expr {
  const walk = (x: Expr, top: boolean): Expr => {
    switch (x.kind) {
      case 'alias':
        return { ...x, expr: walk(x.expr, false) };
      case 'cast':
        return { ...x, expr: walk(x.expr, false) };
      case 'call': {
        const name = x.name.toLowerCase();
        if (name === 'grouping_id' && x.args.length === 0) {
          const id = E.col(GROUPING_ID);
          return top ? E.alias(id, 'grouping_id()') : id;
        }
        if (name === 'grouping' && x.args.length === 1) {
          const arg = x.args[0] as Expr;
          const i = keyIndex(arg);
          if (i < 0) throw AnalysisError.withClass('GROUPING_COLUMN_MISMATCH', { grouping: JSON.stringify(arg), groupingColumns: '' });
          const bit = E.cast(E.call('>', [E.call('&', [E.col(GROUPING_ID), E.lit(2 ** (n - 1 - i), T.long)]), E.lit(0, T.long)]), T.byte);
          return top ? E.alias(bit, `grouping(${arg.kind === 'column' ? arg.name : 'expr'})`) : bit;
        }
        return { ...x, args: x.args.map((a) => walk(a, false)) };
      }
      default:
        return x;
    }
  };
  return walk(e, true);
}
