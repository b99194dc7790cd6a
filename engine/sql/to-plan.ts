import { AnalysisError, NotSupportedError, ParseError } from '../errors/errors.js';
import { E, type Expr } from '../expr/expr.js';
import type { JoinType, LogicalPlan } from '../plan/logical-plan.js';

const SQL_JOIN_TYPES: Readonly<Record<Extract<Relation, { kind: 'join' }>['joinType'], JoinType>> = {
  INNER: 'inner',
  CROSS: 'cross',
  LEFT: 'leftOuter',
  RIGHT: 'rightOuter',
  FULL: 'fullOuter',
  SEMI: 'leftSemi',
  ANTI: 'leftAnti',
};
import { assertNever } from '../types/data-type.js';
import type { AstExpr, Query, QueryTerm, Relation, SelectItem, SelectSpec } from './ast.js';
import { P, type GroupingAnalytics } from '../plan/plan-nodes.js';
import { printExpr } from './print.js';
import { ExprConverter, columnName, type SqlArgs } from './to-expr.js';

/**
 * Builds the unresolved plan for a query, node for node what the DataFrame API would build:
 * FROM → read/subqueryAlias, WHERE → filter, GROUP BY/HAVING → aggregate (select list as its
 * output), otherwise project, DISTINCT → deduplicate, ORDER BY → global sort, then offset, then
 * limit. A SELECT without FROM reads a one-row `range(0, 1)`, whose `id` column the select list
 * simply does not use. WITH definitions are inlined where they are referenced.
 */
export function queryToPlan(query: Query, args: SqlArgs = {}, positionalOffsets: readonly number[] = []): LogicalPlan {
  return new PlanBuilder(new ExprConverter(args, positionalOffsets)).query(query, new Map());
}

type Ctes = ReadonlyMap<string, LogicalPlan>;

class PlanBuilder {
  constructor(private readonly exprs: ExprConverter) {}

  query(q: Query, outer: Ctes): LogicalPlan {
    const ctes = new Map(outer);
    for (const cte of q.with) {
      const plan = this.query(cte.query, ctes);
      ctes.set(cte.name.toLowerCase(), cte.columns.length > 0 ? P.toDF(plan, cte.columns) : plan);
    }
    let plan = this.term(q.body, ctes);
    if (q.orderBy.length > 0) {
      plan = P.sort(
        plan,
        q.orderBy.map((o) => E.sortOrder(this.expr(o.expr), o.ascending, o.nullsFirst)),
      );
    }
    if (q.offset) plan = P.offset(plan, this.count(q.offset, 'offset'));
    if (q.limit) plan = P.limit(plan, this.count(q.limit, 'limit'));
    return plan;
  }

  private term(t: QueryTerm, ctes: Ctes): LogicalPlan {
    switch (t.kind) {
      case 'select':
        return this.select(t, ctes);
      case 'setOp': {
        const union = P.union([this.term(t.left, ctes), this.term(t.right, ctes)]);
        return t.all ? union : P.distinct(union);
      }
      case 'nested':
        return this.query(t.query, ctes);
      default:
        return assertNever(t);
    }
  }

  private select(s: SelectSpec, ctes: Ctes): LogicalPlan {
    let plan = s.from ? this.relation(s.from, ctes) : P.range(0, 1, 1);
    if (s.where) plan = P.filter(plan, this.expr(s.where));
    const items = s.items.map((i) => this.item(i));
    plan =
      s.groupBy.length > 0 || s.having || s.groupingAnalytics
        ? P.sqlAggregate(plan, s.groupBy.map((g) => this.expr(g)), items, s.having ? this.expr(s.having) : undefined, this.groupingAnalytics(s))
        : P.project(plan, items);
    return s.distinct ? P.distinct(plan) : plan;
  }

  private groupingAnalytics(s: SelectSpec): GroupingAnalytics | undefined {
    const ga = s.groupingAnalytics;
    return ga && { groupType: ga.kind, groupingSets: ga.sets.map((set) => set.map((e) => this.expr(e))) };
  }

