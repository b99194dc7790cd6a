import { RecordBatch as ArrowRecordBatch, RecordBatchStreamWriter, Struct, makeData, type Field } from 'apache-arrow';
import type { RecordBatch } from '../batch/record-batch.js';
import { InternalError } from '../errors/errors.js';
import { toArrowSchema } from './arrow-types.js';
import { buildColumn } from './build-data.js';

/**
 * A batch as an Arrow IPC stream: the schema message and exactly one record batch (also for 0
 * rows, which Spark Connect clients need to see a table), as one ArrowBatch message carries.
 * Timestamps are zoned with `timeZone` (the session time zone), as Spark does.
 */
export function encodeArrowBatch(batch: RecordBatch, timeZone: string): Uint8Array {
  const schema = toArrowSchema(batch.schema, timeZone);
  const children = batch.schema.fields.map((f, c) => {
    const vector = batch.columns[c];
    const field = schema.fields[c] as Field | undefined;
    if (vector === undefined || field === undefined) throw new InternalError(`column ${c} is missing from the batch`);
    return buildColumn(f.type, field.type, vector, batch.numRows);
  });
  const data = makeData({ type: new Struct(schema.fields), length: batch.numRows, nullCount: 0, children });
  return RecordBatchStreamWriter.writeAll([new ArrowRecordBatch(schema, data)]).toUint8Array(true);
}
