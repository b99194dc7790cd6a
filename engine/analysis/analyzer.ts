import { emptyBatch } from '../batch/record-batch.js';
import { AnalysisError, IllegalArgumentError, InternalError, NotSupportedError } from '../errors/errors.js';
import { DEFAULT_SEARCH_PATH } from '../errors/error-classes.js';
import { B, type BoundExpr } from '../expr/bound-expr.js';
import type { Expr } from '../expr/expr.js';
import { PlanBuilder, type NamedExpr } from '../plan/builder.js';
import { isStreamingPlan, type AnalyzedPlan, type SortKey } from '../plan/analyzed-plan.js';
import { isRelationalOp, type LogicalPlan } from '../plan/logical-plan.js';
import { parseSql } from '../sql/index.js';
import { parseSchema } from '../sql/data-type-parser.js';
import { isTimestamp, simpleString } from '../types/data-type.js';
import { delayMillis } from '../types/interval.js';
import type { Schema } from '../types/schema.js';
import { rejectAggregatesInWhere, requireBoolean, resolveAggregate } from './aggregate.js';
import { expandExprStrings } from './expr-walk.js';
import type { AnalyzerContext } from './context.js';
import { parseIdentifierParts, quoteIdentifier, quoteName } from './identifier.js';
import { resolveWithColumns } from './with-columns.js';
import { resolveGroupingSets } from './grouping-sets.js';
import { resolveJoin } from './join.js';
import { resolveRelational } from './relational.js';
import { hasWindowExpr, resolveProjectWithWindows, resolveWindowsOverAggregate } from './window.js';
import { ExprResolver } from './resolve-expr.js';
import { unqualified, type Resolved } from './resolved.js';
import { Scope, unresolvedColumn } from './scope.js';
import { resolveSort } from './sort.js';
import { coerceLocalData } from './local-data.js';
import { resolveInlineTable } from './inline-table.js';

/** Resolves an unresolved plan (DataFrame API or SQL) into an AnalyzedPlan, raising Spark's errors. */
export function analyze(plan: LogicalPlan, ctx: AnalyzerContext): AnalyzedPlan {
  try {
    return new Analyzer(ctx).resolve(plan).plan;
  } catch (e) {
    // A plan or expression nested deeper than the stack allows: Spark's "too complex" rather than a crash.
    if (e instanceof RangeError && /call stack/i.test(e.message)) throw AnalysisError.withClass('FAILED_TO_PARSE_TOO_COMPLEX');
    throw e;
  }
}

const MAX_VIEW_DEPTH = 100;

class Analyzer {
  private depth = 0;
  constructor(private readonly ctx: AnalyzerContext) {}

  resolve(plan: LogicalPlan): Resolved {
    if (isRelationalOp(plan)) return resolveRelational(this.ctx, plan, this.resolve(plan.input));
    switch (plan.kind) {
      case 'read':
        return this.read(plan);
      case 'project':
        return resolveProjectWithWindows(this.ctx, this.resolve(plan.input), plan.exprs.map(expandExprStrings));
      case 'filter': {
        const input = this.resolve(plan.input);
        const expanded = expandExprStrings(plan.condition);
        rejectAggregatesInWhere(this.ctx, expanded);
        const condition = this.resolver(input).resolve(expanded);
        requireBoolean(this.ctx, condition, 'WHERE');
        return { ...input, plan: PlanBuilder.filter(input.plan, condition) };
      }
      case 'aggregate':
        if (plan.groupType !== 'groupby') return resolveGroupingSets(this.ctx, this.resolve(plan.input), plan, (p) => this.resolve(p));
        if (plan.selectList === true && hasWindowExpr(plan.aggregates)) {
          const grouping = plan.grouping.map(expandExprStrings);
          const having = plan.having ? expandExprStrings(plan.having) : undefined;
          return resolveWindowsOverAggregate(this.ctx, this.resolve(plan.input), { grouping, items: plan.aggregates.map(expandExprStrings) }, (input, items) =>
            resolveAggregate(this.ctx, input, { grouping, aggregates: items, selectList: true, ...(having ? { having } : {}) }),
          );
        }
        return resolveAggregate(this.ctx, this.resolve(plan.input), {
          grouping: plan.grouping.map(expandExprStrings),
          aggregates: plan.aggregates.map(expandExprStrings),
          selectList: plan.selectList ?? false,
          ...(plan.having ? { having: expandExprStrings(plan.having) } : {}),
        });
      case 'withColumns':
        return resolveWithColumns(
          this.ctx,
          this.resolve(plan.input),
          plan.columns.map((c) => ({ ...c, expr: expandExprStrings(c.expr) })),
        );
      case 'withColumnsRenamed':
        return this.renamed(this.resolve(plan.input), plan.renames);
      case 'withWatermark':
        return this.watermark(this.resolve(plan.input), plan.eventTime, plan.delay);
      case 'drop':
        return this.drop(this.resolve(plan.input), plan.columns, plan.columnNames);
      case 'sort':
        return resolveSort(this.ctx, plan.input, plan.order, (p) => this.resolve(p));
      case 'limit': {
        const input = this.resolve(plan.input);
        if (plan.limit < 0) throw new AnalysisError(`The limit expression must be equal to or greater than 0, but got ${plan.limit}.`);
        return { plan: PlanBuilder.limit(input.plan, plan.limit), qualifiers: input.qualifiers };
      }
      case 'offset': {
        const input = this.resolve(plan.input);
        return { plan: PlanBuilder.offset(input.plan, Math.max(0, plan.offset)), qualifiers: input.qualifiers };
      }
      case 'deduplicate':
        return this.deduplicate(this.resolve(plan.input), plan.columnNames, plan.allColumns);
      case 'sql':
        return this.resolve(parseSql(plan.query, { namedArgs: plan.namedArgs, posArgs: plan.posArgs }));
      case 'showString':
        throw new InternalError('ShowString is executed by the driver, not analyzed as a relation');
      case 'localRelation':
        return unqualified(this.localRelation(plan.batch, plan.schema));
      case 'range':
        return unqualified(PlanBuilder.range(plan.start, plan.end, plan.step));
      case 'subqueryAlias': {
        const input = this.resolve(plan.input);
        return { plan: input.plan, qualifiers: input.plan.schema.fields.map(() => plan.alias) };
      }
      case 'toDF':
        return this.toDF(this.resolve(plan.input), plan.columnNames);
      case 'union':
        return this.union(plan.inputs.map((p) => this.resolve(p)), plan.byName, plan.allowMissingColumns);
      case 'inlineTable':
        return unqualified(resolveInlineTable(this.ctx, plan.rows, plan.columnNames));
      case 'join':
        return resolveJoin(this.ctx, plan, this.resolve(plan.left), this.resolve(plan.right));
      default: {
        const never: never = plan;
        throw new NotSupportedError(`Relation ${JSON.stringify(never)} is not supported.`);
      }
    }
  }

