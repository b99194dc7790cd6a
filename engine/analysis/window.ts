import { recordBatch } from '../batch/record-batch.js';
import { valueAt } from '../batch/vector.js';
import { AnalysisError, InternalError, NotSupportedError } from '../errors/errors.js';
import { B, mapRefs, type BoundExpr } from '../expr/bound-expr.js';
import { compileExpr } from '../functions/evaluate.js';
import { E, type Expr, type FrameBoundary, type WindowExpr } from '../expr/expr.js';
import { prettyAggregateName, prettyName } from '../expr/pretty-name.js';
import { PlanBuilder } from '../plan/builder.js';
import type { AnalyzedPlan, ProjectNode, SortKey, WindowBound, WindowCall, WindowFrameSpec } from '../plan/analyzed-plan.js';
import { T, type DataType } from '../types/data-type.js';
import { schemaOf } from '../types/schema.js';
import type { AnalyzerContext } from './context.js';
import { subExpressions } from './expr-walk.js';
import { quoteIdentifier } from './identifier.js';
import { resolveProject } from './project.js';
import type { ExprResolver, NamedBound } from './resolve-expr.js';
import { unqualified, type Resolved } from './resolved.js';

/** Ranking functions: no arguments but ntile's bucket count; need an ORDER BY; ROWS frame by default. */
const RANKING: Readonly<Record<string, { readonly display: string; readonly type: DataType; readonly rowFrame: boolean }>> = {
  row_number: { display: 'row_number', type: T.integer, rowFrame: true },
  rank: { display: 'RANK', type: T.integer, rowFrame: true },
  dense_rank: { display: 'DENSE_RANK', type: T.integer, rowFrame: true },
  percent_rank: { display: 'PERCENT_RANK', type: T.double, rowFrame: true },
  ntile: { display: 'ntile', type: T.integer, rowFrame: true },
  cume_dist: { display: 'cume_dist', type: T.double, rowFrame: false },
};
const OFFSET = new Set(['lag', 'lead']);
const VALUE = new Set(['first_value', 'last_value', 'nth_value', 'first', 'last']);

export function hasWindowExpr(exprs: readonly Expr[]): boolean {
  return exprs.some((e) => [...subExpressions(e)].some((s) => s.kind === 'window') || containsWindow(e));
}

/** subExpressions skips a window's function; a window can still sit anywhere above it. */
function containsWindow(e: Expr): boolean {
  switch (e.kind) {
    case 'window':
      return true;
    case 'alias':
    case 'cast':
    case 'sortOrder':
      return containsWindow(e.expr);
    case 'call':
      return e.args.some(containsWindow);
    case 'extract':
      return containsWindow(e.child);
    default:
      return false;
  }
}

/**
 * A select list with window functions (Spark's ExtractWindowExpressions): the list is resolved as
 * usual, each `fn OVER (...)` standing for a placeholder; then one Window node per distinct
 * (PARTITION BY, ORDER BY) is put under the projection, whose placeholders become its columns.
 */
export function resolveProjectWithWindows(ctx: AnalyzerContext, input: Resolved, exprs: readonly Expr[]): Resolved {
  if (!hasWindowExpr(exprs)) return resolveProject(ctx, input, exprs);
  const collector = new WindowCollector(ctx);
  const out = resolveProject(ctx, input, exprs, { window: (e, r) => collector.add(e, r) });
  if (out.plan.kind !== 'project') {
    throw new NotSupportedError('Window functions over an aggregation are not supported by Kindling; aggregate in a subquery first.');
  }
  return unqualified(collector.attach(out.plan));
}

interface Collected {
  readonly call: WindowCall;
  readonly name: string;
  readonly nullable: boolean;
  readonly specKey: string;
  readonly partitionBy: readonly BoundExpr[];
  readonly orderBy: readonly SortKey[];
}

class WindowCollector {
  private readonly calls: Collected[] = [];
  constructor(private readonly ctx: AnalyzerContext) {}

