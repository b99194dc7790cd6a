import { batchFromRows, type RecordBatch } from '../batch/record-batch.js';
import type { Schema } from '../types/schema.js';
import type { InputSplit, SplitReader } from './split.js';

/** Rows carried inline in the split (test sources, small driver-side inputs). */
export const rowsReader: SplitReader = {
  name: 'rows',
  read(split: InputSplit): Promise<RecordBatch[]> {
    const config = split.config as { schema: Schema; rows: unknown[][] };
    return Promise.resolve([batchFromRows(config.schema, config.rows)]);
  },
};

export function rowsSplit(schema: Schema, rows: unknown[][]): InputSplit {
  return { reader: 'rows', config: { schema, rows }, numRows: rows.length };
}
