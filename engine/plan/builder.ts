import type { RecordBatch } from '../batch/record-batch.js';
import { exprNullable, exprType, type BoundExpr } from '../expr/bound-expr.js';
import { InternalError } from '../errors/errors.js';
import { T, WINDOW_TYPE, type StructField } from '../types/data-type.js';
import { WATERMARK_DELAY_KEY, schemaOf, withMetadata, type Schema } from '../types/schema.js';
import type {
  AggregateCall,
  AggregateNode,
  AnalyzedPlan,
  DeduplicateNode,
  ExpandNode,
  FilterNode,
  JoinNode,
  PhysicalJoinType,
  SampleNode,
  SummaryNode,
  TailNode,
  WindowCall,
  WindowNode,
  GenerateNode,
  LimitNode,
  LocalDataNode,
  OffsetNode,
  ProjectNode,
  RangeNode,
  ScanNode,
  SortKey,
  SortNode,
  SourceSpec,
  TableNode,
  TimeWindowNode,
  UnionNode,
  WatermarkNode,
} from './analyzed-plan.js';

/** An expression with the name (and optional metadata) of the column it produces. */
export interface NamedExpr {
  readonly expr: BoundExpr;
  readonly name: string;
  /** Explicit metadata; otherwise a plain column reference keeps its input column's metadata. */
  readonly metadata?: Readonly<Record<string, unknown>>;
}

/**
 * The only place output schemas are computed. The analyzer (for both the DataFrame API and SQL)
 * builds every `AnalyzedPlan` node through these functions.
 */