  add(e: WindowExpr, resolver: ExprResolver): NamedBound {
    const partitionBy = e.partitionBy.map((p) => resolver.resolve(p));
    const orderBy: SortKey[] = e.orderBy.map((o) => ({ expr: resolver.resolve(o.expr), ascending: o.ascending, nullsFirst: o.nullsFirst }));
    const fn = e.fn.kind === 'alias' ? e.fn.expr : e.fn;
    if (fn.kind !== 'call') throw new AnalysisError(`Expression '${fn.kind}' is not a window function; OVER needs a window or aggregate function.`);
    const lower = fn.name.toLowerCase();
    // A column standing for an aggregation's expression (see resolveWindowsOverAggregate) prints as that expression.
    const computed = (x: Expr): boolean => x.kind === 'column' && x.name.startsWith('`__c');
    const specText = this.specText(
      partitionBy.map((p, i) => (computed(e.partitionBy[i] as Expr) && p.kind === 'ref' ? { ...p, name: `\u0000${p.name}` } : p)),
      orderBy.map((o, i) => (computed((e.orderBy[i] as { expr: Expr }).expr) && o.expr.kind === 'ref' ? { ...o, expr: { ...o.expr, name: `\u0000${o.expr.name}` } } : o)),
    );
    let call: WindowCall;
    let display: string;
    let nullable = true;
    const ranking = RANKING[lower];
    if (ranking) {
      if (orderBy.length === 0) {
        throw AnalysisError.withClass('WINDOW_FUNCTION_FRAME_NOT_ORDERED', { wf_name: lower, wf_expr: `${lower}()` });
      }
      const frame = this.frame(e, resolver, ranking.rowFrame ? 'rows' : 'range', orderBy);
      let offset: number | undefined;
      if (lower === 'ntile') {
        const n = fn.args[0] ? this.fold(resolver.resolve(fn.args[0])) : undefined;
        if (typeof n !== 'number' || !Number.isInteger(n) || n <= 0) {
          throw new AnalysisError(`Buckets expression must be a positive integer literal, but got ${String(n)}.`);
        }
        offset = n;
        display = `ntile(${n})`;
      } else {
        if (fn.args.length > 0) throw new AnalysisError(`${lower}() takes no arguments in a window.`);
        display = `${ranking.display}()`;
      }
      call = { fn: lower, kind: 'ranking', args: [], distinct: false, frame, type: ranking.type, ...(offset === undefined ? {} : { offset }) };
      nullable = false;
      display += ` OVER (${specText} ${frameText(frame, undefined)})`;
    } else if (OFFSET.has(lower)) {
      const [valueArg, offsetArg, defaultArg] = fn.args;
      if (!valueArg) throw new AnalysisError(`${lower} needs an input expression.`);
      const value = resolver.resolve(valueArg);
      const n = offsetArg ? this.fold(resolver.resolve(offsetArg)) : 1;
      if (orderBy.length === 0) {
        const wfExpr = `${lower}(${prettyName(value, this.ctx.registry)}, ${String(n)}, NULL)`;
        throw AnalysisError.withClass('WINDOW_FUNCTION_FRAME_NOT_ORDERED', { wf_name: lower, wf_expr: wfExpr });
      }
      if (typeof n !== 'number' || !Number.isInteger(n)) throw new AnalysisError(`The offset of ${lower} must be an integer literal.`);
      let dflt: BoundExpr = B.lit(null, value.type);
      if (defaultArg) {
        dflt = resolver.resolve(defaultArg);
        const coalesce = this.ctx.registry.scalar('coalesce');
        if (coalesce) {
          const r = coalesce.resolve([value, dflt], this.ctx.conf);
          dflt = r.args[1] as BoundExpr;
        }
      }
      const rowsBack = lower === 'lag' ? n : -n;
      const at = -rowsBack;
      const frame: WindowFrameSpec = { type: 'rows', lower: { kind: 'offset', value: at }, upper: { kind: 'offset', value: at } };
      call = { fn: lower, kind: 'offset', args: [value, dflt], distinct: false, frame, type: value.type, offset: rowsBack };
      display = `${lower}(${prettyName(value, this.ctx.registry)}, ${n}, ${prettyName(dflt, this.ctx.registry)}) OVER (${specText} ${frameText(frame, undefined)})`;
    } else if (VALUE.has(lower) && !(this.ctx.registry.lookup(lower)?.kind === 'aggregate')) {
      const [valueArg, second, third] = fn.args;
      if (!valueArg) throw new AnalysisError(`${lower} needs an input expression.`);
      const value = resolver.resolve(valueArg);
      let n: number | undefined;
      let ignore: unknown = false;
      if (lower === 'nth_value') {
        n = second ? (this.fold(resolver.resolve(second)) as number) : undefined;
        if (typeof n !== 'number' || !Number.isInteger(n) || n <= 0) throw new AnalysisError('The offset of nth_value must be a positive integer literal.');
        ignore = third ? this.fold(resolver.resolve(third)) : false;
      } else {
        ignore = second ? this.fold(resolver.resolve(second)) : false;
      }
      const frame = this.frame(e, resolver, 'range', orderBy);
      const base = lower === 'first' ? 'first_value' : lower === 'last' ? 'last_value' : lower;
      call = {
        fn: base,
        kind: 'offset',
        args: [value],
        distinct: false,
        frame,
        type: value.type,
        ...(n === undefined ? {} : { offset: n }),
        ignoreNulls: ignore === true,
      };
      const argText = prettyName(value, this.ctx.registry) + (n === undefined ? '' : `, ${n}`);
      display = `${lower}(${argText}) OVER (${specText} ${frameText(frame, orderBy[0])})`;
    } else {
      const entry = this.ctx.registry.lookup(fn.name);
      if (entry?.kind !== 'aggregate') {
        throw new AnalysisError('', {
          errorClass: 'UNSUPPORTED_EXPR_FOR_WINDOW',
          messageParameters: { sqlExpr: `"${fn.name}(${fn.args.length > 0 ? '...' : ''})"` },
        });
      }
      const args = fn.args.map((a) => (a.kind === 'star' && lower === 'count' ? B.lit(1, T.integer) : resolver.resolve(a)));
      const r = entry.fn.resolve(args, fn.distinct, this.ctx.conf);
      const frame = this.frame(e, resolver, 'range', orderBy);
      call = { fn: entry.fn.name, kind: 'aggregate', args: r.args, distinct: fn.distinct, frame, type: r.type };
      nullable = r.nullable;
      const name = prettyAggregateName(entry.fn.name, args.map((a) => prettyName(a, this.ctx.registry)), fn.distinct, this.ctx.registry);
      display = `${name} OVER (${specText} ${frameText(frame, orderBy[0])})`;
    }
    display = display.replace('( ', '(');
    const k = this.calls.length;
    this.calls.push({ call, name: display, nullable, specKey: JSON.stringify([partitionBy, orderBy]), partitionBy, orderBy });
    return { expr: B.ref(-1 - k, call.type, display, nullable), name: display };
  }

