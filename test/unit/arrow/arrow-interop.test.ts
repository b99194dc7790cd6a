import {
  Bool,
  DateDay,
  Dictionary,
  Field,
  Float64,
  Int32,
  Int64,
  LargeUtf8,
  List,
  RecordBatch,
  Schema,
  Struct,
  Table,
  TimeUnit,
  Timestamp,
  Utf8,
  makeData,
  tableToIPC,
  vectorFromArray,
  type Data,
} from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { decodeArrowIpc } from '../../../engine/arrow/decode.js';
import { batchToRows } from '../../../engine/batch/record-batch.js';
import { T, simpleString } from '../../../engine/types/data-type.js';

function int64Data(type: Int64 | Timestamp, values: readonly (bigint | null)[]): Data {
  const out = new BigInt64Array(values.length);
  const bitmap = new Uint8Array((values.length + 7) >> 3);
  let nullCount = 0;
  values.forEach((v, i) => {
    if (v === null) nullCount++;
    else {
      out[i] = v;
      bitmap[i >> 3] = (bitmap[i >> 3] as number) | (1 << (i & 7));
    }
  });
  return makeData({ type, length: values.length, nullCount, nullBitmap: bitmap, data: out } as never);
}

describe('decodeArrowIpc on streams written by apache-arrow (as pandas/pyarrow would)', () => {
  it('decodes int64, double, utf8, large_utf8, bool, date32, zoned ns / naive us timestamps, struct and list', () => {
    const tsNs = new Timestamp(TimeUnit.NANOSECOND, 'UTC');
    const tsUs = new Timestamp(TimeUnit.MICROSECOND);
    const point = new Struct([new Field('x', new Int64(), true), new Field('label', new Utf8(), true)]);
    const schema = new Schema([
      new Field('id', new Int64(), true),
      new Field('score', new Float64(), true),
      new Field('name', new Utf8(), true),
      new Field('big_name', new LargeUtf8(), true),
      new Field('ok', new Bool(), true),
      new Field('day', new DateDay(), true),
      new Field('at', tsNs, true),
      new Field('local', tsUs, true),
      new Field('point', point, true),
      new Field('tags', new List(new Field('item', new Utf8(), true)), true),
    ]);
    const children = [
      int64Data(new Int64(), [1n, null, -(2n ** 40n)]),
      vectorFromArray([1.5, null, -3], new Float64()).data[0],
      vectorFromArray(['cat', null, 'Dög 🐕'], new Utf8()).data[0],
      vectorFromArray(['x', 'y', null], new LargeUtf8()).data[0],
      vectorFromArray([true, false, null], new Bool()).data[0],
      vectorFromArray([19723, null, -1].map((d) => (d === null ? null : new Date(d * 86_400_000))), new DateDay()).data[0],
      // 2024-01-01T00:00:00.123456789Z and a pre-epoch instant: nanoseconds floor to microseconds.
      int64Data(tsNs, [1_704_067_200_123_456_789n, null, -1_500n]),
      int64Data(tsUs, [7n, 8n, null]),
      makeData({
        type: point,
        length: 3,
        nullCount: 1,
        nullBitmap: new Uint8Array([0b101]),
        children: [int64Data(new Int64(), [10n, null, 30n]), vectorFromArray(['a', null, null], new Utf8()).data[0] as Data],
      }),
      vectorFromArray([['p', 'q'], [], null], new List(new Field('item', new Utf8(), true))).data[0],
    ] as Data[];
    const data = makeData({ type: new Struct(schema.fields), length: 3, nullCount: 0, children });
    const bytes = tableToIPC(new Table([new RecordBatch(schema, data)]), 'stream');

    const batch = decodeArrowIpc(bytes);
    expect(batch.schema.fields.map((f) => `${f.name}:${simpleString(f.type)}`)).toEqual([
      'id:bigint',
      'score:double',
      'name:string',
      'big_name:string',
      'ok:boolean',
      'day:date',
      'at:timestamp',
      'local:timestamp_ntz',
      'point:struct<x:bigint,label:string>',
      'tags:array<string>',
    ]);
    expect(batchToRows(batch)).toEqual([
      [1, 1.5, 'cat', 'x', true, 19723, 1_704_067_200_123_456, 7, [10, 'a'], ['p', 'q']],
      [null, null, null, 'y', false, null, null, 8, null, []],
      [-(2 ** 40), -3, 'Dög 🐕', null, null, -1, -2, null, [30, null], null],
    ]);
  });

  it('concatenates all record batches of the stream', () => {
    const a = vectorFromArray([1, 2], new Int32());
    const b = vectorFromArray([3], new Int32());
    const schema = new Schema([new Field('n', new Int32(), true)]);
    const batches = [a, b].map(
      (v) => new RecordBatch(schema, makeData({ type: new Struct(schema.fields), length: v.length, nullCount: 0, children: [v.data[0] as Data] })),
    );
    const batch = decodeArrowIpc(tableToIPC(new Table(batches), 'stream'));
    expect(batch.numRows).toBe(3);
    expect(batchToRows(batch)).toEqual([[1], [2], [3]]);
    expect(batch.schema.fields[0]?.type).toEqual(T.integer);
  });

  it('decodes dictionary-encoded strings (pandas categoricals) to their values', () => {
    const dict = vectorFromArray(['b', 'a', null, 'b'], new Dictionary(new Utf8(), new Int32()));
    const schema = new Schema([new Field('cat', dict.type, true)]);
    const data = makeData({ type: new Struct(schema.fields), length: 4, nullCount: 0, children: [dict.data[0] as Data] });
    const batch = decodeArrowIpc(tableToIPC(new Table([new RecordBatch(schema, data)]), 'stream'));
    expect(batch.schema.fields[0]?.type).toEqual(T.string);
    expect(batchToRows(batch)).toEqual([['b'], ['a'], [null], ['b']]);
  });
});
