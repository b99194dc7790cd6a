import {
  makeData,
  type Binary,
  type Bool,
  type Data,
  type DataType as ArrowType,
  type Field,
  type List,
  type Map_,
  type Null,
  type Struct,
  type Utf8,
} from 'apache-arrow';
import { InternalError } from '../errors/errors.js';
import { assertNever, type DataType } from '../types/data-type.js';
import { materialize, type Vector } from '../batch/vector.js';

/**
 * Arrow column data built straight from our values: buffers are filled in one pass, without
 * apache-arrow's per-value builders (which dominate the cost of large result batches).
 */
export function buildColumn(type: DataType, arrowType: ArrowType, vector: Vector, length: number): Data {
  if (vector.kind === 'const' && typeof vector.value === 'string' && type.kind === 'string') {
    return repeatedUtf8(arrowType as Utf8, vector.value, length);
  }
  return buildData(type, arrowType, materialize(vector, length), length);
}

function buildData(type: DataType, arrowType: ArrowType, values: readonly unknown[], n: number): Data {
  switch (type.kind) {
    case 'null':
      return makeData({ type: arrowType as Null, length: n, nullCount: n });
    case 'boolean':
      return boolData(arrowType as Bool, values, n);
    case 'byte':
    case 'short':
    case 'integer':
    case 'date':
    case 'float':
    case 'double':
      return numeric(arrowType, values, n, new NUMERIC_ARRAYS[type.kind](n));
    case 'long':
    case 'timestamp':
    case 'timestamp_ntz':
      return int64Data(arrowType, values, n);
    case 'string':
      return varBinary(arrowType as Utf8, values, n, true);
    case 'binary':
      return varBinary(arrowType as Binary, values, n, false);
    case 'array':
      return listData(type.elementType, arrowType as List, values, n);
    case 'struct': {
      const { bitmap, nullCount } = validity(values, n);
      const fields = (arrowType as Struct).children;
      const children = type.fields.map((f, c) => {
        const child = new Array<unknown>(n);
        for (let i = 0; i < n; i++) {
          const row = values[i] as readonly unknown[] | null | undefined;
          child[i] = row === null || row === undefined ? null : row[c];
        }
        return buildData(f.type, (fields[c] as Field).type, child, n);
      });
      return makeData({ type: arrowType as Struct, length: n, nullCount, nullBitmap: bitmap, children });
    }
    case 'map':
      return mapData(type.keyType, type.valueType, arrowType as Map_, values, n);
    default:
      return assertNever(type);
  }
}

/** The validity bitmap (bit set = valid), or undefined when nothing is null. */
function validity(values: readonly unknown[], n: number): { bitmap: Uint8Array | undefined; nullCount: number } {
  let bitmap: Uint8Array | undefined;
  let nullCount = 0;
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (v === null || v === undefined) {
      bitmap ??= new Uint8Array((n + 7) >> 3).fill(0xff);
      bitmap[i >> 3] = (bitmap[i >> 3] as number) & ~(1 << (i & 7));
      nullCount++;
    }
  }
  return { bitmap, nullCount };
}

type NumericArray = Int8Array | Int16Array | Int32Array | Float32Array | Float64Array;

/** The Arrow data buffer each fixed-width numeric type is written into (date: days as int32). */
const NUMERIC_ARRAYS = {
  byte: Int8Array,
  short: Int16Array,
  integer: Int32Array,
  date: Int32Array,
  float: Float32Array,
  double: Float64Array,
} as const;

function numeric(arrowType: ArrowType, values: readonly unknown[], n: number, out: NumericArray): Data {
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (v !== null && v !== undefined) out[i] = v as number;
  }
  const { bitmap, nullCount } = validity(values, n);
  return makeData({ type: arrowType as never, length: n, nullCount, nullBitmap: bitmap, data: out as never });
}

function boolData(arrowType: Bool, values: readonly unknown[], n: number): Data {
  const bits = new Uint8Array((n + 7) >> 3);
  for (let i = 0; i < n; i++) if (values[i] === true) bits[i >> 3] = (bits[i >> 3] as number) | (1 << (i & 7));
  const { bitmap, nullCount } = validity(values, n);
  return makeData({ type: arrowType, length: n, nullCount, nullBitmap: bitmap, data: bits });
}

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
const TWO_32 = 4294967296;

/** int64 from JS numbers: split into two 32-bit words (BigInt per value is several times slower). */
function int64Data(arrowType: ArrowType, values: readonly unknown[], n: number): Data {
  const out = new BigInt64Array(n);
  const words = new Int32Array(out.buffer);
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (v === null || v === undefined) continue;
    if (typeof v === 'bigint') {
      out[i] = v;
    } else if (LITTLE_ENDIAN) {
      const x = Math.trunc(v as number);
      const hi = Math.floor(x / TWO_32);
      words[2 * i] = (x - hi * TWO_32) | 0;
      words[2 * i + 1] = hi;
    } else {
      out[i] = BigInt(Math.trunc(v as number));
    }
  }
  const { bitmap, nullCount } = validity(values, n);
  return makeData({ type: arrowType as never, length: n, nullCount, nullBitmap: bitmap, data: out as never });
}