  /** One Window node per distinct spec under the projection; placeholders become their columns. */
  attach(project: ProjectNode): AnalyzedPlan {
    let plan: AnalyzedPlan = project.input;
    const position = new Array<number>(this.calls.length);
    const specs = [...new Set(this.calls.map((c) => c.specKey))];
    for (const key of specs) {
      const group = this.calls.map((c, k) => ({ c, k })).filter(({ c }) => c.specKey === key);
      const first = group[0]?.c;
      if (!first) continue;
      const width = plan.schema.fields.length;
      group.forEach(({ k }, j) => (position[k] = width + j));
      plan = PlanBuilder.window(
        plan,
        first.partitionBy,
        first.orderBy,
        group.map(({ c }) => ({ call: c.call, name: c.name, nullable: c.nullable })),
      );
    }
    const windowed = plan;
    const rebind = (e: BoundExpr): BoundExpr =>
      mapRefs(e, (r) => {
        if (r.index >= 0) return r;
        const at = position[-1 - r.index];
        if (at === undefined) throw new InternalError('unplaced window call');
        const f = windowed.schema.fields[at];
        return B.ref(at, r.type, r.name, f?.nullable ?? true);
      });
    return PlanBuilder.project(
      windowed,
      project.exprs.map((e, i) => ({ expr: rebind(e), name: project.schema.fields[i]?.name ?? `_${i}` })),
    );
  }