  private resolver(input: Resolved): ExprResolver {
    return new ExprResolver(this.ctx, Scope.of(input.plan, input.qualifiers, input.planIds));
  }

  private read(plan: Extract<LogicalPlan, { kind: 'read' }>): Resolved {
    const src = plan.source;
    if (src.type === 'namedTable') {
      const parts = parseIdentifierParts(src.name);
      const name = parts[parts.length - 1] ?? src.name;
      const entry = this.ctx.catalog.lookup(parts);
      if (!entry) {
        throw new AnalysisError('', {
          errorClass: 'TABLE_OR_VIEW_NOT_FOUND',
          messageParameters: { relationName: quoteIdentifier(parts), searchPath: DEFAULT_SEARCH_PATH },
        });
      }
      if (entry.kind === 'table') {
        const node = PlanBuilder.table(name, entry.schema);
        return { plan: node, qualifiers: node.schema.fields.map(() => name) };
      }
      if (++this.depth > MAX_VIEW_DEPTH) throw new AnalysisError(`View ${src.name} refers to itself too deeply.`);
      try {
        const view = this.resolve(entry.plan);
        return { plan: view.plan, qualifiers: view.plan.schema.fields.map(() => name) };
      } finally {
        this.depth--;
      }
    }
    const userSchema = src.schema ? parseSchema(src.schema) : undefined;
    const spec = {
      format: src.format.toLowerCase(),
      options: src.options,
      paths: src.paths,
      ...(userSchema ? { userSchema } : {}),
    };
    return unqualified(PlanBuilder.scan(spec, plan.isStreaming, this.ctx.sourceSchema(spec, plan.isStreaming)));
  }

  private renamed(input: Resolved, renames: readonly { from: string; to: string }[]): Resolved {
    const named: NamedExpr[] = input.plan.schema.fields.map((f, i) => {
      const r = renames.find((x) => x.from.toLowerCase() === f.name.toLowerCase());
      return { expr: B.ref(i, f.type, f.name, f.nullable), name: r ? r.to : f.name };
    });
    return { plan: PlanBuilder.project(input.plan, named), qualifiers: input.qualifiers };
  }

  private watermark(input: Resolved, eventTime: string, delay: string): Resolved {
    const resolvedColumn = Scope.of(input.plan, input.qualifiers).tryResolve(parseIdentifierParts(eventTime));
    if (!resolvedColumn || resolvedColumn.expr.kind !== 'ref') {
      throw unresolvedColumn(parseIdentifierParts(eventTime), input.plan.schema.fields.map((f) => f.name));
    }
    const column = resolvedColumn.expr.index;
    const field = input.plan.schema.fields[column];
    if (!field || !isTimestamp(field.type)) {
      throw new AnalysisError('', {
        errorClass: 'EVENT_TIME_IS_NOT_ON_TIMESTAMP_TYPE',
        messageParameters: {
          eventName: quoteName(eventTime),
          eventType: `"${simpleString(field?.type ?? resolvedColumn.expr.type).toUpperCase()}"`,
        },
      });
    }
    const delayMs = delayMillis(delay);
    if (delayMs < 0) throw new IllegalArgumentError(`requirement failed: delay threshold (${delay}) should not be negative.`);
    // On a batch DataFrame withWatermark is a no-op (Spark's EliminateEventTimeWatermark).
    if (!isStreamingPlan(input.plan)) return input;
    return { plan: PlanBuilder.watermark(input.plan, column, delayMs), qualifiers: input.qualifiers };
  }

