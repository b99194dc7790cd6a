import { AnalysisError, IllegalArgumentError, InternalError } from '../errors/errors.js';
import { B, type BoundExpr } from '../expr/bound-expr.js';
import type { Literal } from '../expr/expr.js';
import { PlanBuilder, type NamedExpr } from '../plan/builder.js';
import type { NaDrop, NaFill, NaReplace, RelationalOp, StatSummary } from '../plan/logical-plan.js';
import { T, isNumeric, simpleString, type DataType, type StructField } from '../types/data-type.js';
import type { AnalyzerContext } from './context.js';
import type { Resolved } from './resolved.js';
import { unresolvedColumn } from './scope.js';


const DESCRIBE_STATS = ['count', 'mean', 'stddev', 'min', 'max'];
const SUMMARY_STATS = ['count', 'mean', 'stddev', 'min', '25%', '50%', '75%', 'max'];

/** Dataset operations Spark Connect sends as their own relations: sample, tail, na.*, summary/describe. */
export function resolveRelational(ctx: AnalyzerContext, plan: RelationalOp, input: Resolved): Resolved {
  switch (plan.kind) {
    case 'sample': {
      if (plan.upperBound < plan.lowerBound || plan.lowerBound < 0 || (!plan.withReplacement && plan.upperBound > 1 + 1e-7)) {
        throw new IllegalArgumentError(
          `requirement failed: Upper bound (${plan.upperBound}) must be <= 1.0 and lower bound (${plan.lowerBound}) must be >= 0.0.`,
        );
      }
      const node = PlanBuilder.sample(input.plan, plan.lowerBound, plan.upperBound, plan.withReplacement, plan.seed);
      return { plan: node, qualifiers: input.qualifiers };
    }
    case 'tail':
      if (plan.limit < 0) throw new AnalysisError(`The limit expression must be equal to or greater than 0, but got ${plan.limit}.`);
      return { plan: PlanBuilder.tail(input.plan, plan.limit), qualifiers: input.qualifiers };
    case 'naFill':
      return { plan: PlanBuilder.project(input.plan, naFill(ctx, plan, input)), qualifiers: input.qualifiers };
    case 'naDrop':
      return { plan: PlanBuilder.filter(input.plan, naDrop(ctx, plan, input)), qualifiers: input.qualifiers };
    case 'naReplace':
      return { plan: PlanBuilder.project(input.plan, naReplace(ctx, plan, input)), qualifiers: input.qualifiers };
    case 'statSummary':
      return summary(plan, input);
    default: {
      const never: never = plan;
      throw new InternalError(`not a relational plan: ${JSON.stringify(never)}`);
    }
  }
}

function call(ctx: AnalyzerContext, name: string, args: readonly BoundExpr[]): BoundExpr {
  const fn = ctx.registry.scalar(name);
  if (!fn) throw new InternalError(`no function ${name}`);
  const r = fn.resolve(args, ctx.conf);
  return B.call(fn.name, r.args, r.type, r.nullable);
}

function columnIndexes(input: Resolved, names: readonly string[]): number[] {
  const fields = input.plan.schema.fields;
  if (names.length === 0) return fields.map((_, i) => i);
  return names.map((n) => {
    const i = fields.findIndex((f) => f.name.toLowerCase() === n.toLowerCase());
    if (i < 0) throw unresolvedColumn([n], fields.map((f) => f.name));
    return i;
  });
}

function ref(fields: readonly StructField[], i: number): BoundExpr {
  const f = fields[i];
  if (!f) throw new InternalError(`no column ${i}`);
  return B.ref(i, f.type, f.name, f.nullable);
}

/** The kind of value a fill/replace literal is, as Spark's DataFrameNaFunctions sorts them. */
function valueKind(t: DataType): 'numeric' | 'string' | 'boolean' | 'other' {
  if (isNumeric(t)) return 'numeric';
  if (t.kind === 'string') return 'string';
  if (t.kind === 'boolean') return 'boolean';
  return 'other';
}

function isFloating(t: DataType): boolean {
  return t.kind === 'double' || t.kind === 'float';
}