  private frame(e: WindowExpr, resolver: ExprResolver, defaultType: 'rows' | 'range', orderBy: readonly SortKey[]): WindowFrameSpec {
    if (e.frame) {
      const frame: WindowFrameSpec = {
        type: e.frame.type,
        lower: this.bound(e.frame.lower, resolver, 'lower'),
        upper: this.bound(e.frame.upper, resolver, 'upper'),
      };
      if (frame.type === 'range' && (frame.lower.kind === 'offset' || frame.upper.kind === 'offset') && orderBy.length !== 1) {
        const spec = this.specText([], orderBy);
        throw AnalysisError.withClass('DATATYPE_MISMATCH.RANGE_FRAME_MULTI_ORDER', {
          sqlExpr: `"(${spec} ${frameText(frame, undefined)})"`,
          orderSpec: orderBy.map((o) => prettyName(o.expr, this.ctx.registry)).join(', '),
        });
      }
      return frame;
    }
    if (orderBy.length === 0) return { type: 'rows', lower: { kind: 'unbounded' }, upper: { kind: 'unbounded' } };
    return { type: defaultType, lower: { kind: 'unbounded' }, upper: { kind: 'currentRow' } };
  }

  private bound(b: FrameBoundary, resolver: ExprResolver, which: 'lower' | 'upper'): WindowBound & { text?: string } {
    switch (b.kind) {
      case 'unbounded':
        return { kind: 'unbounded' };
      case 'currentRow':
        return { kind: 'currentRow' };
      case 'value': {
        const bound = resolver.resolve(b.value);
        const v = this.fold(bound);
        if (typeof v !== 'number' || !Number.isFinite(v)) throw new AnalysisError(`The ${which} bound of a window frame must be a number literal.`);
        // Connect sends Long.MinValue/MaxValue-like sentinels for unbounded; Spark's current row is 0.
        if (Math.abs(v) >= 2 ** 31 - 1) return { kind: 'unbounded' };
        const negated = bound.kind === 'call' && bound.fn === 'negative';
        return { kind: 'offset', value: v, ...(negated ? { text: prettyName(bound.args[0] as BoundExpr, this.ctx.registry) } : {}) };
      }
      default: {
        const never: never = b;
        throw new InternalError(`unknown frame boundary ${JSON.stringify(never)}`);
      }
    }
  }

  private fold(e: BoundExpr): unknown {
    if (e.kind === 'literal') return e.value;
    const one = recordBatch(schemaOf([]), 1, []);
    const v = compileExpr(e, this.ctx.registry)(one, { ...this.ctx.conf, batchTimestampUs: 0 });
    return valueAt(v, 0);
  }

  private specText(partitionBy: readonly BoundExpr[], orderBy: readonly SortKey[]): string {
    const parts: string[] = [];
    if (partitionBy.length > 0) parts.push(`PARTITION BY ${partitionBy.map((p) => sqlName(p, this.ctx)).join(', ')}`);
    if (orderBy.length > 0) {
      parts.push(
        `ORDER BY ${orderBy
          .map((o) => `${sqlName(o.expr, this.ctx)} ${o.ascending ? 'ASC' : 'DESC'} NULLS ${o.nullsFirst ? 'FIRST' : 'LAST'}`)
          .join(', ')}`,
      );
    }
    return parts.join(' ');
  }
}

