import { decodeRelation } from '../engine/connect/relation-decode.js';
import { encodeRelation } from '../engine/connect/relation-encode.js';
import { batchFromRows } from '../engine/batch/record-batch.js';
import type { Expr } from '../engine/expr/expr.js';
import type { LogicalPlan } from '../engine/plan/logical-plan.js';
import { P, withPlanId } from '../engine/plan/plan-nodes.js';
import { parseSchema } from '../engine/sql/data-type-parser.js';
import type { StructType } from '../engine/types/data-type.js';
import { Column } from './column.js';
import type { SparkConnectClient } from './connect/client.js';
import { RuntimeConf } from './conf.js';
import type { ConnectionParams } from './connection-string.js';
import { DataFrame, type DataFrameSession } from './dataframe.js';
import { PySparkValueError } from './errors.js';
import { lit } from './functions.js';
import type { OutputWriter } from './output.js';
import { nextPlanId } from './plan-id.js';
import { DataFrameReader } from './reader.js';
import { SqlDataFrame } from './sql-dataframe.js';
import { DataStreamReader } from './streaming/data-stream-reader.js';
import { StreamingQueryManager } from './streaming/query-manager.js';
import { inferSchema, toEngineValue } from './values.js';
import { Builder } from './builder.js';

/** Arguments of `spark.sql`: named (`:name`) as an object, positional (`?`) as an array. */
export type SqlArgs = Readonly<Record<string, unknown>> | readonly unknown[];

/**
 * A Spark Connect session, as PySpark's: `SparkSession.builder().remote(url).getOrCreate()`.
 * Plans are built locally; `sql` runs eagerly; `stop()` releases the server session.
 */
export class SparkSession implements DataFrameSession {
  readonly client: SparkConnectClient;
  readonly conf: RuntimeConf;
  readonly streams: StreamingQueryManager;
  /** The `sc://` URL the session was created from. */
  readonly connectionString: string;
  /** Where show(), printSchema() and explain() print (stdout unless the builder set another). */
  output: OutputWriter;
  readonly #params: ConnectionParams;
  #stopped = false;
  readonly #onStop: () => void;

  /** @internal Use `SparkSession.builder()`. */
  constructor(client: SparkConnectClient, params: ConnectionParams, url: string, output: OutputWriter, onStop: () => void) {
    this.client = client;
    this.#params = params;
    this.connectionString = url;
    this.output = output;
    this.conf = new RuntimeConf(client);
    this.streams = new StreamingQueryManager(this);
    this.#onStop = onStop;
  }

  static builder(): Builder {
    return new Builder((...args) => new SparkSession(...args));
  }

  get sessionId(): string {
    return this.client.sessionId;
  }

  get userId(): string | undefined {
    return this.#params.userId;
  }

  get stopped(): boolean {
    return this.#stopped;
  }

  get read(): DataFrameReader {
    return new DataFrameReader(this);
  }

  get readStream(): DataStreamReader {
    return new DataStreamReader(this);
  }

  /**
   * Runs SQL eagerly (a SqlCommand), as PySpark: the DataFrame wraps the relation the server
   * echoes back, under a fresh plan id. Use it at once (`spark.sql(q).show()`) or await it.
   */
  sql(query: string, args?: SqlArgs): SqlDataFrame {
    const namedArgs: Record<string, Expr> = {};
    const posArgs: Expr[] = [];
    if (Array.isArray(args)) for (const v of args) posArgs.push(argExpr(v));
    else if (args !== undefined) for (const [k, v] of Object.entries(args)) namedArgs[k] = argExpr(v);
    const sqlPlan = P.sql(query, namedArgs, posArgs, nextPlanId());
    const planId = nextPlanId();
    const plan = this.client
      .executeCommand({ sql_command: { input: encodeRelation(sqlPlan) } })
      .then((res): LogicalPlan => {
        const echoed = res.sqlCommandResult;
        // Without an answer PySpark falls back to sending the SQL relation itself.
        if (echoed === undefined || echoed === null) return withPlanId(sqlPlan, planId);
        return withPlanId(decodeRelation(echoed), planId);
      });
    return new SqlDataFrame(this, planId, plan);
  }

  table(tableName: string): DataFrame {
    return this.read.table(tableName);
  }

  /** `range(end)` or `range(start, end, step = 1)`: a `id` bigint column. */
  range(start: number, end?: number, step = 1, numPartitions?: number): DataFrame {
    const planId = nextPlanId();
    const [s, e] = end === undefined ? [0, start] : [start, end];
    return new DataFrame(this, planId, P.range(s, e, step, numPartitions, planId));
  }

  /**
   * A DataFrame of local rows, sent as a LocalRelation with Arrow data. Rows are arrays, plain
   * objects or Rows; the schema is a StructType, a DDL string, a list of column names (types
   * inferred) or absent (names and types inferred from the first rows).
   */
  createDataFrame(data: readonly unknown[], schema?: StructType | string | readonly string[]): DataFrame {
    const struct = resolveSchema(data, schema);
    const rows = data.map((r) => toEngineValue(r, struct) as unknown[]);
    const planId = nextPlanId();
    return new DataFrame(this, planId, P.localRelation(batchFromRows(struct, rows), struct, planId));
  }

  /** The server's Spark version (AnalyzePlan spark_version). */
  async version(): Promise<string> {
    const res = await this.client.analyze({ spark_version: {} });
    return res.spark_version?.version ?? '';
  }

  /** Releases the server session and closes the channel. Safe to call twice. */
  async stop(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    this.#onStop();
    await this.client.close();
  }
}

function argExpr(v: unknown): Expr {
  return v instanceof Column ? v.expr : lit(v as Parameters<typeof lit>[0]).expr;
}

function resolveSchema(data: readonly unknown[], schema: StructType | string | readonly string[] | undefined): StructType {
  if (schema === undefined) return inferSchema(data, undefined);
  if (Array.isArray(schema)) return inferSchema(data, schema as readonly string[]);
  if (typeof schema === 'string') {
    try {
      return parseSchema(schema);
    } catch (e) {
      throw new PySparkValueError(`Cannot parse the schema '${schema}': ${e instanceof Error ? e.message : String(e)}`, {
        errorClass: 'PARSE_SCHEMA',
        cause: e,
      });
    }
  }
  return schema as StructType;
}
