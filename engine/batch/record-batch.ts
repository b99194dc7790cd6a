import { InternalError } from '../errors/errors.js';
import type { Schema } from '../types/schema.js';
import {
  concatVectors,
  materialize,
  sliceVector,
  takeVector,
  valueAt,
  valuesVector,
  type Vector,
} from './vector.js';

/** A batch of rows in columnar form: one vector per schema field, all `numRows` long. */
export interface RecordBatch {
  readonly schema: Schema;
  readonly numRows: number;
  readonly columns: readonly Vector[];
}

export type Row = unknown[];

export function recordBatch(schema: Schema, numRows: number, columns: readonly Vector[]): RecordBatch {
  if (columns.length !== schema.fields.length) {
    throw new InternalError(`batch has ${columns.length} columns for a schema of ${schema.fields.length}`);
  }
  return { schema, numRows, columns };
}

export function emptyBatch(schema: Schema): RecordBatch {
  return recordBatch(
    schema,
    0,
    schema.fields.map(() => valuesVector([])),
  );
}

export function batchFromRows(schema: Schema, rows: readonly (readonly unknown[])[]): RecordBatch {
  const columns = schema.fields.map((_, c) => valuesVector(rows.map((r) => r[c] ?? null)));
  return recordBatch(schema, rows.length, columns);
}

export function batchToRows(batch: RecordBatch): Row[] {
  const cols = batch.columns.map((v) => materialize(v, batch.numRows));
  const rows: Row[] = new Array<Row>(batch.numRows);
  for (let i = 0; i < batch.numRows; i++) {
    const row = new Array<unknown>(cols.length);
    for (let c = 0; c < cols.length; c++) row[c] = (cols[c] as readonly unknown[])[i];
    rows[i] = row;
  }
  return rows;
}

export function rowAt(batch: RecordBatch, i: number): Row {
  return batch.columns.map((v) => valueAt(v, i));
}

export function takeRows(batch: RecordBatch, indices: ArrayLike<number>): RecordBatch {
  return recordBatch(
    batch.schema,
    indices.length,
    batch.columns.map((v) => takeVector(v, indices)),
  );
}

export function sliceBatch(batch: RecordBatch, start: number, end: number): RecordBatch {
  const s = Math.max(0, Math.min(start, batch.numRows));
  const e = Math.max(s, Math.min(end, batch.numRows));
  if (s === 0 && e === batch.numRows) return batch;
  return recordBatch(
    batch.schema,
    e - s,
    batch.columns.map((v) => sliceVector(v, s, e)),
  );
}

/** Concatenates batches of the same schema (the first schema wins). */
export function concatBatches(schema: Schema, batches: readonly RecordBatch[]): RecordBatch {
  const nonEmpty = batches.filter((b) => b.numRows > 0);
  if (nonEmpty.length === 0) return emptyBatch(schema);
  if (nonEmpty.length === 1) {
    const only = nonEmpty[0] as RecordBatch;
    return only.schema === schema ? only : recordBatch(schema, only.numRows, only.columns);
  }
  const numRows = nonEmpty.reduce((n, b) => n + b.numRows, 0);
  const columns = schema.fields.map((_, c) =>
    concatVectors(nonEmpty.map((b) => ({ vector: b.columns[c] as Vector, numRows: b.numRows }))),
  );
  return recordBatch(schema, numRows, columns);
}

/** The same columns under another schema (renames, metadata changes). */
export function withSchema(batch: RecordBatch, schema: Schema): RecordBatch {
  return recordBatch(schema, batch.numRows, batch.columns);
}
