import type { Read } from '../engine/plan/logical-plan.js';
import { P } from '../engine/plan/plan-nodes.js';
import type { StructType } from '../engine/types/data-type.js';
import { DataFrame, type DataFrameSession } from './dataframe.js';
import { FormatOptions, schemaString } from './options.js';
import { nextPlanId } from './plan-id.js';

/**
 * What `spark.read` and `spark.readStream` share: a Read relation of a data source (format,
 * options, schema, paths) or of a table. Lazy: no RPC until the DataFrame is used. Option values
 * travel as strings (`port: 9999` → `"9999"`).
 */
export abstract class DataSourceReader extends FormatOptions {
  readonly #session: DataFrameSession;
  readonly #isStreaming: boolean;
  #schema: string | undefined;

  protected constructor(session: DataFrameSession, isStreaming: boolean) {
    super();
    this.#session = session;
    this.#isStreaming = isStreaming;
  }

  /** A StructType (sent as JSON) or a DDL string such as `"value STRING"`. */
  schema(schema: StructType | string): this {
    this.#schema = schemaString(schema);
    return this;
  }

  /** A read of a table (or view) by name. */
  table(tableName: string): DataFrame {
    return this.#read({ type: 'namedTable', name: tableName, options: this.optionsSnapshot() });
  }

  protected loadPaths(paths: string[]): DataFrame {
    return this.#read({
      type: 'dataSource',
      format: this.sourceFormat ?? '',
      options: this.optionsSnapshot(),
      ...(this.#schema === undefined ? {} : { schema: this.#schema }),
      paths,
    });
  }

  #read(source: Read['source']): DataFrame {
    const planId = nextPlanId();
    return new DataFrame(this.#session, planId, P.read(source, this.#isStreaming, planId));
  }
}
