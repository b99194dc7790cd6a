import { encodeRelation } from '../engine/connect/relation-encode.js';
import { decodeDataType } from '../engine/connect/data-type-serde.js';
import { E, type Literal } from '../engine/expr/expr.js';
import { literalExpr } from './literal.js';
import type { LogicalPlan } from '../engine/plan/logical-plan.js';
import { P } from '../engine/plan/plan-nodes.js';
import { simpleString, type StructType } from '../engine/types/data-type.js';
import { treeString } from '../engine/types/schema.js';
import type { Relation } from '../proto/generated/spark/connect/Relation.js';
import { Column } from './column.js';
import type { SparkConnectClient } from './connect/client.js';
import { resultRows } from './connect/results.js';
import { columnExprs, explainModeName, parseJoinType, requireColumn, sortOrders, type ColumnArgs, type ExplainMode, type SortOptions } from './dataframe-args.js';
import { PySparkAssertionError, PySparkValueError } from './errors.js';
import { expr as sqlExpr, type ColumnOrName } from './functions.js';
import { GroupedData } from './grouped-data.js';
import type { OutputWriter } from './output.js';
import { nextPlanId } from './plan-id.js';
import type { Row } from './row.js';
import { DataStreamWriter } from './streaming/data-stream-writer.js';

export type { ExplainMode } from './dataframe-args.js';

/** What a DataFrame needs from its session. */
export interface DataFrameSession {
  readonly client: SparkConnectClient;
  readonly output: OutputWriter;
}

/**
 * A lazy relation, as PySpark's Spark Connect DataFrame: transformations build a new plan node
 * stamped with a fresh plan id; actions (`collect`, `show`, `count`, ...) send it to the server.
 * A DataFrame from `spark.sql(...)` waits for the server's eager answer before its first action.
 */
export class DataFrame {
  readonly session: DataFrameSession;
  /** The id of this DataFrame's top plan node (`RelationCommon.plan_id`). */
  readonly planId: number;
  #plan: LogicalPlan | undefined;
  readonly #pending: Promise<LogicalPlan> | undefined;
  #schema: StructType | undefined;

  /** @internal Built by the session and by transformations. */
  constructor(session: DataFrameSession, planId: number, plan: LogicalPlan | Promise<LogicalPlan>) {
    this.session = session;
    this.planId = planId;
    if (plan instanceof Promise) {
      this.#pending = plan.then((p) => (this.#plan = p));
      // The error surfaces at the first action; an unobserved failure must not crash the process.
      this.#pending.catch(() => undefined);
    } else {
      this.#plan = plan;
    }
  }

