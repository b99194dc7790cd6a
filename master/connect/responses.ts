import { encodeArrowBatch } from '../../engine/arrow/index.js';
import { sliceBatch, type RecordBatch } from '../../engine/batch/record-batch.js';
import { encodeDataType } from '../../engine/connect/index.js';
import type { ResponseBody } from './operation.js';

export interface ChunkLimits {
  readonly maxRows: number;
  readonly maxBytes: number;
}

export const DEFAULT_CHUNK_LIMITS: ChunkLimits = Object.freeze({ maxRows: 8192, maxBytes: 4 * 1024 * 1024 });

/**
 * A query result as Spark Connect sends it: the `schema` message, then Arrow batches of at most
 * `maxRows` rows and about `maxBytes` each, every one an IPC stream with exactly one record batch
 * and its exact row count and start offset; at least one batch, empty when there are no rows.
 * Lazy: each batch is encoded when asked for, so a sender can pace a large result.
 */
export function* resultResponses(batch: RecordBatch, timeZone: string, limits: ChunkLimits = DEFAULT_CHUNK_LIMITS): Generator<ResponseBody> {
  yield { schema: encodeDataType(batch.schema) };
  let offset = 0;
  function* emit(slice: RecordBatch): Generator<ResponseBody> {
    const data = encodeArrowBatch(slice, timeZone);
    if (data.byteLength <= limits.maxBytes || slice.numRows <= 1) {
      yield { arrow_batch: { row_count: slice.numRows, data: Buffer.from(data.buffer, data.byteOffset, data.byteLength), start_offset: offset } };
      offset += slice.numRows;
      return;
    }
    const half = Math.ceil(slice.numRows / 2);
    yield* emit(sliceBatch(slice, 0, half));
    yield* emit(sliceBatch(slice, half, slice.numRows));
  }
  if (batch.numRows === 0) yield* emit(batch);
  for (let start = 0; start < batch.numRows; start += limits.maxRows) {
    yield* emit(sliceBatch(batch, start, Math.min(batch.numRows, start + limits.maxRows)));
  }
}

export const RESULT_COMPLETE: ResponseBody = Object.freeze({ result_complete: {} });
