import type { RecordBatch } from '../batch/record-batch.js';
import type { BoundExpr } from '../expr/bound-expr.js';
import type { DataType } from '../types/data-type.js';
import type { Schema } from '../types/schema.js';
import type { SampleFields } from './logical-plan.js';

/**
 * Resolved logical plans: every name bound, every type known, every node carrying its output
 * `schema` (computed only by `PlanBuilder`). Expressions refer to the input node's columns by position.
 */
export type AnalyzedPlan =
  | ScanNode
  | TableNode
  | LocalDataNode
  | RangeNode
  | ProjectNode
  | FilterNode
  | GenerateNode
  | TimeWindowNode
  | WatermarkNode
  | AggregateNode
  | SortNode
  | LimitNode
  | OffsetNode
  | DeduplicateNode
  | UnionNode
  | JoinNode
  | WindowNode
  | ExpandNode
  | SampleNode
  | TailNode
  | SummaryNode;

/** A node over one input; `schema` is its output's. */
interface UnaryNode<K extends string> {
  readonly kind: K;
  readonly input: AnalyzedPlan;
  readonly schema: Schema;
}

export interface SourceSpec {
  readonly format: string;
  readonly options: Readonly<Record<string, string>>;
  readonly paths: readonly string[];
  readonly userSchema?: Schema;
}

/** A data source read (batch or streaming). */
export interface ScanNode {
  readonly kind: 'scan';
  readonly source: SourceSpec;
  readonly streaming: boolean;
  readonly schema: Schema;
}

/** A named table whose rows live in the catalog (memory-sink tables). */
export interface TableNode {
  readonly kind: 'table';
  readonly name: string;
  readonly schema: Schema;
}

export interface LocalDataNode {
  readonly kind: 'localData';
  readonly batch: RecordBatch;
  readonly schema: Schema;
}

export interface RangeNode {
  readonly kind: 'range';
  readonly start: number;
  readonly end: number;
  readonly step: number;
  readonly schema: Schema;
}

export interface ProjectNode extends UnaryNode<'project'> {
  readonly exprs: readonly BoundExpr[];
}

export interface FilterNode extends UnaryNode<'filter'> {
  readonly condition: BoundExpr;
}

/** Input columns followed by the generator's output columns (`explode` → `col`). */
export interface GenerateNode extends UnaryNode<'generate'> {
  readonly generator: string;
  readonly args: readonly BoundExpr[];
  readonly outer: boolean;
}

/**
 * Spark's TimeWindowing: input columns followed by `window` struct<start, end>, one row per window
 * containing the row's time (an Expand when windows slide); rows with a NULL time are dropped.
 */
export interface TimeWindowNode extends UnaryNode<'timeWindow'> {
  readonly time: BoundExpr;
  readonly windowUs: number;
  readonly slideUs: number;
  readonly startUs: number;
}

/** `withWatermark`: passes rows through, marks `column` as event time with `delayMs`. */
export interface WatermarkNode extends UnaryNode<'watermark'> {
  readonly column: number;
  readonly delayMs: number;
}

export interface AggregateCall {
  readonly fn: string;
  readonly args: readonly BoundExpr[];
  readonly distinct: boolean;
  readonly type: DataType;
}

/** Output: the grouping columns, then one column per aggregate call. */
export interface AggregateNode extends UnaryNode<'aggregate'> {
  readonly groupings: readonly BoundExpr[];
  readonly aggregates: readonly AggregateCall[];
}

export interface SortKey {
  readonly expr: BoundExpr;
  readonly ascending: boolean;
  readonly nullsFirst: boolean;
}

export interface SortNode extends UnaryNode<'sort'> {
  readonly order: readonly SortKey[];
}

export interface LimitNode extends UnaryNode<'limit'> {
  readonly limit: number;
}

export interface OffsetNode extends UnaryNode<'offset'> {
  readonly offset: number;
}

/** Keeps the first row for each distinct combination of `keys` (column positions). */
export interface DeduplicateNode extends UnaryNode<'deduplicate'> {
  readonly keys: readonly number[];
}