  /** The unresolved plan; throws while a `spark.sql` answer is still pending (use `resolvePlan`). */
  get plan(): LogicalPlan {
    if (this.#plan === undefined) throw new PySparkAssertionError('The plan of this DataFrame is not known yet; await resolvePlan().');
    return this.#plan;
  }

  async resolvePlan(): Promise<LogicalPlan> {
    return this.#plan ?? (await (this.#pending as Promise<LogicalPlan>));
  }

  /** @internal A DataFrame over a new node built on this plan, with a fresh plan id. */
  _derive(build: (input: LogicalPlan, planId: number) => LogicalPlan): DataFrame {
    const id = nextPlanId();
    const plan = this.#plan;
    return new DataFrame(this.session, id, plan !== undefined ? build(plan, id) : this.resolvePlan().then((p) => build(p, id)));
  }

  // ---- transformations ----

  select(...cols: ColumnArgs): DataFrame {
    const exprs = columnExprs(cols);
    return this._derive((input, planId) => P.project(input, exprs, planId));
  }

  selectExpr(...exprs: (string | readonly string[])[]): DataFrame {
    const list = exprs.flat();
    return this._derive((input, planId) => P.project(input, list.map((e) => E.exprString(e)), planId));
  }

  /** A Column condition, or SQL text (`"count > 1"`). */
  filter(condition: Column | string): DataFrame {
    const cond = typeof condition === 'string' ? sqlExpr(condition).expr : requireColumn(condition, 'condition').expr;
    return this._derive((input, planId) => P.filter(input, cond, planId));
  }

  where(condition: Column | string): DataFrame {
    return this.filter(condition);
  }

  withColumn(colName: string, col: Column): DataFrame {
    return this.withColumns({ [colName]: requireColumn(col, 'col') });
  }

  withColumns(colsMap: Readonly<Record<string, Column>> | ReadonlyMap<string, Column>): DataFrame {
    const entries = colsMap instanceof Map ? [...colsMap.entries()] : Object.entries(colsMap);
    const columns = entries.map(([name, c]) => ({ name, expr: requireColumn(c, 'colsMap').expr }));
    return this._derive((input, planId) => P.withColumns(input, columns, planId));
  }

  withColumnRenamed(existing: string, newName: string): DataFrame {
    return this.withColumnsRenamed({ [existing]: newName });
  }

  withColumnsRenamed(colsMap: Readonly<Record<string, string>>): DataFrame {
    const renames = Object.entries(colsMap).map(([from, to]) => ({ from, to }));
    return this._derive((input, planId) => P.withColumnsRenamed(input, renames, planId));
  }

  withWatermark(eventTime: string, delayThreshold: string): DataFrame {
    if (typeof eventTime !== 'string' || eventTime.trim() === '' || typeof delayThreshold !== 'string' || delayThreshold.trim() === '') {
      throw new PySparkValueError('eventTime and delayThreshold should be non-empty strings.', { errorClass: 'VALUE_NOT_NON_EMPTY_STR' });
    }
    return this._derive((input, planId) => P.withWatermark(input, eventTime, delayThreshold, planId));
  }

  groupBy(...cols: ColumnArgs): GroupedData {
    return new GroupedData(this, columnExprs(cols));
  }

  rollup(...cols: ColumnArgs): GroupedData {
    return new GroupedData(this, columnExprs(cols), 'rollup');
  }

  cube(...cols: ColumnArgs): GroupedData {
    return new GroupedData(this, columnExprs(cols), 'cube');
  }

  groupby(...cols: ColumnArgs): GroupedData {
    return this.groupBy(...cols);
  }

  /** An aggregation over all rows: `df.agg(F.max('a'))` or `df.agg({ a: 'max' })`. */
  agg(...exprs: (Column | Readonly<Record<string, string>>)[]): DataFrame {
    return this.groupBy().agg(...exprs);
  }

  /** Names go to `column_names`, Columns to `columns`, as PySpark sends them. */
  drop(...cols: ColumnOrName[]): DataFrame {
    const columnNames = cols.filter((c): c is string => typeof c === 'string');
    const columns = cols.filter((c): c is Column => c instanceof Column).map((c) => c.expr);
    return this._derive((input, planId) => P.drop(input, columns, columnNames, planId));
  }

  dropDuplicates(subset?: readonly string[]): DataFrame {
    return this._derive((input, planId) => P.deduplicate(input, subset ?? [], subset === undefined, planId));
  }

  drop_duplicates(subset?: readonly string[]): DataFrame {
    return this.dropDuplicates(subset);
  }

  distinct(): DataFrame {
    return this.dropDuplicates();
  }

  /** `orderBy('a', F.desc('b'))`, `orderBy(['a', 'b'], { ascending: false })`. */
  orderBy(...cols: (ColumnOrName | readonly ColumnOrName[] | SortOptions)[]): DataFrame {
    const order = sortOrders(cols);
    return this._derive((input, planId) => P.sort(input, order, true, planId));
  }

  sort(...cols: (ColumnOrName | readonly ColumnOrName[] | SortOptions)[]): DataFrame {
    return this.orderBy(...cols);
  }

  sortWithinPartitions(...cols: (ColumnOrName | readonly ColumnOrName[] | SortOptions)[]): DataFrame {
    const order = sortOrders(cols);
    return this._derive((input, planId) => P.sort(input, order, false, planId));
  }

  limit(n: number): DataFrame {
    return this._derive((input, planId) => P.limit(input, n, planId));
  }

  offset(n: number): DataFrame {
    return this._derive((input, planId) => P.offset(input, n, planId));
  }

  union(other: DataFrame): DataFrame {
    return this.#setOp(other, false, false);
  }

  unionAll(other: DataFrame): DataFrame {
    return this.union(other);
  }

  unionByName(other: DataFrame, allowMissingColumns = false): DataFrame {
    return this.#setOp(other, true, allowMissingColumns);
  }

  /**
   * `join(other, on, how)`: `on` a column name or names (USING) or a Column condition; `how` one of
   * PySpark's names (inner, left, left_outer, right, full, outer, semi, left_semi, anti, cross...).
   */
  join(other: DataFrame, on?: string | readonly string[] | Column, how = 'inner'): DataFrame {
    const joinType = parseJoinType(how);
    const using = typeof on === 'string' ? [on] : Array.isArray(on) ? [...(on as readonly string[])] : [];
    const condition = on instanceof Column ? on.expr : undefined;
    return this.#binary(other, (left, right, planId) => P.join(left, right, joinType, { usingColumns: using, condition }, planId));
  }

  crossJoin(other: DataFrame): DataFrame {
    return this.#binary(other, (left, right, planId) => P.join(left, right, 'cross', {}, planId));
  }

  /** Join and partitioning hints are accepted and change nothing (Kindling joins in memory). */
  hint(_name: string): DataFrame {
    return this._derive((input, planId) => P.project(input, [E.star()], planId));
  }

  sample(fraction: number, seed?: number, withReplacement = false): DataFrame {
    const s = seed ?? Math.floor(Math.random() * 2 ** 31);
    return this._derive((input, planId) => P.sample(input, { lowerBound: 0, upperBound: fraction, withReplacement, seed: s }, planId));
  }

  /** The last `n` rows. */
  async tail(n: number): Promise<Row[]> {
    return this._derive((input, planId) => P.tail(input, n, planId)).collect();
  }

  describe(...cols: string[]): DataFrame {
    return this._derive((input, planId) => P.statSummary(input, [], cols, true, planId));
  }

  summary(...statistics: string[]): DataFrame {
    return this._derive((input, planId) => P.statSummary(input, statistics, [], false, planId));
  }

  /** `fillna(value, subset)` / `fillna({col: value})`. */
  fillna(value: string | number | boolean | Readonly<Record<string, string | number | boolean>>, subset: readonly string[] = []): DataFrame {
    const entries = typeof value === 'object' ? Object.entries(value) : undefined;
    const columns = entries ? entries.map(([k]) => k) : [...subset];
    const values = (entries ? entries.map(([, v]) => v) : [value as string | number | boolean]).map((v) => literalExpr(v) as Literal);
    return this._derive((input, planId) => P.naFill(input, columns, values, planId));
  }

  /** `dropna(how, thresh, subset)`: how 'any' (default) or 'all'; thresh wins over how. */
  dropna(how: 'any' | 'all' = 'any', thresh?: number, subset: readonly string[] = []): DataFrame {
    const min = thresh ?? (how === 'all' ? 1 : undefined);
    return this._derive((input, planId) => P.naDrop(input, subset, min, planId));
  }

  alias(name: string): DataFrame {
    return this._derive((input, planId) => P.alias(input, name, planId));
  }

  toDF(...names: string[]): DataFrame {
    return this._derive((input, planId) => P.toDF(input, names, planId));
  }

  /** A column of this DataFrame (`df.value` / `df['value']` in PySpark): it carries this plan's id. */
  col(name: string): Column {
    if (name === '*') return new Column(E.star(undefined, this.planId));
    return new Column(E.col(name, this.planId));
  }

  get(name: string): Column {
    return this.col(name);
  }

  get writeStream(): DataStreamWriter {
    return new DataStreamWriter(this);
  }

  // ---- schema and plans (AnalyzePlan) ----

  /** The schema, asked once from the server and cached, as PySpark caches it. */
  async schema(): Promise<StructType> {
    if (this.#schema === undefined) {
      const res = await this.session.client.analyze({ schema: { plan: { root: await this.relation() } } });
      const t = res.schema?.schema ? decodeDataType(res.schema.schema) : undefined;
      if (t?.kind !== 'struct') throw new PySparkAssertionError(`Invalid schema returned by the server: ${JSON.stringify(res.schema)}`);
      this.#schema = t;
    }
    return this.#schema;
  }

  async columns(): Promise<string[]> {
    return (await this.schema()).fields.map((f) => f.name);
  }

  /** `[name, simpleString]` pairs: `[['word', 'string'], ['count', 'bigint']]`. */
  async dtypes(): Promise<[string, string][]> {
    return (await this.schema()).fields.map((f) => [f.name, simpleString(f.type)]);
  }

  async printSchema(level?: number): Promise<void> {
    this.session.output(`${treeString(await this.schema(), level)}\n`);
  }

  async isStreaming(): Promise<boolean> {
    const res = await this.session.client.analyze({ is_streaming: { plan: { root: await this.relation() } } });
    return res.is_streaming?.is_streaming ?? false;
  }

  /** The plan text; `true` or `'extended'` adds the logical plans. */
  async explainString(mode: boolean | ExplainMode = false): Promise<string> {
    const name: ExplainMode = mode === true ? 'extended' : mode === false ? 'simple' : mode;
    const res = await this.session.client.analyze({
      explain: { plan: { root: await this.relation() }, explain_mode: explainModeName(name) },
    });
    return res.explain?.explain_string ?? '';
  }

  async explain(mode: boolean | ExplainMode = false): Promise<void> {
    this.session.output(`${await this.explainString(mode)}\n`);
  }

  // ---- actions (ExecutePlan) ----

  /** This plan as a Spark Connect relation. */
  async relation(): Promise<Relation> {
    return encodeRelation(await this.resolvePlan());
  }

  async collect(): Promise<Row[]> {
    return resultRows(await this.session.client.executeRelation(await this.relation()));
  }

  /** Spark's table text: `truncate` true → 20 characters, false → none, a number → that many. */
  async showString(n = 20, truncate: boolean | number = true, vertical = false): Promise<string> {
    const t = truncate === true ? 20 : truncate === false ? 0 : Math.trunc(truncate);
    const shown = this._derive((input, planId) => P.showString(input, n, t, vertical, planId));
    const rows = await shown.collect();
    const text = rows[0]?.get(0);
    if (typeof text !== 'string') throw new PySparkAssertionError('The server returned no show_string.');
    return text;
  }

  /** Prints `showString(...)`, as PySpark's `print` does (with a final newline). */
  async show(n = 20, truncate: boolean | number = true, vertical = false): Promise<void> {
    this.session.output(`${await this.showString(n, truncate, vertical)}\n`);
  }

  async count(): Promise<number> {
    const rows = await this.groupBy().count().collect();
    return Number(rows[0]?.get(0) ?? 0);
  }

  async take(n: number): Promise<Row[]> {
    return this.limit(n).collect();
  }

  /** `head()` is the first row or null; `head(n)` the first n rows. */
  head(): Promise<Row | null>;
  head(n: number): Promise<Row[]>;
  async head(n?: number): Promise<Row | Row[] | null> {
    if (n === undefined) return (await this.take(1))[0] ?? null;
    return this.take(n);
  }

  async first(): Promise<Row | null> {
    return this.head();
  }

  async isEmpty(): Promise<boolean> {
    return (await this.take(1)).length === 0;
  }

  async createTempView(name: string): Promise<void> {
    await this.#createView(name, false, false);
  }

  async createOrReplaceTempView(name: string): Promise<void> {
    await this.#createView(name, false, true);
  }

  async createGlobalTempView(name: string): Promise<void> {
    await this.#createView(name, true, false);
  }

  async createOrReplaceGlobalTempView(name: string): Promise<void> {
    await this.#createView(name, true, true);
  }

  async #createView(name: string, isGlobal: boolean, replace: boolean): Promise<void> {
    await this.session.client.executeCommand({
      create_dataframe_view: { input: await this.relation(), name, is_global: isGlobal, replace },
    });
  }

  #binary(other: DataFrame, build: (left: LogicalPlan, right: LogicalPlan, planId: number) => LogicalPlan): DataFrame {
    const id = nextPlanId();
    const left = this.#plan;
    const right = other.#plan;
    if (left !== undefined && right !== undefined) return new DataFrame(this.session, id, build(left, right, id));
    return new DataFrame(this.session, id, Promise.all([this.resolvePlan(), other.resolvePlan()]).then(([l, r]) => build(l, r, id)));
  }

  #setOp(other: DataFrame, byName: boolean, allowMissingColumns: boolean): DataFrame {
    return this.#binary(other, (left, right, planId) => P.union([left, right], byName, allowMissingColumns, planId));
  }
}
