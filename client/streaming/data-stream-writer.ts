import type { WriteStreamOperationStart } from '../../proto/generated/spark/connect/WriteStreamOperationStart.js';
import type { DataFrame } from '../dataframe.js';
import { PySparkAssertionError, PySparkNotImplementedError, PySparkValueError } from '../errors.js';
import { FormatOptions } from '../options.js';
import { StreamingQuery } from './streaming-query.js';

/** `writeStream.trigger(...)`: exactly one kind, as PySpark requires. */
export type Trigger =
  | { readonly processingTime: string }
  | { readonly once: true }
  | { readonly availableNow: true }
  | { readonly continuous: string };

type TriggerFields = Pick<WriteStreamOperationStart, 'processing_time_interval' | 'once' | 'available_now' | 'continuous_checkpoint_interval'>;

/**
 * `df.writeStream`: builds WriteStreamOperationStart; `start()` sends it and returns the query
 * handle (id, runId and name come back in the start result).
 */
export class DataStreamWriter extends FormatOptions {
  readonly #df: DataFrame;
  #outputMode: string | undefined;
  #queryName: string | undefined;
  #trigger: TriggerFields = {};
  #partitionBy: string[] = [];
  #clusterBy: string[] = [];

  constructor(df: DataFrame) {
    super();
    this.#df = df;
  }

  /** `append`, `complete` or `update`. */
  outputMode(mode: string): this {
    this.#outputMode = nonEmpty('outputMode', mode);
    return this;
  }

  queryName(name: string): this {
    this.#queryName = nonEmpty('queryName', name);
    return this;
  }

  partitionBy(...cols: string[]): this {
    this.#partitionBy = cols.flat();
    return this;
  }

  clusterBy(...cols: string[]): this {
    this.#clusterBy = cols.flat();
    return this;
  }

  trigger(trigger: Trigger): this {
    const kinds = Object.keys(trigger).filter((k) => (trigger as Record<string, unknown>)[k] !== undefined);
    if (kinds.length !== 1) {
      throw new PySparkValueError('[ONLY_ALLOW_SINGLE_TRIGGER] Only a single trigger is allowed.', {
        errorClass: 'ONLY_ALLOW_SINGLE_TRIGGER',
        messageParameters: {},
      });
    }
    if ('processingTime' in trigger) {
      this.#trigger = { processing_time_interval: nonEmpty('processingTime', trigger.processingTime) };
    } else if ('once' in trigger) {
      this.#trigger = { once: true };
    } else if ('availableNow' in trigger) {
      this.#trigger = { available_now: true };
    } else {
      this.#trigger = { continuous_checkpoint_interval: trigger.continuous };
    }
    return this;
  }

  foreach(): never {
    throw notSupported('foreach');
  }

  foreachBatch(): never {
    throw notSupported('foreachBatch');
  }

  /** Starts the query (writing to `path` for file sinks). */
  async start(path?: string): Promise<StreamingQuery> {
    return this.#start(path === undefined ? {} : { path });
  }

  /** Starts the query writing into a table. */
  async toTable(tableName: string): Promise<StreamingQuery> {
    return this.#start({ table_name: tableName });
  }

  async #start(sink: { path?: string; table_name?: string }): Promise<StreamingQuery> {
    const command: WriteStreamOperationStart = {
      input: await this.#df.relation(),
      options: this.optionsSnapshot(),
      partitioning_column_names: [...this.#partitionBy],
      clustering_column_names: [...this.#clusterBy],
      ...this.#trigger,
      ...sink,
    };
    if (this.sourceFormat !== undefined) command.format = this.sourceFormat;
    if (this.#outputMode !== undefined) command.output_mode = this.#outputMode;
    if (this.#queryName !== undefined) command.query_name = this.#queryName;
    const res = await this.#df.session.client.executeCommand({ write_stream_operation_start: command });
    const started = res.writeStreamStart;
    if (started === undefined) throw new PySparkAssertionError('The server sent no write_stream_operation_start_result.');
    return new StreamingQuery(this.#df.session, started.query_id?.id ?? '', started.query_id?.run_id ?? '', started.name);
  }
}

/** `value` when it is a non-empty string; PySpark's VALUE_NOT_NON_EMPTY_STR naming `argName` otherwise. */
function nonEmpty(argName: string, value: string): string {
  if (typeof value === 'string' && value.trim() !== '') return value;
  throw new PySparkValueError(`[VALUE_NOT_NON_EMPTY_STR] Value for \`${argName}\` must be a non-empty string.`, {
    errorClass: 'VALUE_NOT_NON_EMPTY_STR',
    messageParameters: { arg_name: argName, arg_value: String(value) },
  });
}

function notSupported(method: string): PySparkNotImplementedError {
  return new PySparkNotImplementedError(`[NOT_IMPLEMENTED] ${method}() is not implemented by this client: Kindling runs no user code on the server.`, {
    errorClass: 'NOT_IMPLEMENTED',
    messageParameters: { feature: method },
  });
}
