import type { RecordBatch } from '../batch/record-batch.js';
import type { Expr, Literal, SortOrder } from '../expr/expr.js';
import type { Schema } from '../types/schema.js';
import type {
  Aggregate,
  DataSourceSpec,
  Deduplicate,
  Drop,
  Filter,
  InlineTable,
  Join,
  JoinType,
  Limit,
  LocalRelation,
  LogicalPlan,
  NaDrop,
  NaFill,
  NaReplace,
  NamedTableSpec,
  Offset,
  Project,
  Range,
  Read,
  Sample,
  SampleFields,
  ShowString,
  Sort,
  SqlQuery,
  StatSummary,
  SubqueryAlias,
  Tail,
  ToDF,
  Union,
  WithColumns,
  WithColumnsRenamed,
  WithWatermark,
} from './logical-plan.js';

/**
 * The one place unresolved plan nodes are made: the client's DataFrame, the SQL front end and the
 * Spark Connect decoder all build through `P`, so every node is frozen, carries its lists as frozen
 * copies, leaves optional fields out rather than `undefined`, and gets its plan id the same way.
 * The last argument of each maker is the node's plan id (`RelationCommon.plan_id`), if any.
 */
export const P = Object.freeze({
  read(source: DataSourceSpec | NamedTableSpec, isStreaming: boolean, planId?: number): Read {
    return node({ kind: 'read', source: Object.freeze(source), isStreaming }, planId);
  },
  /** `spark.table(name)` / SQL `FROM name`: a batch read of a named table. */
  table(name: string, options: Readonly<Record<string, string>> = {}, planId?: number): Read {
    return P.read({ type: 'namedTable', name, options: Object.freeze({ ...options }) }, false, planId);
  },
  project(input: LogicalPlan, exprs: readonly Expr[], planId?: number): Project {
    return node({ kind: 'project', input, exprs: list(exprs) }, planId);
  },
  filter(input: LogicalPlan, condition: Expr, planId?: number): Filter {
    return node({ kind: 'filter', input, condition }, planId);
  },
  aggregate(input: LogicalPlan, a: AggregateFields, planId?: number): Aggregate {
    return node(
      {
        kind: 'aggregate',
        input,
        groupType: a.groupType,
        ...(a.groupingSets === undefined ? {} : { groupingSets: list(a.groupingSets.map(list)) }),
        ...(a.pivot === undefined ? {} : { pivot: Object.freeze({ column: a.pivot.column, values: list(a.pivot.values) }) }),
        grouping: list(a.grouping),
        aggregates: list(a.aggregates),
        ...(a.having === undefined ? {} : { having: a.having }),
        ...(a.selectList === undefined ? {} : { selectList: a.selectList }),
      },
      planId,
    );
  },
  /** A SQL aggregation: `aggregates` is the whole select list (`selectList: true`). */
  sqlAggregate(input: LogicalPlan, grouping: readonly Expr[], aggregates: readonly Expr[], having?: Expr, analytics?: GroupingAnalytics): Aggregate {
    return P.aggregate(input, {
      groupType: analytics?.groupType ?? 'groupby',
      ...(analytics?.groupType === 'groupingSets' ? { groupingSets: analytics.groupingSets } : {}),
      grouping,
      aggregates,
      ...(having ? { having } : {}),
      selectList: true,
    });
  },
  withColumns(input: LogicalPlan, columns: readonly { readonly name: string; readonly expr: Expr }[], planId?: number): WithColumns {
    return node({ kind: 'withColumns', input, columns: list(columns.map((c) => Object.freeze({ name: c.name, expr: c.expr }))) }, planId);
  },
  withColumnsRenamed(input: LogicalPlan, renames: readonly { readonly from: string; readonly to: string }[], planId?: number): WithColumnsRenamed {
    return node({ kind: 'withColumnsRenamed', input, renames: list(renames.map((r) => Object.freeze({ from: r.from, to: r.to }))) }, planId);
  },
  withWatermark(input: LogicalPlan, eventTime: string, delay: string, planId?: number): WithWatermark {
    return node({ kind: 'withWatermark', input, eventTime, delay }, planId);
  },
  /** Names go to `columnNames`, Columns to `columns`, as PySpark sends them. */
  drop(input: LogicalPlan, columns: readonly Expr[], columnNames: readonly string[], planId?: number): Drop {
    return node({ kind: 'drop', input, columns: list(columns), columnNames: list(columnNames) }, planId);
  },
  /** `isGlobal` false: `sortWithinPartitions`. */
  sort(input: LogicalPlan, order: readonly SortOrder[], isGlobal = true, planId?: number): Sort {
    return node({ kind: 'sort', input, order: list(order), isGlobal }, planId);
  },
  limit(input: LogicalPlan, limit: number, planId?: number): Limit {
    return node({ kind: 'limit', input, limit }, planId);
  },
  offset(input: LogicalPlan, offset: number, planId?: number): Offset {
    return node({ kind: 'offset', input, offset }, planId);
  },
  /** `allColumns` with no names: every column is a key. */
  deduplicate(input: LogicalPlan, columnNames: readonly string[], allColumns: boolean, planId?: number): Deduplicate {
    return node({ kind: 'deduplicate', input, columnNames: list(columnNames), allColumns }, planId);
  },
  distinct(input: LogicalPlan, planId?: number): Deduplicate {
    return P.deduplicate(input, [], true, planId);
  },
  sql(query: string, namedArgs: Readonly<Record<string, Expr>> = {}, posArgs: readonly Expr[] = [], planId?: number): SqlQuery {
    return node({ kind: 'sql', query, namedArgs: Object.freeze({ ...namedArgs }), posArgs: list(posArgs) }, planId);
  },
  showString(input: LogicalPlan, numRows: number, truncate: number, vertical: boolean, planId?: number): ShowString {
    return node({ kind: 'showString', input, numRows, truncate, vertical }, planId);
  },
  localRelation(batch: RecordBatch | undefined, schema?: string | Schema, planId?: number): LocalRelation {
    return node(schema === undefined ? { kind: 'localRelation', batch } : { kind: 'localRelation', batch, schema }, planId);
  },
  range(start: number, end: number, step = 1, numPartitions?: number, planId?: number): Range {
    return node(
      numPartitions === undefined ? { kind: 'range', start, end, step } : { kind: 'range', start, end, step, numPartitions },
      planId,
    );
  },
  alias(input: LogicalPlan, alias: string, planId?: number): SubqueryAlias {
    return node({ kind: 'subqueryAlias', input, alias }, planId);
  },
  toDF(input: LogicalPlan, columnNames: readonly string[], planId?: number): ToDF {
    return node({ kind: 'toDF', input, columnNames: list(columnNames) }, planId);
  },
  /** `byName`: unionByName; `allowMissingColumns` only with it. */
  union(inputs: readonly LogicalPlan[], byName = false, allowMissingColumns = false, planId?: number): Union {
    return node({ kind: 'union', inputs: list(inputs), byName, allowMissingColumns }, planId);
  },
  inlineTable(rows: readonly (readonly Expr[])[], columnNames: readonly string[], planId?: number): InlineTable {
    return node({ kind: 'inlineTable', rows: list(rows.map(list)), columnNames: list(columnNames) }, planId);
  },
  /** ON (`condition`), USING (`usingColumns`), or neither (cross); `natural`: SQL NATURAL JOIN. */
  join(left: LogicalPlan, right: LogicalPlan, joinType: JoinType, on: JoinCriteria = {}, planId?: number): Join {
    return node(
      {
        kind: 'join',
        left,
        right,
        joinType,
        usingColumns: list(on.usingColumns ?? []),
        ...(on.condition === undefined ? {} : { condition: on.condition }),
        ...(on.natural ? { natural: true as const } : {}),
      },
      planId,
    );
  },
  sample(input: LogicalPlan, s: SampleFields, planId?: number): Sample {
    return node(
      { kind: 'sample', input, lowerBound: s.lowerBound, upperBound: s.upperBound, withReplacement: s.withReplacement, seed: s.seed },
      planId,
    );
  },
  tail(input: LogicalPlan, limit: number, planId?: number): Tail {
    return node({ kind: 'tail', input, limit }, planId);
  },
  naFill(input: LogicalPlan, columns: readonly string[], values: readonly Literal[], planId?: number): NaFill {
    return node({ kind: 'naFill', input, columns: list(columns), values: list(values) }, planId);
  },
  /** `minNonNulls` absent: every considered column must be non-null ('any'). */
  naDrop(input: LogicalPlan, columns: readonly string[], minNonNulls?: number, planId?: number): NaDrop {
    return node({ kind: 'naDrop', input, columns: list(columns), ...(minNonNulls === undefined ? {} : { minNonNulls }) }, planId);
  },
  naReplace(input: LogicalPlan, columns: readonly string[], replacements: readonly { readonly from: Literal; readonly to: Literal }[], planId?: number): NaReplace {
    return node({ kind: 'naReplace', input, columns: list(columns), replacements: list(replacements.map((r) => Object.freeze({ from: r.from, to: r.to }))) }, planId);
  },
  /** `df.summary(stats...)` (describe false) or `df.describe(cols...)` (describe true). */
  statSummary(input: LogicalPlan, statistics: readonly string[], columns: readonly string[], describe: boolean, planId?: number): StatSummary {
    return node({ kind: 'statSummary', input, statistics: list(statistics), columns: list(columns), describe }, planId);
  },
});