export const PlanBuilder = Object.freeze({
  scan(source: SourceSpec, streaming: boolean, schema: Schema): ScanNode {
    return Object.freeze({ kind: 'scan', source, streaming, schema });
  },

  table(name: string, schema: Schema): TableNode {
    return Object.freeze({ kind: 'table', name, schema });
  },

  localData(batch: RecordBatch): LocalDataNode {
    return Object.freeze({ kind: 'localData', batch, schema: batch.schema });
  },

  range(start: number, end: number, step: number): RangeNode {
    if (step === 0) throw new InternalError('range step must not be 0');
    return Object.freeze({ kind: 'range', start, end, step, schema: schemaOf([T.field('id', T.long, false)]) });
  },

  project(input: AnalyzedPlan, named: readonly NamedExpr[]): ProjectNode {
    const fields = named.map((n) => fieldFor(input.schema, n));
    return Object.freeze({
      kind: 'project',
      input,
      exprs: Object.freeze(named.map((n) => n.expr)),
      schema: schemaOf(fields),
    });
  },

  filter(input: AnalyzedPlan, condition: BoundExpr): FilterNode {
    return Object.freeze({ kind: 'filter', input, condition, schema: input.schema });
  },

  generate(
    input: AnalyzedPlan,
    generator: string,
    args: readonly BoundExpr[],
    outer: boolean,
    outputs: readonly StructField[],
  ): GenerateNode {
    const generated = outputs.map((f) => (outer ? T.field(f.name, f.type, true, f.metadata) : f));
    return Object.freeze({
      kind: 'generate',
      input,
      generator,
      args: Object.freeze([...args]),
      outer,
      schema: schemaOf([...input.schema.fields, ...generated]),
    });
  },

  timeWindow(input: AnalyzedPlan, time: BoundExpr, windowUs: number, slideUs: number, startUs: number): TimeWindowNode {
    // The window inherits the time column's metadata: that is how eviction follows window.end.
    const metadata = time.kind === 'ref' ? input.schema.fields[time.index]?.metadata : undefined;
    const windowField = T.field('window', WINDOW_TYPE, true, metadata);
    return Object.freeze({
      kind: 'timeWindow',
      input,
      time,
      windowUs,
      slideUs,
      startUs,
      schema: schemaOf([...input.schema.fields, windowField]),
    });
  },

  watermark(input: AnalyzedPlan, column: number, delayMs: number): WatermarkNode {
    const fields = input.schema.fields.map((f, i) => {
      const { [WATERMARK_DELAY_KEY]: _old, ...rest } = f.metadata ?? {};
      return withMetadata(f, i === column ? { ...rest, [WATERMARK_DELAY_KEY]: delayMs } : rest);
    });
    return Object.freeze({ kind: 'watermark', input, column, delayMs, schema: schemaOf(fields) });
  },

  aggregate(
    input: AnalyzedPlan,
    groupings: readonly NamedExpr[],
    aggregates: readonly { readonly call: AggregateCall; readonly name: string; readonly nullable: boolean }[],
  ): AggregateNode {
    const fields = [
      ...groupings.map((g) => fieldFor(input.schema, g)),
      ...aggregates.map((a) => T.field(a.name, a.call.type, a.nullable)),
    ];
    return Object.freeze({
      kind: 'aggregate',
      input,
      groupings: Object.freeze(groupings.map((g) => g.expr)),
      aggregates: Object.freeze(aggregates.map((a) => a.call)),
      schema: schemaOf(fields),
    });
  },

  sort(input: AnalyzedPlan, order: readonly SortKey[]): SortNode {
    return Object.freeze({ kind: 'sort', input, order: Object.freeze([...order]), schema: input.schema });
  },

  limit(input: AnalyzedPlan, limit: number): LimitNode {
    return Object.freeze({ kind: 'limit', input, limit, schema: input.schema });
  },

  offset(input: AnalyzedPlan, offset: number): OffsetNode {
    return Object.freeze({ kind: 'offset', input, offset, schema: input.schema });
  },

  deduplicate(input: AnalyzedPlan, keys: readonly number[]): DeduplicateNode {
    return Object.freeze({ kind: 'deduplicate', input, keys: Object.freeze([...keys]), schema: input.schema });
  },

  join(
    left: AnalyzedPlan,
    right: AnalyzedPlan,
    joinType: PhysicalJoinType,
    leftKeys: readonly BoundExpr[],
    rightKeys: readonly BoundExpr[],
    condition: BoundExpr | undefined,
  ): JoinNode {
    const nullableLeft = joinType === 'rightOuter' || joinType === 'fullOuter';
    const nullableRight = joinType === 'leftOuter' || joinType === 'fullOuter';
    const side = (fields: readonly StructField[], nullable: boolean): StructField[] =>
      fields.map((f) => (nullable && !f.nullable ? T.field(f.name, f.type, true, f.metadata) : f));
    const semi = joinType === 'leftSemi' || joinType === 'leftAnti';
    const fields = semi
      ? left.schema.fields
      : [...side(left.schema.fields, nullableLeft), ...side(right.schema.fields, nullableRight)];
    return Object.freeze({
      kind: 'join',
      left,
      right,
      joinType,
      leftKeys: Object.freeze([...leftKeys]),
      rightKeys: Object.freeze([...rightKeys]),
      condition,
      schema: schemaOf(fields),
    });
  },

  window(
    input: AnalyzedPlan,
    partitionBy: readonly BoundExpr[],
    orderBy: readonly SortKey[],
    calls: readonly { readonly call: WindowCall; readonly name: string; readonly nullable: boolean }[],
  ): WindowNode {
    return Object.freeze({
      kind: 'window',
      input,
      partitionBy: Object.freeze([...partitionBy]),
      orderBy: Object.freeze([...orderBy]),
      calls: Object.freeze(calls.map((c) => c.call)),
      schema: schemaOf([...input.schema.fields, ...calls.map((c) => T.field(c.name, c.call.type, c.nullable))]),
    });
  },

  expand(input: AnalyzedPlan, projections: readonly (readonly BoundExpr[])[], fields: readonly StructField[]): ExpandNode {
    return Object.freeze({ kind: 'expand', input, projections: Object.freeze(projections.map((p) => Object.freeze([...p]))), schema: schemaOf(fields) });
  },

  sample(input: AnalyzedPlan, lowerBound: number, upperBound: number, withReplacement: boolean, seed: number): SampleNode {
    return Object.freeze({ kind: 'sample', input, lowerBound, upperBound, withReplacement, seed, schema: input.schema });
  },

  tail(input: AnalyzedPlan, limit: number): TailNode {
    return Object.freeze({ kind: 'tail', input, limit, schema: input.schema });
  },

  summary(input: AnalyzedPlan, statistics: readonly string[], columns: readonly number[]): SummaryNode {
    const fields = [
      T.field('summary', T.string, true),
      ...columns.map((c) => T.field(input.schema.fields[c]?.name ?? `_${c}`, T.string, true)),
    ];
    return Object.freeze({ kind: 'summary', input, statistics: Object.freeze([...statistics]), columns: Object.freeze([...columns]), schema: schemaOf(fields) });
  },

  union(inputs: readonly AnalyzedPlan[]): UnionNode {
    const first = inputs[0];
    if (first === undefined) throw new InternalError('union of nothing');
    const fields = first.schema.fields.map((f, i) =>
      T.field(
        f.name,
        f.type,
        inputs.some((p) => p.schema.fields[i]?.nullable ?? true),
        f.metadata,
      ),
    );
    return Object.freeze({ kind: 'union', inputs: Object.freeze([...inputs]), schema: schemaOf(fields) });
  },
});

function fieldFor(inputSchema: Schema, n: NamedExpr): StructField {
  const inherited = n.expr.kind === 'ref' ? inputSchema.fields[n.expr.index]?.metadata : undefined;
  return T.field(n.name, exprType(n.expr), exprNullable(n.expr), n.metadata ?? inherited);
}
