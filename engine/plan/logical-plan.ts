import type { RecordBatch } from '../batch/record-batch.js';
import type { Expr, Literal, SortOrder } from '../expr/expr.js';
import type { Schema } from '../types/schema.js';

/**
 * Unresolved logical plans: what the DataFrame API and the SQL parser produce, and what travels in
 * Spark Connect's `Relation`. The analyzer turns them into `AnalyzedPlan`s. Frozen plain objects.
 * `planId` is Spark Connect's `RelationCommon.plan_id` (used to resolve `df.col` references).
 */
export type LogicalPlan =
  | Read
  | Project
  | Filter
  | Aggregate
  | WithColumns
  | WithColumnsRenamed
  | WithWatermark
  | Drop
  | Sort
  | Limit
  | Offset
  | Deduplicate
  | SqlQuery
  | ShowString
  | LocalRelation
  | Range
  | SubqueryAlias
  | ToDF
  | Union
  | InlineTable
  | Join
  | Sample
  | Tail
  | NaFill
  | NaDrop
  | NaReplace
  | StatSummary;

interface Node {
  readonly planId?: number;
}

/** A node over one input plan. */
interface UnaryNode<K extends string> extends Node {
  readonly kind: K;
  readonly input: LogicalPlan;
}

export interface DataSourceSpec {
  readonly type: 'dataSource';
  readonly format: string;
  readonly options: Readonly<Record<string, string>>;
  /** A user-given schema (DDL or JSON); absent or empty means none. */
  readonly schema?: string;
  readonly paths: readonly string[];
}

export interface NamedTableSpec {
  readonly type: 'namedTable';
  readonly name: string;
  readonly options: Readonly<Record<string, string>>;
}

export interface Read extends Node {
  readonly kind: 'read';
  readonly source: DataSourceSpec | NamedTableSpec;
  readonly isStreaming: boolean;
}

export interface Project extends UnaryNode<'project'> {
  readonly exprs: readonly Expr[];
}

export interface Filter extends UnaryNode<'filter'> {
  readonly condition: Expr;
}

export interface Aggregate extends UnaryNode<'aggregate'> {
  readonly groupType: 'groupby' | 'rollup' | 'cube' | 'groupingSets' | 'pivot';
  /** groupingSets: the sets, each a list of grouping expressions. */
  readonly groupingSets?: readonly (readonly Expr[])[];
  /** pivot: the column whose values become columns, and those values (empty: the distinct values). */
  readonly pivot?: { readonly column: Expr; readonly values: readonly Literal[] };
  readonly grouping: readonly Expr[];
  readonly aggregates: readonly Expr[];
  /** SQL HAVING, applied to the aggregated rows; may reference aggregate functions. */
  readonly having?: Expr;
  /**
   * How the output is formed. Spark Connect / DataFrame (`false` or absent): grouping columns then
   * `aggregates`. SQL (`true`): `aggregates` is the select list and is the whole output.
   */
  readonly selectList?: boolean;
}

export interface WithColumns extends UnaryNode<'withColumns'> {
  readonly columns: readonly { readonly name: string; readonly expr: Expr }[];
}

export interface WithColumnsRenamed extends UnaryNode<'withColumnsRenamed'> {
  readonly renames: readonly { readonly from: string; readonly to: string }[];
}

export interface WithWatermark extends UnaryNode<'withWatermark'> {
  readonly eventTime: string;
  readonly delay: string;
}

export interface Drop extends UnaryNode<'drop'> {
  readonly columns: readonly Expr[];
  readonly columnNames: readonly string[];
}

export interface Sort extends UnaryNode<'sort'> {
  readonly order: readonly SortOrder[];
  readonly isGlobal: boolean;
}

export interface Limit extends UnaryNode<'limit'> {
  readonly limit: number;
}

export interface Offset extends UnaryNode<'offset'> {
  readonly offset: number;
}

export interface Deduplicate extends UnaryNode<'deduplicate'> {
  /** Empty with allColumns = true means every column. */
  readonly columnNames: readonly string[];
  readonly allColumns: boolean;
}

/** `spark.sql(text)`: parsed by the SQL parser during analysis. */
export interface SqlQuery extends Node {
  readonly kind: 'sql';
  readonly query: string;
  /** Named parameters (`:name`) and positional ones (`?`), as literal expressions. */
  readonly namedArgs: Readonly<Record<string, Expr>>;
  readonly posArgs: readonly Expr[];
}

/** `df.show(n, truncate, vertical)`: one row holding Spark's table text. */
export interface ShowString extends UnaryNode<'showString'> {
  readonly numRows: number;
  readonly truncate: number;
  readonly vertical: boolean;
}

