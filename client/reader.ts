import { P } from '../engine/plan/plan-nodes.js';
import type { StructType } from '../engine/types/data-type.js';
import { DataFrame, type DataFrameSession } from './dataframe.js';
import { addOptions, optionString, schemaString, type OptionValue } from './options.js';
import { nextPlanId } from './plan-id.js';

/** `spark.read`: a batch Read relation (data source or table). Lazy: no RPC until an action. */
export class DataFrameReader {
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

  schema(schema: StructType | string): this {
    this.#schema = schemaString(schema);
    return this;
  }

  load(...paths: string[]): DataFrame {
    const planId = nextPlanId();
    const source = {
      type: 'dataSource' as const,
      format: this.#format ?? '',
      options: { ...this.#options },
      ...(this.#schema === undefined ? {} : { schema: this.#schema }),
      paths: [...paths],
    };
    return new DataFrame(this.#session, planId, P.read(source, false, planId));
  }

  text(...paths: string[]): DataFrame {
    return this.format('text').load(...paths);
  }

  table(tableName: string): DataFrame {
    const planId = nextPlanId();
    return new DataFrame(this.#session, planId, P.read({ type: 'namedTable', name: tableName, options: { ...this.#options } }, false, planId));
  }
}