function naFill(ctx: AnalyzerContext, plan: NaFill, input: Resolved): NamedExpr[] {
  const fields = input.plan.schema.fields;
  if (plan.values.length === 0) throw new AnalysisError('na.fill needs at least one value.');
  const perColumn = plan.values.length > 1;
  if (perColumn && plan.columns.length !== plan.values.length) {
    throw new AnalysisError('na.fill with several values needs one column name per value.');
  }
  const targets = new Map<number, Literal>();
  if (perColumn) {
    columnIndexes(input, plan.columns).forEach((i, k) => targets.set(i, plan.values[k] as Literal));
  } else {
    const value = plan.values[0] as Literal;
    const kind = valueKind(value.type);
    for (const i of columnIndexes(input, plan.columns)) {
      const f = fields[i] as StructField;
      // A single value fills the columns of its kind only; the others are left as they are.
      if (valueKind(f.type) === kind) targets.set(i, value);
    }
  }
  return fields.map((f, i) => {
    const value = targets.get(i);
    const col = ref(fields, i);
    if (value === undefined || value.value === null) return { expr: col, name: f.name };
    if (valueKind(value.type) !== valueKind(f.type)) {
      throw new AnalysisError(
        `Unsupported value type ${simpleString(value.type)} (${String(value.value)}) for column ${f.name} of type ${simpleString(f.type)}.`,
      );
    }
    const replacement = B.cast(B.lit(value.value, value.type), f.type, 'legacy');
    const base = isFloating(f.type) ? call(ctx, 'nanvl', [col, B.lit(null, f.type)]) : col;
    return { expr: call(ctx, 'coalesce', [base, replacement]), name: f.name };
  });
}

function naDrop(ctx: AnalyzerContext, plan: NaDrop, input: Resolved): BoundExpr {
  const fields = input.plan.schema.fields;
  const cols = columnIndexes(input, plan.columns);
  const min = plan.minNonNulls ?? cols.length;
  const present = cols.map((i) => {
    const col = ref(fields, i);
    const notNull = call(ctx, 'isnotnull', [col]);
    return isFloating(col.type) ? call(ctx, 'and', [notNull, call(ctx, 'not', [call(ctx, 'isnan', [col])])]) : notNull;
  });
  if (min <= 0) return B.lit(true, T.boolean);
  if (min > present.length) return B.lit(false, T.boolean);
  if (min === present.length) return present.reduce((a, b) => call(ctx, 'and', [a, b]));
  if (min === 1) return present.reduce((a, b) => call(ctx, 'or', [a, b]));
  const count = present.map((p): BoundExpr => B.cast(p, T.integer, 'legacy')).reduce((a, b) => call(ctx, '+', [a, b]));
  return call(ctx, '>=', [count, B.lit(min, T.integer)]);
}

function naReplace(ctx: AnalyzerContext, plan: NaReplace, input: Resolved): NamedExpr[] {
  const fields = input.plan.schema.fields;
  const reps = plan.replacements;
  const kinds = new Set(reps.flatMap((r) => [r.from, r.to]).filter((l) => l.value !== null).map((l) => valueKind(l.type)));
  const targets = new Set(
    columnIndexes(input, plan.columns).filter((i) => {
      const k = valueKind((fields[i] as StructField).type);
      return kinds.size === 0 ? k !== 'other' : kinds.has(k);
    }),
  );
  return fields.map((f, i) => {
    const col = ref(fields, i);
    if (!targets.has(i) || reps.length === 0) return { expr: col, name: f.name };
    const args: BoundExpr[] = [];
    for (const r of reps) {
      const test = r.from.value === null ? call(ctx, 'isnull', [col]) : call(ctx, '==', [col, B.cast(B.lit(r.from.value, r.from.type), f.type, 'legacy')]);
      args.push(test, B.cast(B.lit(r.to.value, r.to.value === null ? f.type : r.to.type), f.type, 'legacy'));
    }
    args.push(col);
    return { expr: call(ctx, 'when', args), name: f.name };
  });
}

function summary(plan: StatSummary, input: Resolved): Resolved {
  const fields = input.plan.schema.fields;
  const stats = plan.statistics.length > 0 ? plan.statistics : plan.describe ? DESCRIBE_STATS : SUMMARY_STATS;
  for (const s of stats) {
    const ok = ['count', 'mean', 'stddev', 'min', 'max', 'count_distinct', 'approx_count_distinct'].includes(s.toLowerCase()) || /^\d+(\.\d+)?%$/.test(s);
    if (!ok) throw new IllegalArgumentError(`${s} is not a recognised statistic`);
  }
  const eligible = (f: StructField): boolean => isNumeric(f.type) || f.type.kind === 'string';
  const columns =
    plan.columns.length > 0
      ? columnIndexes(input, plan.columns)
      : fields.map((f, i) => ({ f, i })).filter(({ f }) => eligible(f)).map(({ i }) => i);
  return { plan: PlanBuilder.summary(input.plan, stats, columns), qualifiers: [] };
}