/** Rows given by the client (`createDataFrame`), already decoded. */
export interface LocalRelation extends Node {
  readonly kind: 'localRelation';
  readonly batch: RecordBatch | undefined;
  /** A schema string given without data, or to rename/cast the data's columns. */
  readonly schema?: string | Schema;
}

export interface Range extends Node {
  readonly kind: 'range';
  readonly start: number;
  readonly end: number;
  readonly step: number;
  readonly numPartitions?: number;
}

export interface SubqueryAlias extends UnaryNode<'subqueryAlias'> {
  readonly alias: string;
}

export interface ToDF extends UnaryNode<'toDF'> {
  readonly columnNames: readonly string[];
}

export interface Union extends Node {
  readonly kind: 'union';
  readonly inputs: readonly LogicalPlan[];
  /** unionByName instead of by position. */
  readonly byName: boolean;
  readonly allowMissingColumns: boolean;
}

/** SQL's `VALUES (1, 'a'), (2, 'b') AS t(n, s)`: rows of constant expressions, one name per column. */
export interface InlineTable extends Node {
  readonly kind: 'inlineTable';
  readonly rows: readonly (readonly Expr[])[];
  readonly columnNames: readonly string[];
}

/** Spark's join types (Connect's JoinType, SQL's join words). */
export type JoinType = 'inner' | 'cross' | 'leftOuter' | 'rightOuter' | 'fullOuter' | 'leftSemi' | 'leftAnti';

/** `left.join(right, on, how)`: `condition` (ON) or `usingColumns` (USING), or neither (cross). */
export interface Join extends Node {
  readonly kind: 'join';
  readonly left: LogicalPlan;
  readonly right: LogicalPlan;
  readonly joinType: JoinType;
  readonly condition?: Expr;
  readonly usingColumns: readonly string[];
  /** SQL NATURAL JOIN: `usingColumns` are the names both sides have (none: no condition). */
  readonly natural?: true;
}

/** A sample's draw: rows whose draw falls in [lowerBound, upperBound), with or without replacement. */
export interface SampleFields {
  readonly lowerBound: number;
  readonly upperBound: number;
  readonly withReplacement: boolean;
  readonly seed: number;
}

/** `df.sample(withReplacement, fraction, seed)`. */
export interface Sample extends UnaryNode<'sample'>, SampleFields {}

/** `df.tail(n)`: the last n rows. */
export interface Tail extends UnaryNode<'tail'> {
  readonly limit: number;
}

/** `df.na.fill(value | {col: value})`: literal values, one for all columns or one per column. */
export interface NaFill extends UnaryNode<'naFill'> {
  readonly columns: readonly string[];
  readonly values: readonly Literal[];
}

/** `df.na.drop(how, thresh, subset)`: keeps rows with at least `minNonNulls` non-null, non-NaN values. */
export interface NaDrop extends UnaryNode<'naDrop'> {
  readonly columns: readonly string[];
  /** Absent: every considered column ('any'). */
  readonly minNonNulls?: number;
}

/** `df.na.replace(old, new, subset)`. */
export interface NaReplace extends UnaryNode<'naReplace'> {
  readonly columns: readonly string[];
  readonly replacements: readonly { readonly from: Literal; readonly to: Literal }[];
}

/** `df.summary(stats...)` / `df.describe(cols...)` (describe: count, mean, stddev, min, max). */
export interface StatSummary extends UnaryNode<'statSummary'> {
  readonly statistics: readonly string[];
  /** describe's columns; empty: every numeric and string column. */
  readonly columns: readonly string[];
  readonly describe: boolean;
}

export type LogicalPlanKind = LogicalPlan['kind'];

/**
 * Connect's relational operators past the core ones: each has one input, the analyzer resolves
 * them in `analysis/relational.ts` and the Connect serde carries them in `relational-serde.ts`.
 */
export type RelationalOp = Sample | Tail | NaFill | NaDrop | NaReplace | StatSummary;

const RELATIONAL_OPS: Readonly<Record<RelationalOp['kind'], true>> = {
  sample: true,
  tail: true,
  naFill: true,
  naDrop: true,
  naReplace: true,
  statSummary: true,
};

export function isRelationalOp(plan: LogicalPlan): plan is RelationalOp {
  return Object.hasOwn(RELATIONAL_OPS, plan.kind);
}

/** The direct inputs of a node; every kind not listed has exactly one, `input`. */
export function planChildren(plan: LogicalPlan): readonly LogicalPlan[] {
  switch (plan.kind) {
    case 'read':
    case 'sql':
    case 'localRelation':
    case 'range':
    case 'inlineTable':
      return [];
    case 'union':
      return plan.inputs;
    case 'join':
      return [plan.left, plan.right];
    default:
      return [plan.input];
  }
}
