import { decodeArrowIpc } from '../../engine/arrow/decode.js';
import { batchToRows, type RecordBatch } from '../../engine/batch/record-batch.js';
import { decodeDataType } from '../../engine/connect/data-type-serde.js';
import type { StructType } from '../../engine/types/data-type.js';
import type { ExecutePlanResponse__Output } from '../../proto/generated/spark/connect/ExecutePlanResponse.js';
import type { StreamingQueryCommandResult__Output } from '../../proto/generated/spark/connect/StreamingQueryCommandResult.js';
import type { StreamingQueryManagerCommandResult__Output } from '../../proto/generated/spark/connect/StreamingQueryManagerCommandResult.js';
import type { WriteStreamOperationStartResult__Output } from '../../proto/generated/spark/connect/WriteStreamOperationStartResult.js';
import type { RelationMsg } from '../../engine/connect/wire-types.js';
import { PySparkAssertionError } from '../errors.js';
import type { Row } from '../row.js';
import { rowOf } from '../values.js';

/** Everything one ExecutePlan returned that the client uses. */
export interface ExecuteResult {
  /** The result schema from the `schema` message, when the server sent one. */
  readonly schema: StructType | undefined;
  readonly batches: readonly RecordBatch[];
  readonly sqlCommandResult: RelationMsg | undefined;
  readonly writeStreamStart: WriteStreamOperationStartResult__Output | undefined;
  readonly streamingQuery: StreamingQueryCommandResult__Output | undefined;
  readonly queryManager: StreamingQueryManagerCommandResult__Output | undefined;
}

/** Gathers the messages of one execution: Arrow batches (joining chunks), the schema, command results. */
export class ResultCollector {
  #schema: StructType | undefined;
  readonly #batches: RecordBatch[] = [];
  #chunks: Buffer[] = [];
  #sql: RelationMsg | undefined;
  #writeStreamStart: WriteStreamOperationStartResult__Output | undefined;
  #streamingQuery: StreamingQueryCommandResult__Output | undefined;
  #queryManager: StreamingQueryManagerCommandResult__Output | undefined;

  add(msg: ExecutePlanResponse__Output): void {
    if (msg.schema) {
      const t = decodeDataType(msg.schema);
      if (t.kind === 'struct') this.#schema = t;
    }
    switch (msg.response_type) {
      case 'arrow_batch':
        if (msg.arrow_batch) this.#addArrow(msg.arrow_batch);
        return;
      case 'sql_command_result':
        this.#sql = msg.sql_command_result?.relation ?? undefined;
        return;
      case 'write_stream_operation_start_result':
        this.#writeStreamStart = msg.write_stream_operation_start_result ?? undefined;
        return;
      case 'streaming_query_command_result':
        this.#streamingQuery = msg.streaming_query_command_result ?? undefined;
        return;
      case 'streaming_query_manager_command_result':
        this.#queryManager = msg.streaming_query_manager_command_result ?? undefined;
        return;
      default:
        return;
    }
  }

  #addArrow(batch: NonNullable<ExecutePlanResponse__Output['arrow_batch']>): void {
    const chunks = Number(batch.num_chunks_in_batch ?? 0);
    if (chunks > 1) {
      this.#chunks.push(batch.data);
      if (Number(batch.chunk_index ?? 0) < chunks - 1) return;
    }
    const data = chunks > 1 ? Buffer.concat(this.#chunks) : batch.data;
    this.#chunks = [];
    const decoded = decodeArrowIpc(data);
    const expected = Number(batch.row_count);
    if (decoded.numRows !== expected) {
      throw new PySparkAssertionError(`Expected ${expected} rows in arrow batch but got ${decoded.numRows}.`);
    }
    this.#batches.push(decoded);
  }

  finish(): ExecuteResult {
    return {
      schema: this.#schema,
      batches: this.#batches,
      sqlCommandResult: this.#sql,
      writeStreamStart: this.#writeStreamStart,
      streamingQuery: this.#streamingQuery,
      queryManager: this.#queryManager,
    };
  }
}

/** The result rows, typed by the response's schema when it matches the Arrow columns. */
export function resultRows(result: ExecuteResult): Row[] {
  const rows: Row[] = [];
  for (const batch of result.batches) {
    const schema =
      result.schema !== undefined && result.schema.fields.length === batch.schema.fields.length ? result.schema : batch.schema;
    for (const values of batchToRows(batch)) rows.push(rowOf(schema, values));
  }
  return rows;
}

/** The schema of a result: the `schema` message, else the first Arrow batch's. */
export function resultSchema(result: ExecuteResult): StructType | undefined {
  return result.schema ?? result.batches[0]?.schema;
}