export interface UnionNode {
  readonly kind: 'union';
  readonly inputs: readonly AnalyzedPlan[];
  readonly schema: Schema;
}

export type PhysicalJoinType = 'inner' | 'leftOuter' | 'rightOuter' | 'fullOuter' | 'leftSemi' | 'leftAnti';

/**
 * A join: rows of `left` and `right` whose `leftKeys` equal `rightKeys` (none: every pair) and for
 * which `condition` (over left columns then right columns) holds. Output: left columns then right
 * columns (semi/anti: left columns only), the outer side's columns nullable.
 */
export interface JoinNode {
  readonly kind: 'join';
  readonly left: AnalyzedPlan;
  readonly right: AnalyzedPlan;
  readonly joinType: PhysicalJoinType;
  readonly leftKeys: readonly BoundExpr[];
  readonly rightKeys: readonly BoundExpr[];
  readonly condition: BoundExpr | undefined;
  readonly schema: Schema;
}

export type WindowBound = { readonly kind: 'unbounded' } | { readonly kind: 'currentRow' } | { readonly kind: 'offset'; readonly value: number };

export interface WindowFrameSpec {
  readonly type: 'rows' | 'range';
  readonly lower: WindowBound;
  readonly upper: WindowBound;
}

/** One window function: a ranking/offset function by name, or an aggregate over the frame. */
export interface WindowCall {
  readonly fn: string;
  readonly kind: 'ranking' | 'offset' | 'aggregate';
  readonly args: readonly BoundExpr[];
  readonly distinct: boolean;
  readonly frame: WindowFrameSpec;
  readonly type: DataType;
  /** lag/lead: rows back (negative: ahead); nth_value: n; ntile: buckets. */
  readonly offset?: number;
  readonly ignoreNulls?: boolean;
}

/** Spark's Window: input columns followed by one column per call, all calls sharing one partitioning and order. */
export interface WindowNode extends UnaryNode<'window'> {
  readonly partitionBy: readonly BoundExpr[];
  readonly orderBy: readonly SortKey[];
  readonly calls: readonly WindowCall[];
}

/** Spark's Expand (grouping sets): every input row once per projection. */
export interface ExpandNode extends UnaryNode<'expand'> {
  readonly projections: readonly (readonly BoundExpr[])[];
}

export interface SampleNode extends UnaryNode<'sample'>, SampleFields {}

export interface TailNode extends UnaryNode<'tail'> {
  readonly limit: number;
}

/** `summary`/`describe`: one string row per statistic over input `columns`; output `summary`, then one column each. */
export interface SummaryNode extends UnaryNode<'summary'> {
  readonly statistics: readonly string[];
  readonly columns: readonly number[];
}

/** The direct inputs of a node; every kind not listed has exactly one, `input`. */
export function analyzedChildren(plan: AnalyzedPlan): readonly AnalyzedPlan[] {
  switch (plan.kind) {
    case 'scan':
    case 'table':
    case 'localData':
    case 'range':
      return [];
    case 'union':
      return plan.inputs;
    case 'join':
      return [plan.left, plan.right];
    default:
      return [plan.input];
  }
}

/** True when any leaf reads a streaming source. */
export function isStreamingPlan(plan: AnalyzedPlan): boolean {
  if (plan.kind === 'scan') return plan.streaming;
  return analyzedChildren(plan).some(isStreamingPlan);
}

export function collectNodes<K extends AnalyzedPlan['kind']>(
  plan: AnalyzedPlan,
  kind: K,
): Extract<AnalyzedPlan, { kind: K }>[] {
  const out: Extract<AnalyzedPlan, { kind: K }>[] = [];
  const walk = (p: AnalyzedPlan): void => {
    if (p.kind === kind) out.push(p as Extract<AnalyzedPlan, { kind: K }>);
    analyzedChildren(p).forEach(walk);
  };
  walk(plan);
  return out;
}