/** A column reference as Spark's `sql` prints it: back-quoted when it is not a plain identifier. */
function sqlName(e: BoundExpr, ctx: AnalyzerContext): string {
  if (e.kind === 'ref') {
    if (e.name.startsWith('\u0000')) return e.name.slice(1);
    return /^[A-Za-z_][A-Za-z0-9_]*$/.test(e.name) ? e.name : '`' + e.name.replace(/`/g, '``') + '`';
  }
  return prettyName(e, ctx.registry);
}

/** Spark's SpecifiedWindowFrame.sql. */
function frameText(frame: WindowFrameSpec, order: SortKey | undefined): string {
  const bound = (b: WindowBound & { text?: string }, which: 'lower' | 'upper'): string => {
    switch (b.kind) {
      case 'unbounded':
        return which === 'lower' ? 'UNBOUNDED PRECEDING' : 'UNBOUNDED FOLLOWING';
      case 'currentRow':
        return 'CURRENT ROW';
      case 'offset':
        if (b.text !== undefined) return frame.type === 'rows' ? `${b.text} PRECEDING` : `(- ${b.text}) FOLLOWING`;
        return `${rangeLiteral(b.value, frame, order)} FOLLOWING`;
      default: {
        const never: never = b;
        throw new InternalError(`unknown bound ${JSON.stringify(never)}`);
      }
    }
  };
  return `${frame.type.toUpperCase()} BETWEEN ${bound(frame.lower, 'lower')} AND ${bound(frame.upper, 'upper')}`;
}

function rangeLiteral(v: number, frame: WindowFrameSpec, order: SortKey | undefined): string {
  if (frame.type === 'range' && order && (order.expr.type.kind === 'double' || order.expr.type.kind === 'float') && Number.isInteger(v)) {
    return `${v}`;
  }
  return String(v);
}


/**
 * A SQL aggregation whose select list has window functions (`SELECT word, sum(n), rank() OVER
 * (ORDER BY sum(n) DESC) FROM t GROUP BY word`): the aggregation computes the plain select items
 * and every expression the windows read, then the windows run over its rows, as Spark plans it.
 * Window items must be a window function (optionally aliased) at the top of the item.
 */
export function resolveWindowsOverAggregate(
  ctx: AnalyzerContext,
  input: Resolved,
  spec: { readonly grouping: readonly Expr[]; readonly items: readonly Expr[]; readonly having?: Expr },
  aggregate: (input: Resolved, items: readonly Expr[]) => Resolved,
): Resolved {
  const hidden: Expr[] = [];
  const hiddenKeys: string[] = [];
  const hide = (e: Expr): number => {
    const key = JSON.stringify(e);
    let k = hiddenKeys.indexOf(key);
    if (k < 0) {
      k = hiddenKeys.length;
      hiddenKeys.push(key);
      hidden.push(e);
    }
    return k;
  };
  const plain: { index: number; expr: Expr }[] = [];
  const windows: { index: number; window: WindowExpr; alias: readonly string[] | undefined; hides: number[][] }[] = [];
  spec.items.forEach((item, index) => {
    const alias = item.kind === 'alias' ? item.names : undefined;
    const inner = item.kind === 'alias' ? item.expr : item;
    if (!containsWindow(item)) {
      plain.push({ index, expr: item });
      return;
    }
    if (inner.kind !== 'window' || inner.fn.kind !== 'call') {
      throw new NotSupportedError('A window function inside a larger expression over an aggregation is not supported by Kindling; compute it in a subquery.');
    }
    const fnArgs = inner.fn.args.map((a) => (a.kind === 'literal' || a.kind === 'star' ? -1 : hide(a)));
    const parts = inner.partitionBy.map(hide);
    const orders = inner.orderBy.map((o) => hide(o.expr));
    windows.push({ index, window: inner, alias, hides: [fnArgs, parts, orders] });
  });
  const innerItems = [...plain.map((p) => p.expr), ...hidden];
  const inner = aggregate(input, innerItems);
  const fields = inner.plan.schema.fields;
  const qualifier = (i: number): string => `__c${i}`;
  const ref = (i: number): Expr => E.col(quoteIdentifier([qualifier(i), fields[i]?.name ?? '']));
  const base: Resolved = { plan: inner.plan, qualifiers: fields.map((_, i) => qualifier(i)) };
  const outer: Expr[] = new Array<Expr>(spec.items.length);
  plain.forEach((p, j) => (outer[p.index] = ref(j)));
  const hiddenAt = (k: number): Expr => ref(plain.length + k);
  for (const w of windows) {
    const fn = w.window.fn as Extract<Expr, { kind: 'call' }>;
    const [argHides, partHides, orderHides] = w.hides as [number[], number[], number[]];
    const args = fn.args.map((a, i) => ((argHides[i] ?? -1) < 0 ? a : hiddenAt(argHides[i] as number)));
    const rewritten = E.window(
      E.call(fn.name, args, fn.distinct),
      partHides.map(hiddenAt),
      w.window.orderBy.map((o, i) => E.sortOrder(hiddenAt(orderHides[i] as number), o.ascending, o.nullsFirst)),
      w.window.frame,
    );
    outer[w.index] = w.alias ? E.alias(rewritten, ...w.alias) : rewritten;
  }
  return resolveProjectWithWindows(ctx, base, outer);
}
