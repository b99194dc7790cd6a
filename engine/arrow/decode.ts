import {
  DateUnit,
  Precision,
  TimeUnit,
  Type,
  Vector as ArrowVector,
  tableFromIPC,
  type Data,
  type DataType as ArrowType,
  type Date_,
  type Dictionary,
  type Field as ArrowField,
  type FixedSizeList,
  type Float,
  type Int,
  type Table,
  type Timestamp,
} from 'apache-arrow';
import { recordBatch, type RecordBatch } from '../batch/record-batch.js';
import { valuesVector } from '../batch/vector.js';
import { AnalysisError, NotSupportedError } from '../errors/errors.js';
import { T, type DataType } from '../types/data-type.js';
import { schemaOf } from '../types/schema.js';

/**
 * An Arrow IPC stream (e.g. LocalRelation data from `createDataFrame`) as one batch: all record
 * batches concatenated, int64 as numbers, timestamps as microseconds whatever their unit or zone,
 * dates as days, dictionaries decoded.
 */
export function decodeArrowIpc(bytes: Uint8Array): RecordBatch {
  if (bytes.length === 0) throw new AnalysisError('Input data for LocalRelation does not produce a schema.');
  let table: Table;
  try {
    table = tableFromIPC(bytes);
  } catch (e) {
    throw new AnalysisError(`The local relation data is not a valid Arrow IPC stream: ${(e as Error).message}`, { cause: e });
  }
  // A column's own data type, not its field's: Arrow JS merges same-named fields (`SELECT n, n`).
  const fields = table.schema.fields.map((f, c) => T.field(f.name, fromArrowType(table.batches[0]?.data.children[c]?.type ?? f.type), f.nullable));
  const columns = table.schema.fields.map((_, c) => {
    const out: unknown[] = [];
    for (const batch of table.batches) {
      const data = batch.data.children[c];
      if (data !== undefined) readInto(data, out);
    }
    return valuesVector(out);
  });
  return recordBatch(schemaOf(fields), table.numRows, columns);
}

/** The Spark type of an Arrow type, following Spark's reading of pandas/pyarrow data. */
export function fromArrowType(t: ArrowType): DataType {
  switch (t.typeId) {
    case Type.Null:
      return T.null;
    case Type.Bool:
      return T.boolean;
    case Type.Int: {
      const { bitWidth, isSigned } = t as Int;
      if (bitWidth === 8) return isSigned ? T.byte : T.short;
      if (bitWidth === 16) return isSigned ? T.short : T.integer;
      if (bitWidth === 32) return isSigned ? T.integer : T.long;
      return T.long;
    }
    case Type.Float:
      return (t as Float).precision === Precision.DOUBLE ? T.double : T.float;
    case Type.Utf8:
    case Type.LargeUtf8:
    case Type.Utf8View:
      return T.string;
    case Type.Binary:
    case Type.LargeBinary:
    case Type.FixedSizeBinary:
    case Type.BinaryView:
      return T.binary;
    case Type.Date:
      return T.date;
    case Type.Timestamp:
      return (t as Timestamp).timezone ? T.timestamp : T.timestamp_ntz;
    case Type.List:
    case Type.LargeList:
    case Type.FixedSizeList: {
      const child = t.children[0] as ArrowField;
      return T.array(fromArrowType(child.type), child.nullable);
    }
    case Type.Struct:
      return T.struct((t.children as ArrowField[]).map((f) => T.field(f.name, fromArrowType(f.type), f.nullable)));
    case Type.Map: {
      const [key, value] = (t.children[0] as ArrowField).type.children as ArrowField[];
      if (key === undefined || value === undefined) throw new AnalysisError('An Arrow map type needs key and value fields.');
      return T.map(fromArrowType(key.type), fromArrowType(value.type), value.nullable);
    }
    case Type.Dictionary:
      return fromArrowType((t as Dictionary).dictionary);
    default:
      throw new NotSupportedError(`Arrow type ${String(t)} is not supported by Kindling.`);
  }
}

const TWO_32 = 4294967296;