  private item(i: SelectItem): Expr {
    const e = this.expr(i.expr);
    return i.aliases.length > 0 ? E.alias(e, ...i.aliases) : e;
  }

  private relation(r: Relation, ctes: Ctes): LogicalPlan {
    let plan: LogicalPlan;
    switch (r.kind) {
      case 'table': {
        const cte = r.name.length === 1 ? ctes.get((r.name[0] as string).toLowerCase()) : undefined;
        if (cte) {
          return P.alias(r.columns === undefined ? cte : P.toDF(cte, r.columns), r.alias ?? (r.name[0] as string));
        }
        plan = P.table(columnName(r.name));
        break;
      }
      case 'subquery':
        plan = this.query(r.query, ctes);
        break;
      case 'tableFunction':
        plan = this.tableFunction(r.name, r.args);
        break;
      case 'join': {
        plan = P.join(this.relation(r.left, ctes), this.relation(r.right, ctes), SQL_JOIN_TYPES[r.joinType], {
          usingColumns: r.using ?? [],
          natural: r.natural === true,
          ...(r.on ? { condition: this.expr(r.on) } : {}),
        });
        break;
      }
      case 'values': {
        // The column aliases name the inline table's columns (below), not a rename of them.
        const table = this.inlineTable(r.rows, r.columns);
        return r.alias === undefined ? table : P.alias(table, r.alias);
      }
      default:
        return assertNever(r);
    }
    if (r.columns !== undefined) plan = P.toDF(plan, r.columns);
    return r.alias === undefined ? plan : P.alias(plan, r.alias);
  }

  /** Spark's inline table: every row as wide as the column list (or the first row), columns `col1`... by default. */
  private inlineTable(rows: readonly (readonly AstExpr[])[], columns: readonly string[] | undefined): LogicalPlan {
    const width = columns?.length ?? rows[0]?.length ?? 0;
    rows.forEach((row, i) => {
      if (row.length !== width) {
        throw ParseError.withClass('INVALID_INLINE_TABLE.NUM_COLUMNS_MISMATCH', {
          expectedNumCols: String(width),
          actualNumCols: String(row.length),
          rowIndex: String(i),
        });
      }
    });
    const names = columns ?? Array.from({ length: width }, (_, i) => `col${i + 1}`);
    return P.inlineTable(rows.map((row) => row.map((e) => this.expr(e))), names);
  }

  private tableFunction(name: string, args: readonly AstExpr[]): LogicalPlan {
    if (name !== 'range') throw new NotSupportedError(`Table-valued function ${name} is not supported by Kindling.`);
    const values = args.map((a) => this.integer(a, 'range'));
    switch (values.length) {
      case 1:
        return P.range(0, values[0] as number);
      case 2:
      case 3:
      case 4:
        return P.range(values[0] as number, values[1] as number, values[2] ?? 1, values[3]);
      default:
        throw AnalysisError.withClass('WRONG_NUM_ARGS.WITHOUT_SUGGESTION', {
          functionName: '`range`',
          expectedNum: '[1, 2, 3, 4]',
          actualNum: String(values.length),
          docroot: 'https://spark.apache.org/docs/latest',
        });
    }
  }

  private expr(e: AstExpr): Expr {
    return this.exprs.convert(e);
  }

  /** LIMIT and OFFSET take a constant, non-negative integer. */
  private count(e: AstExpr, name: 'limit' | 'offset'): number {
    const v = this.integer(e, name);
    if (v < 0) {
      throw AnalysisError.withClass('INVALID_LIMIT_LIKE_EXPRESSION.IS_NEGATIVE', {
        expr: `"${printExpr(e)}"`,
        name,
        v: String(v),
      });
    }
    return v;
  }

  private integer(e: AstExpr, name: string): number {
    const x = this.expr(e);
    if (x.kind === 'literal' && typeof x.value === 'number' && Number.isInteger(x.value)) return x.value;
    throw AnalysisError.withClass('INVALID_LIMIT_LIKE_EXPRESSION.IS_UNFOLDABLE', { expr: `"${printExpr(e)}"`, name });
  }
}
