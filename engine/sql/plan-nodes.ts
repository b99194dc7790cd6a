import type { Expr, SortOrder } from '../expr/expr.js';
import type {
  Aggregate,
  Deduplicate,
  Filter,
  InlineTable,
  Limit,
  LogicalPlan,
  Offset,
  Project,
  Range,
  Read,
  Sort,
  SubqueryAlias,
  ToDF,
  Union,
} from '../plan/logical-plan.js';

/** Frozen unresolved plan nodes, shaped exactly as the DataFrame API builds them. */
export const P = Object.freeze({
  table(name: string): Read {
    return Object.freeze({
      kind: 'read',
      source: Object.freeze({ type: 'namedTable', name, options: Object.freeze({}) }),
      isStreaming: false,
    });
  },
  range(start: number, end: number, step = 1, numPartitions?: number): Range {
    return Object.freeze(
      numPartitions === undefined
        ? { kind: 'range', start, end, step }
        : { kind: 'range', start, end, step, numPartitions },
    );
  },
  project(input: LogicalPlan, exprs: readonly Expr[]): Project {
    return Object.freeze({ kind: 'project', input, exprs: Object.freeze([...exprs]) });
  },
  filter(input: LogicalPlan, condition: Expr): Filter {
    return Object.freeze({ kind: 'filter', input, condition });
  },
  /** A SQL aggregation: `aggregates` is the whole select list (`selectList: true`). */
  sqlAggregate(input: LogicalPlan, grouping: readonly Expr[], aggregates: readonly Expr[], having?: Expr, analytics?: GroupingAnalytics): Aggregate {
    const node: Aggregate = {
      kind: 'aggregate',
      input,
      groupType: analytics?.groupType ?? 'groupby',
      ...(analytics?.groupType === 'groupingSets' ? { groupingSets: analytics.groupingSets } : {}),
      grouping: Object.freeze([...grouping]),
      aggregates: Object.freeze([...aggregates]),
      ...(having ? { having } : {}),
      selectList: true,
    };
    return Object.freeze(node);
  },
  distinct(input: LogicalPlan): Deduplicate {
    return Object.freeze({ kind: 'deduplicate', input, columnNames: Object.freeze([]), allColumns: true });
  },
  sort(input: LogicalPlan, order: readonly SortOrder[]): Sort {
    return Object.freeze({ kind: 'sort', input, order: Object.freeze([...order]), isGlobal: true });
  },
  limit(input: LogicalPlan, limit: number): Limit {
    return Object.freeze({ kind: 'limit', input, limit });
  },
  offset(input: LogicalPlan, offset: number): Offset {
    return Object.freeze({ kind: 'offset', input, offset });
  },
  alias(input: LogicalPlan, alias: string): SubqueryAlias {
    return Object.freeze({ kind: 'subqueryAlias', input, alias });
  },
  toDF(input: LogicalPlan, columnNames: readonly string[]): ToDF {
    return Object.freeze({ kind: 'toDF', input, columnNames: Object.freeze([...columnNames]) });
  },
  inlineTable(rows: readonly (readonly Expr[])[], columnNames: readonly string[]): InlineTable {
    return Object.freeze({
      kind: 'inlineTable',
      rows: Object.freeze(rows.map((r) => Object.freeze([...r]))),
      columnNames: Object.freeze([...columnNames]),
    });
  },
  union(left: LogicalPlan, right: LogicalPlan): Union {
    return Object.freeze({ kind: 'union', inputs: Object.freeze([left, right]), byName: false, allowMissingColumns: false });
  },
});

/** ROLLUP / CUBE / GROUPING SETS of a SQL GROUP BY, as the DataFrame `rollup`/`cube`/`groupingSets` plan them. */
export interface GroupingAnalytics {
  readonly groupType: 'rollup' | 'cube' | 'groupingSets';
  readonly groupingSets: readonly (readonly Expr[])[];
}