/** Aggregate's fields past its input (see `Aggregate`). */
export interface AggregateFields {
  readonly groupType: Aggregate['groupType'];
  readonly grouping: readonly Expr[];
  readonly aggregates: readonly Expr[];
  readonly groupingSets?: readonly (readonly Expr[])[];
  readonly pivot?: { readonly column: Expr; readonly values: readonly Literal[] };
  readonly having?: Expr;
  readonly selectList?: boolean;
}

export interface JoinCriteria {
  readonly condition?: Expr | undefined;
  readonly usingColumns?: readonly string[];
  readonly natural?: boolean;
}

/** ROLLUP / CUBE / GROUPING SETS of a SQL GROUP BY, as the DataFrame `rollup`/`cube`/`groupingSets` plan them. */
export interface GroupingAnalytics {
  readonly groupType: 'rollup' | 'cube' | 'groupingSets';
  readonly groupingSets: readonly (readonly Expr[])[];
}

/** Attaches a plan id (Spark Connect `plan_id`) to a node; the node stays frozen. */
export function withPlanId<N extends LogicalPlan>(plan: N, planId: number | undefined): N {
  return planId === undefined ? plan : node(plan, planId);
}

function node<N extends LogicalPlan>(fields: N, planId: number | undefined): N {
  return Object.freeze(planId === undefined ? fields : { ...fields, planId });
}

function list<T>(xs: readonly T[]): readonly T[] {
  return Object.freeze([...xs]);
}