/** Appends the values of `data` (one chunk of a column) to `out`. */
function readInto(data: Data, out: unknown[]): void {
  const n = data.length;
  const t = data.type as ArrowType;
  const valid = validity(data);
  switch (t.typeId) {
    case Type.Null:
      for (let i = 0; i < n; i++) out.push(null);
      return;
    case Type.Bool: {
      const bits = data.values as Uint8Array;
      for (let i = 0; i < n; i++) {
        const bit = data.offset + i;
        out.push(valid(i) ? ((bits[bit >> 3] as number) & (1 << (bit & 7))) !== 0 : null);
      }
      return;
    }
    case Type.Int:
    case Type.Float: {
      if ((t as Float).precision === Precision.HALF) return readGeneric(data, out);
      const values = data.values as ArrayLike<number | bigint>;
      if (values instanceof BigInt64Array || values instanceof BigUint64Array) return readInt64(data, values, 1, out);
      for (let i = 0; i < n; i++) out.push(valid(i) ? values[i] : null);
      return;
    }
    case Type.Date: {
      const values = data.values as ArrayLike<number | bigint>;
      if ((t as Date_).unit === DateUnit.DAY) {
        for (let i = 0; i < n; i++) out.push(valid(i) ? Number(values[i]) : null);
        return;
      }
      const ms: unknown[] = [];
      if (values instanceof BigInt64Array) readInt64(data, values, 1, ms);
      else for (let i = 0; i < n; i++) ms.push(valid(i) ? Number(values[i]) : null);
      for (const v of ms) out.push(v === null ? null : Math.floor((v as number) / 86_400_000));
      return;
    }
    case Type.Timestamp:
      return readTimestamp(data, (t as Timestamp).unit, out);
    case Type.Utf8:
    case Type.LargeUtf8:
    case Type.Binary:
    case Type.LargeBinary:
      return readVarBinary(data, t.typeId === Type.Utf8 || t.typeId === Type.LargeUtf8, out);
    case Type.List:
    case Type.LargeList: {
      const offsets = data.valueOffsets as ArrayLike<number | bigint>;
      const child: unknown[] = [];
      const childData = data.children[0];
      if (childData !== undefined) readInto(childData, child);
      for (let i = 0; i < n; i++) {
        out.push(valid(i) ? child.slice(Number(offsets[i]), Number(offsets[i + 1])) : null);
      }
      return;
    }
    case Type.FixedSizeList: {
      const size = (t as FixedSizeList).listSize;
      const child: unknown[] = [];
      const childData = data.children[0];
      if (childData !== undefined) readInto(childData, child);
      for (let i = 0; i < n; i++) out.push(valid(i) ? child.slice(i * size, (i + 1) * size) : null);
      return;
    }
    case Type.Struct: {
      const children = data.children.map((d) => {
        const values: unknown[] = [];
        readInto(d, values);
        return values;
      });
      for (let i = 0; i < n; i++) out.push(valid(i) ? children.map((c) => c[i] ?? null) : null);
      return;
    }
    case Type.Map: {
      const offsets = data.valueOffsets as ArrayLike<number>;
      const entries = data.children[0];
      const keys: unknown[] = [];
      const values: unknown[] = [];
      if (entries !== undefined) {
        const [k, v] = entries.children;
        if (k !== undefined) readInto(k, keys);
        if (v !== undefined) readInto(v, values);
      }
      for (let i = 0; i < n; i++) {
        if (!valid(i)) {
          out.push(null);
          continue;
        }
        const m = new Map<unknown, unknown>();
        for (let j = offsets[i] as number; j < (offsets[i + 1] as number); j++) m.set(keys[j], values[j] ?? null);
        out.push(m);
      }
      return;
    }
    case Type.Dictionary: {
      const dictionary: unknown[] = [];
      const dict = (data as Data<Dictionary>).dictionary;
      if (dict !== undefined) for (const chunk of dict.data) readInto(chunk, dictionary);
      const indices = data.values as ArrayLike<number | bigint>;
      for (let i = 0; i < n; i++) out.push(valid(i) ? (dictionary[Number(indices[i])] ?? null) : null);
      return;
    }
    default:
      return readGeneric(data, out);
  }
}

