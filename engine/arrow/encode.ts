import { RecordBatch as ArrowRecordBatch, RecordBatchStreamWriter, Schema as ArrowSchema, Struct, makeData, type Field } from 'apache-arrow';
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
  // Arrow JS merges same-named fields when it builds a record batch (Schema.assign): build it under
  // positional names, then put the real (possibly duplicated, `SELECT n, n`) names back.
  const positional = new ArrowSchema(schema.fields.map((f, i) => f.clone({ name: `_${i}` })), schema.metadata);
  const data = makeData({ type: new Struct(positional.fields), length: batch.numRows, nullCount: 0, children });
  const arrowBatch = new ArrowRecordBatch(positional, data);
  (arrowBatch as { schema: ArrowSchema }).schema = schema;
  return RecordBatchStreamWriter.writeAll([arrowBatch]).toUint8Array(true);
}
