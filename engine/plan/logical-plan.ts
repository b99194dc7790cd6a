import type { RecordBatch } from '../batch/record-batch.js';
import type { Expr, SortOrder } from '../expr/expr.js';
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
  | InlineTable;

interface Node {
  readonly planId?: number;
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

export interface Project extends Node {
  readonly kind: 'project';
  readonly input: LogicalPlan;
  readonly exprs: readonly Expr[];
}

export interface Filter extends Node {
  readonly kind: 'filter';
  readonly input: LogicalPlan;
  readonly condition: Expr;
}

export interface Aggregate extends Node {
  readonly kind: 'aggregate';
  readonly input: LogicalPlan;
  readonly groupType: 'groupby';
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

export interface WithColumns extends Node {
  readonly kind: 'withColumns';
  readonly input: LogicalPlan;
  readonly columns: readonly { readonly name: string; readonly expr: Expr }[];
}

export interface WithColumnsRenamed extends Node {
  readonly kind: 'withColumnsRenamed';
  readonly input: LogicalPlan;
  readonly renames: readonly { readonly from: string; readonly to: string }[];
}

export interface WithWatermark extends Node {
  readonly kind: 'withWatermark';
  readonly input: LogicalPlan;
  readonly eventTime: string;
  readonly delay: string;
}

export interface Drop extends Node {
  readonly kind: 'drop';
  readonly input: LogicalPlan;
  readonly columns: readonly Expr[];
  readonly columnNames: readonly string[];
}

export interface Sort extends Node {
  readonly kind: 'sort';
  readonly input: LogicalPlan;
  readonly order: readonly SortOrder[];
  readonly isGlobal: boolean;
}

export interface Limit extends Node {
  readonly kind: 'limit';
  readonly input: LogicalPlan;
  readonly limit: number;
}

export interface Offset extends Node {
  readonly kind: 'offset';
  readonly input: LogicalPlan;
  readonly offset: number;
}

export interface Deduplicate extends Node {
  readonly kind: 'deduplicate';
  readonly input: LogicalPlan;
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
export interface ShowString extends Node {
  readonly kind: 'showString';
  readonly input: LogicalPlan;
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

export interface SubqueryAlias extends Node {
  readonly kind: 'subqueryAlias';
  readonly input: LogicalPlan;
  readonly alias: string;
}

export interface ToDF extends Node {
  readonly kind: 'toDF';
  readonly input: LogicalPlan;
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

export type LogicalPlanKind = LogicalPlan['kind'];

/** The direct inputs of a node. */
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
    case 'project':
    case 'filter':
    case 'aggregate':
    case 'withColumns':
    case 'withColumnsRenamed':
    case 'withWatermark':
    case 'drop':
    case 'sort':
    case 'limit':
    case 'offset':
    case 'deduplicate':
    case 'showString':
    case 'subqueryAlias':
    case 'toDF':
      return [plan.input];
    default: {
      const never: never = plan;
      throw new Error(`unknown plan ${JSON.stringify(never)}`);
    }
  }
}

/** Attaches a plan id (Spark Connect `plan_id`) to a node. */
export function withPlanId<P extends LogicalPlan>(plan: P, planId: number | undefined): P {
  return planId === undefined ? plan : (Object.freeze({ ...plan, planId }) as unknown as P);
}