/** A validity test for row i of `data` (bit offsets included); constant true when nothing is null. */
function validity(data: Data): (i: number) => boolean {
  const bitmap = data.nullBitmap as Uint8Array | undefined;
  if (data.typeId === Type.Null) return () => false;
  if (data.nullCount === 0 || bitmap === undefined || bitmap.length === 0) return () => true;
  const offset = data.offset;
  return (i) => {
    const bit = offset + i;
    return ((bitmap[bit >> 3] as number) & (1 << (bit & 7))) !== 0;
  };
}

/** Types without a direct path (views, fixed-size binary, half floats): through apache-arrow's accessors. */
function readGeneric(data: Data, out: unknown[]): void {
  const vector = new ArrowVector([data]);
  for (let i = 0; i < data.length; i++) {
    const v: unknown = vector.get(i);
    out.push(v === undefined ? null : v);
  }
}

/** int64 values as numbers via their two 32-bit words (exact up to 2^53). */
function readInt64(data: Data, values: BigInt64Array | BigUint64Array, scale: number, out: unknown[]): void {
  const n = data.length;
  const valid = validity(data);
  const signed = values instanceof BigInt64Array;
  const aligned = values.byteOffset % 4 === 0;
  const words = aligned ? new Int32Array(values.buffer, values.byteOffset, values.length * 2) : undefined;
  for (let i = 0; i < n; i++) {
    if (!valid(i)) {
      out.push(null);
      continue;
    }
    let v: number;
    if (words !== undefined) {
      const lo = (words[2 * i] as number) >>> 0;
      const hi = words[2 * i + 1] as number;
      v = (signed ? hi : hi >>> 0) * TWO_32 + lo;
    } else {
      v = Number(values[i]);
    }
    out.push(scale === 1 ? v : v * scale);
  }
}

function readTimestamp(data: Data, unit: TimeUnit, out: unknown[]): void {
  const values = data.values as BigInt64Array;
  switch (unit) {
    case TimeUnit.SECOND:
      return readInt64(data, values, 1_000_000, out);
    case TimeUnit.MILLISECOND:
      return readInt64(data, values, 1_000, out);
    case TimeUnit.MICROSECOND:
      return readInt64(data, values, 1, out);
    case TimeUnit.NANOSECOND: {
      // Exact floor division in BigInt: nanosecond epochs are beyond 2^53.
      const valid = validity(data);
      for (let i = 0; i < data.length; i++) {
        if (!valid(i)) {
          out.push(null);
          continue;
        }
        const ns = values[i] as bigint;
        let us = ns / 1000n;
        if (ns % 1000n < 0n) us -= 1n;
        out.push(Number(us));
      }
      return;
    }
    default:
      throw new NotSupportedError(`Arrow timestamp unit ${String(unit)} is not supported by Kindling.`);
  }
}

const textDecoder = new TextDecoder();

function readVarBinary(data: Data, text: boolean, out: unknown[]): void {
  const offsets = data.valueOffsets as ArrayLike<number | bigint>;
  const bytes = data.values as Uint8Array;
  const valid = validity(data);
  for (let i = 0; i < data.length; i++) {
    if (!valid(i)) {
      out.push(null);
      continue;
    }
    const start = Number(offsets[i]);
    const end = Number(offsets[i + 1]);
    out.push(text ? decodeUtf8(bytes, start, end) : bytes.slice(start, end));
  }
}

/** Short ASCII strings are built directly: a TextDecoder call per value costs more than the copy. */
function decodeUtf8(bytes: Uint8Array, start: number, end: number): string {
  if (end - start <= 64) {
    let s = '';
    for (let j = start; j < end; j++) {
      const c = bytes[j] as number;
      if (c >= 0x80) return textDecoder.decode(bytes.subarray(start, end));
      s += String.fromCharCode(c);
    }
    return s;
  }
  return textDecoder.decode(bytes.subarray(start, end));
}
