import { RecordBatchReader, TimeUnit, Type, tableFromIPC, type Timestamp } from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { decodeArrowIpc } from '../../../engine/arrow/decode.js';
import { encodeArrowBatch } from '../../../engine/arrow/encode.js';
import { batchFromRows, batchToRows, emptyBatch, recordBatch } from '../../../engine/batch/record-batch.js';
import { constVector, valuesVector } from '../../../engine/batch/vector.js';
import { T, WINDOW_TYPE, typesEqual } from '../../../engine/types/data-type.js';
import { schemaOf } from '../../../engine/types/schema.js';

function recordBatchCount(bytes: Uint8Array): number {
  return [...RecordBatchReader.from(bytes)].length;
}

describe('encodeArrowBatch / decodeArrowIpc', () => {
  it('round-trips every atomic type, with nulls', () => {
    const schema = schemaOf([
      T.field('s', T.string),
      T.field('l', T.long),
      T.field('i', T.integer),
      T.field('sh', T.short),
      T.field('b', T.byte),
      T.field('d', T.double),
      T.field('f', T.float),
      T.field('bool', T.boolean),
      T.field('date', T.date),
      T.field('ts', T.timestamp),
      T.field('ntz', T.timestamp_ntz),
      T.field('bin', T.binary),
      T.field('nothing', T.null),
    ]);
    const rows = [
      ['héllo wörld ✓ 🐈', 9007199254740991, 2147483647, -32768, -128, 1.5, 0.25, true, 19723, 1_704_067_200_000_000, -1, new Uint8Array([1, 2, 3]), null],
      [null, null, null, null, null, null, null, null, null, null, null, null, null],
      ['', -9007199254740991, -2147483648, 32767, 127, -0, -2.5, false, -1, -1_000_001, 4_294_967_296, new Uint8Array([]), null],
      ['plain ascii', -4_294_967_297, 0, 0, 0, Number.NaN, 3, false, 0, 0, 1_700_000_000_123_456, new Uint8Array([255]), null],
    ];
    const bytes = encodeArrowBatch(batchFromRows(schema, rows), 'UTC');
    expect(recordBatchCount(bytes)).toBe(1);
    const back = decodeArrowIpc(bytes);
    expect(back.numRows).toBe(4);
    expect(back.schema.fields.map((f) => f.name)).toEqual(schema.fields.map((f) => f.name));
    back.schema.fields.forEach((f, i) => expect(typesEqual(f.type, (schema.fields[i] as (typeof schema.fields)[number]).type)).toBe(true));
    expect(batchToRows(back)).toEqual(rows);
  });

  it('round-trips arrays, maps and structs, nested and null', () => {
    const schema = schemaOf([
      T.field('words', T.array(T.string)),
      T.field('counts', T.map(T.string, T.long)),
      T.field('window', WINDOW_TYPE),
      T.field('nested', T.array(T.struct([T.field('a', T.integer), T.field('tags', T.array(T.string))]))),
    ]);
    const rows = [
      [['a', null, 'b'], new Map<unknown, unknown>([['x', 1], ['y', null]]), [1_000_000, 61_000_000], [[1, ['p']], null, [null, []]]],
      [null, null, null, null],
      [[], new Map(), [null, 5], []],
    ];
    const back = decodeArrowIpc(encodeArrowBatch(batchFromRows(schema, rows), 'UTC'));
    expect(batchToRows(back)).toEqual(rows);
    expect(typesEqual(back.schema, schema)).toBe(true);
  });

  it('writes timestamps as microseconds zoned with the session time zone, timestamp_ntz without zone', () => {
    const schema = schemaOf([T.field('window', WINDOW_TYPE), T.field('ts', T.timestamp), T.field('ntz', T.timestamp_ntz)]);
    const bytes = encodeArrowBatch(batchFromRows(schema, [[[0, 60_000_000], 5, 6]]), 'Europe/Berlin');
    const table = tableFromIPC(bytes);
    const window = table.schema.fields[0];
    expect(window?.type.typeId).toBe(Type.Struct);
    const start = window?.type.children[0]?.type as Timestamp;
    expect(start.unit).toBe(TimeUnit.MICROSECOND);
    expect(start.timezone).toBe('Europe/Berlin');
    expect((table.schema.fields[1]?.type as Timestamp).timezone).toBe('Europe/Berlin');
    expect((table.schema.fields[2]?.type as Timestamp).timezone).toBeNull();
    // The raw int64 is the microsecond count (apache-arrow's own get() would convert it to milliseconds).
    expect(table.getChild('ts')?.data[0]?.values[0]).toBe(5n);
  });

  it('keeps field nullability from the schema', () => {
    const schema = schemaOf([T.field('word', T.string, true), T.field('count', T.long, false)]);
    const table = tableFromIPC(encodeArrowBatch(batchFromRows(schema, [['a', 1]]), 'UTC'));
    expect(table.schema.fields.map((f) => f.nullable)).toEqual([true, false]);
  });

  it('expands const vectors', () => {
    const schema = schemaOf([
      T.field('word', T.string),
      T.field('n', T.long),
      T.field('window', WINDOW_TYPE),
      T.field('missing', T.string),
      T.field('flag', T.boolean),
    ]);
    const batch = recordBatch(schema, 3, [
      constVector('ünï'),
      valuesVector([1, 2, 3]),
      constVector([0, 10]),
      constVector(null),
      constVector(true),
    ]);
    const back = decodeArrowIpc(encodeArrowBatch(batch, 'UTC'));
    expect(batchToRows(back)).toEqual([
      ['ünï', 1, [0, 10], null, true],
      ['ünï', 2, [0, 10], null, true],
      ['ünï', 3, [0, 10], null, true],
    ]);
  });

  it('writes exactly one (empty) record batch for an empty batch', () => {
    const schema = schemaOf([T.field('show_string', T.string, false), T.field('window', WINDOW_TYPE)]);
    const bytes = encodeArrowBatch(emptyBatch(schema), 'UTC');
    expect(recordBatchCount(bytes)).toBe(1);
    expect([...RecordBatchReader.from(bytes)][0]?.numRows).toBe(0);
    const back = decodeArrowIpc(bytes);
    expect(back.numRows).toBe(0);
    expect(typesEqual(back.schema, schema)).toBe(true);
  });

  it('writes long strings and many rows (buffer growth)', () => {
    const schema = schemaOf([T.field('s', T.string)]);
    const rows = Array.from({ length: 5000 }, (_, i) => [i % 7 === 0 ? null : `${'ß'.repeat(i % 50)}-${i}-${'x'.repeat(i % 300)}`]);
    const back = decodeArrowIpc(encodeArrowBatch(batchFromRows(schema, rows), 'UTC'));
    expect(batchToRows(back)).toEqual(rows);
  });

  it('rejects bytes that are not an Arrow stream', () => {
    expect(() => decodeArrowIpc(new Uint8Array())).toThrow(/does not produce a schema/);
    expect(() => decodeArrowIpc(new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]))).toThrow();
  });
});