const textEncoder = new TextEncoder();

/** utf8 / binary: offsets and bytes written directly; ASCII is copied without a TextEncoder call. */
function varBinary(arrowType: Utf8 | Binary, values: readonly unknown[], n: number, text: boolean): Data {
  const offsets = new Int32Array(n + 1);
  let buf = new Uint8Array(Math.max(64, n * 8));
  let pos = 0;
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (v === null || v === undefined) {
      offsets[i + 1] = pos;
      continue;
    }
    if (text) {
      const s = typeof v === 'string' ? v : String(v);
      const len = s.length;
      // A UTF-16 code unit never takes more than 3 UTF-8 bytes.
      if (pos + len * 3 > buf.length) buf = grow(buf, pos + len * 3);
      let j = 0;
      for (; j < len; j++) {
        const c = s.charCodeAt(j);
        if (c >= 0x80) break;
        buf[pos + j] = c;
      }
      pos += j === len ? len : textEncoder.encodeInto(s, buf.subarray(pos)).written;
    } else {
      const bytes = v as Uint8Array;
      if (pos + bytes.length > buf.length) buf = grow(buf, pos + bytes.length);
      buf.set(bytes, pos);
      pos += bytes.length;
    }
    offsets[i + 1] = pos;
  }
  const { bitmap, nullCount } = validity(values, n);
  return makeData({
    type: arrowType as Utf8,
    length: n,
    nullCount,
    nullBitmap: bitmap,
    valueOffsets: offsets,
    data: buf.subarray(0, pos),
  });
}

function grow(buf: Uint8Array, needed: number): Uint8Array<ArrayBuffer> {
  const next = new Uint8Array(Math.max(needed, buf.length * 2));
  next.set(buf);
  return next;
}

/** A constant string column: encoded once, its bytes repeated. */
function repeatedUtf8(arrowType: Utf8, value: string, n: number): Data {
  const one = textEncoder.encode(value);
  const data = new Uint8Array(one.length * n);
  const offsets = new Int32Array(n + 1);
  for (let i = 0; i < n; i++) {
    data.set(one, i * one.length);
    offsets[i + 1] = (i + 1) * one.length;
  }
  return makeData({ type: arrowType, length: n, nullCount: 0, valueOffsets: offsets, data });
}

function listData(elementType: DataType, arrowType: List, values: readonly unknown[], n: number): Data {
  const offsets = new Int32Array(n + 1);
  const flat: unknown[] = [];
  for (let i = 0; i < n; i++) {
    const items = values[i] as readonly unknown[] | null | undefined;
    if (items !== null && items !== undefined) for (const x of items) flat.push(x);
    offsets[i + 1] = flat.length;
  }
  const { bitmap, nullCount } = validity(values, n);
  const child = buildData(elementType, arrowType.valueType, flat, flat.length);
  return makeData({ type: arrowType, length: n, nullCount, nullBitmap: bitmap, valueOffsets: offsets, child });
}

function mapData(keyType: DataType, valueType: DataType, arrowType: Map_, values: readonly unknown[], n: number): Data {
  const offsets = new Int32Array(n + 1);
  const keys: unknown[] = [];
  const vals: unknown[] = [];
  for (let i = 0; i < n; i++) {
    const m = values[i];
    if (m !== null && m !== undefined) {
      for (const [k, v] of entriesOf(m)) {
        keys.push(k);
        vals.push(v);
      }
    }
    offsets[i + 1] = keys.length;
  }
  const entriesType = arrowType.children[0]?.type as Struct | undefined;
  const [keyField, valueField] = entriesType?.children ?? [];
  if (entriesType === undefined || keyField === undefined || valueField === undefined) {
    throw new InternalError('an Arrow map type without key and value fields');
  }
  const entries = makeData({
    type: entriesType,
    length: keys.length,
    nullCount: 0,
    children: [
      buildData(keyType, keyField.type, keys, keys.length),
      buildData(valueType, valueField.type, vals, vals.length),
    ],
  });
  const { bitmap, nullCount } = validity(values, n);
  return makeData({ type: arrowType, length: n, nullCount, nullBitmap: bitmap, valueOffsets: offsets, child: entries });
}

function entriesOf(m: unknown): Iterable<readonly [unknown, unknown]> {
  if (m instanceof Map) return m.entries() as Iterable<readonly [unknown, unknown]>;
  if (Array.isArray(m)) return m as readonly (readonly [unknown, unknown])[];
  return Object.entries(m as object);
}