  private drop(input: Resolved, columns: readonly Expr[], names: readonly string[]): Resolved {
    const fields = input.plan.schema.fields;
    const dropped = new Set<number>();
    for (const n of names) {
      fields.forEach((f, i) => {
        if (f.name.toLowerCase() === n.toLowerCase()) dropped.add(i);
      });
    }
    const scope = Scope.of(input.plan, input.qualifiers);
    for (const c of columns) {
      if (c.kind !== 'column') throw new AnalysisError('drop() accepts column names or column references only.');
      const r = scope.tryResolve(parseIdentifierParts(c.name));
      if (r?.expr.kind === 'ref') dropped.add(r.expr.index);
    }
    if (dropped.size === 0) return input;
    const keep = fields.map((_, i) => i).filter((i) => !dropped.has(i));
    return this.select(input, keep);
  }

  private select(input: Resolved, keep: readonly number[]): Resolved {
    const fields = input.plan.schema.fields;
    const named = keep.map((i) => {
      const f = fields[i];
      if (!f) throw new InternalError(`no column ${i}`);
      return { expr: B.ref(i, f.type, f.name, f.nullable), name: f.name };
    });
    return { plan: PlanBuilder.project(input.plan, named), qualifiers: keep.map((i) => input.qualifiers[i]) };
  }

  private deduplicate(input: Resolved, names: readonly string[], all: boolean): Resolved {
    const fields = input.plan.schema.fields;
    const keys =
      all || names.length === 0
        ? fields.map((_, i) => i)
        : names.map((n) => {
            const i = fields.findIndex((f) => f.name.toLowerCase() === n.toLowerCase());
            if (i < 0) throw unresolvedColumn([n], fields.map((f) => f.name));
            return i;
          });
    return { plan: PlanBuilder.deduplicate(input.plan, keys), qualifiers: input.qualifiers };
  }

  private localRelation(batch: Parameters<typeof coerceLocalData>[0] | undefined, schema: string | Schema | undefined): AnalyzedPlan {
    const target = typeof schema === 'string' ? (schema.trim() === '' ? undefined : parseSchema(schema)) : schema;
    if (!batch) {
      if (!target) throw new AnalysisError('A local relation needs data or a schema.');
      return PlanBuilder.localData(emptyBatch(target));
    }
    return coerceLocalData(batch, target, this.ctx.conf.timeZone);
  }

  private toDF(input: Resolved, names: readonly string[]): Resolved {
    const fields = input.plan.schema.fields;
    if (names.length !== fields.length) {
      throw new IllegalArgumentError(
        `requirement failed: The number of columns doesn't match.\nOld column names (${fields.length}): ${fields
          .map((f) => f.name)
          .join(', ')}\nNew column names (${names.length}): ${names.join(', ')}`,
      );
    }
    return this.renamed(
      input,
      fields.map((f, i) => ({ from: f.name, to: names[i] as string })),
    );
  }

  private union(inputs: Resolved[], byName: boolean, allowMissing: boolean): Resolved {
    const first = inputs[0];
    if (!first) throw new AnalysisError('A union needs at least one input.');
    const width = first.plan.schema.fields.length;
    const aligned = inputs.map((r, k) => {
      if (!byName) {
        if (r.plan.schema.fields.length !== width) {
          throw new AnalysisError('', {
            errorClass: 'NUM_COLUMNS_MISMATCH',
            messageParameters: {
              operator: 'UNION',
              firstNumColumns: String(width),
              invalidOrdinalNum: ordinal(k + 1),
              invalidNumColumns: String(r.plan.schema.fields.length),
            },
          });
        }
        return r.plan;
      }
      const named = first.plan.schema.fields.map((f) => {
        const i = r.plan.schema.fields.findIndex((g) => g.name.toLowerCase() === f.name.toLowerCase());
        const g = r.plan.schema.fields[i];
        if (!g) {
          if (allowMissing) return { expr: B.lit(null, f.type) as BoundExpr, name: f.name };
          throw unresolvedColumn([f.name], r.plan.schema.fields.map((x) => x.name));
        }
        return { expr: B.ref(i, g.type, g.name, g.nullable) as BoundExpr, name: f.name };
      });
      return PlanBuilder.project(r.plan, named);
    });
    return unqualified(PlanBuilder.union(aligned));
  }
}

function ordinal(n: number): string {
  return n === 1 ? 'first' : n === 2 ? 'second' : n === 3 ? 'third' : `${n}th`;
}
