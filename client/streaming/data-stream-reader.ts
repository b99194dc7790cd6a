import { P } from '../../engine/plan/plan-nodes.js';
import type { StructType } from '../../engine/types/data-type.js';
import { DataFrame, type DataFrameSession } from '../dataframe.js';
import { addOptions, optionString, schemaString, type OptionValue } from '../options.js';
import { nextPlanId } from '../plan-id.js';

/**
 * `spark.readStream`: a streaming Read relation. No RPC happens until the DataFrame is used;
 * option values travel as strings (`port: 9999` → `"9999"`), the schema as `""` when unset.
 */
export class DataStreamReader {
  readonly #session: DataFrameSession;
  #format: string | undefined;
  #schema: string | undefined;
  readonly #options: Record<string, string> = {};

  constructor(session: DataFrameSession) {
    this.#session = session;
  }

  format(source: string): this {
    this.#format = source;
    return this;
  }

  option(key: string, value: OptionValue): this {
    this.#options[key] = optionString(value);
    return this;
  }

  options(options: Readonly<Record<string, OptionValue | null | undefined>>): this {
    addOptions(this.#options, options);
    return this;
  }

  /** A StructType (sent as JSON) or a DDL string such as `"value STRING"`. */
  schema(schema: StructType | string): this {
    this.#schema = schemaString(schema);
    return this;
  }

  load(path?: string): DataFrame {
    const planId = nextPlanId();
    const source = {
      type: 'dataSource' as const,
      format: this.#format ?? '',
      options: { ...this.#options },
      ...(this.#schema === undefined ? {} : { schema: this.#schema }),
      paths: path === undefined ? [] : [path],
    };
    return new DataFrame(this.#session, planId, P.read(source, true, planId));
  }

  text(path: string): DataFrame {
    return this.format('text').load(path);
  }

  /** A streaming read of a table. */
  table(tableName: string): DataFrame {
    const planId = nextPlanId();
    return new DataFrame(this.#session, planId, P.read({ type: 'namedTable', name: tableName, options: { ...this.#options } }, true, planId));
  }
}
