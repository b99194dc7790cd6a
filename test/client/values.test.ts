import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { T, WINDOW_TYPE } from '../../engine/types/data-type.js';
import { Row, Timestamp } from '../../client/index.js';
import { inferSchema, rowOf, toEngineValue } from '../../client/values.js';
import { parseProgressJson } from '../../client/streaming/progress-json.js';

describe('Row', () => {
  const schema = T.struct([T.field('window', WINDOW_TYPE), T.field('word', T.string), T.field('count', T.long), T.field('get', T.string)]);
  const row = rowOf(schema, [[1_700_000_000_000_000, 1_700_000_060_000_001], 'cat', 3, 'x']);

  it('gives fields by name and by index; structs are Rows; timestamps keep microseconds', () => {
    expect(row['word']).toBe('cat');
    expect(row[1]).toBe('cat');
    expect(row.get('count')).toBe(3);
    expect(row.get(2)).toBe(3);
    const w = row['window'] as Row;
    expect(w).toBeInstanceOf(Row);
    expect((w['end'] as Timestamp).micros).toBe(1_700_000_060_000_001);
    expect((w['end'] as Timestamp).toISOString()).toBe('2023-11-14T22:14:20.000001Z');
    expect((w['start'] as Timestamp).toDate().getTime()).toBe(1_700_000_000_000);
    expect(row.length).toBe(4);
  });

  it('keeps method names usable: a field named like a method is reached with get()', () => {
    expect(typeof row.get).toBe('function');
    expect(row.get('get')).toBe('x');
  });

  it('asDict (flat and recursive), iteration, JSON', () => {
    expect(Object.keys(row.asDict())).toEqual(['window', 'word', 'count', 'get']);
    const deep = row.asDict(true);
    expect(deep['window']).toEqual({ start: new Timestamp(1_700_000_000_000_000), end: new Timestamp(1_700_000_060_000_001) });
    expect([...Row.of({ a: 1, b: 2 })]).toEqual([1, 2]);
    expect(JSON.parse(JSON.stringify(Row.of({ t: new Timestamp(1_000_001) })))).toEqual({ t: '1970-01-01T00:00:01.000001Z' });
    expect(String(Row.of({ a: 1, b: 'x' }))).toBe("Row(a=1, b='x')");
  });
});

describe('Row field order', () => {
  const schema = T.struct([T.field('z', T.long), T.field('a', T.string), T.field('m', T.boolean), T.field('cats per minute', T.long)]);
  const row = rowOf(schema, [1, 'x', true, 7]);

  it('enumerates fields in schema order: Object.keys, spread, entries, JSON, inspect', () => {
    const order = ['z', 'a', 'm', 'cats per minute'];
    expect(Object.keys(row)).toEqual(order);
    expect(Object.keys({ ...row })).toEqual(order);
    expect(Object.entries(row)).toEqual([['z', 1], ['a', 'x'], ['m', true], ['cats per minute', 7]]);
    expect(Object.keys(JSON.parse(JSON.stringify(row)) as object)).toEqual(order);
    expect(inspect(row)).toBe("Row { z: 1, a: 'x', m: true, 'cats per minute': 7 }");
  });

  it('gives a duplicated name its first field everywhere; the others by position', () => {
    const dup = new Row(['a', 'b', 'a'], [1, 2, 3]);
    expect(Object.keys(dup)).toEqual(['a', 'b']);
    expect(dup['a']).toBe(1);
    expect(dup.get('a')).toBe(1);
    expect(dup.asDict()).toEqual({ a: 1, b: 2 });
    expect(JSON.stringify(dup)).toBe('{"a":1,"b":2}');
    expect(dup[2]).toBe(3);
    expect(dup.toArray()).toEqual([1, 2, 3]);
    expect(dup.fieldNames()).toEqual(['a', 'b', 'a']);
  });
});

describe('Timestamp', () => {
  const ts = new Timestamp(1_700_000_060_123_456);

  it('is a Date that keeps microseconds', () => {
    expect(ts).toBeInstanceOf(Date);
    expect(ts.getTime()).toBe(1_700_000_060_123);
    expect(ts.getUTCMilliseconds()).toBe(123);
    expect(ts.micros).toBe(1_700_000_060_123_456);
    expect(new Date(ts).getTime()).toBe(1_700_000_060_123);
    expect(ts.toDate()).not.toBeInstanceOf(Timestamp);
  });

  it('prints readably with six fraction digits', () => {
    const text = '2023-11-14T22:14:20.123456Z';
    expect(inspect(ts)).toBe(text);
    expect(inspect({ t: ts })).toBe(`{ t: ${text} }`);
    expect(String(ts)).toBe(text);
    expect(`${ts}`).toBe(text);
    expect(JSON.stringify({ t: ts })).toBe(`{"t":"${text}"}`);
    expect(new Timestamp(-1).toISOString()).toBe('1969-12-31T23:59:59.999999Z');
    expect(new Timestamp(253_402_300_800_000_000).toISOString()).toBe('+010000-01-01T00:00:00.000000Z');
    expect(inspect(new Timestamp(Number.NaN))).toBe('Invalid Date');
  });

  it('orders by microseconds and parses its own text back', () => {
    const next = new Timestamp(ts.micros + 1);
    expect(next > ts).toBe(true);
    expect(next.getTime()).toBe(ts.getTime());
    expect(Timestamp.fromISOString(ts.toISOString()).micros).toBe(ts.micros);
    expect(Timestamp.fromISOString('2023-11-14T22:14:20.123456').equals(ts)).toBe(true);
    expect(Timestamp.fromDate(ts).micros).toBe(ts.micros);
    expect(Timestamp.fromDate(new Date(5)).micros).toBe(5000);
  });

  it('keeps the microseconds past the millisecond when a Date setter moves the time', () => {
    const t = new Timestamp(1_000_000_007);
    t.setTime(2000);
    expect(t.micros).toBe(2_000_007);
  });
});

describe('createDataFrame values', () => {
  it('infers PySpark types: integers long, fractions double, Date/Timestamp timestamp, objects struct', () => {
    const schema = inferSchema([{ n: 1, x: 1.5, s: 'a', t: new Date(0), b: true, o: { k: 1 } }], undefined);
    expect(schema).toEqual(
      T.struct([
        T.field('n', T.long),
        T.field('x', T.double),
        T.field('s', T.string),
        T.field('t', T.timestamp),
        T.field('b', T.boolean),
        T.field('o', T.struct([T.field('k', T.long)])),
      ]),
    );
    expect(inferSchema([[1, 'a']], ['id', 'name']).fields.map((f) => f.name)).toEqual(['id', 'name']);
    expect(() => inferSchema([[null]], ['x'])).toThrow(/CANNOT_DETERMINE_TYPE/);
  });

  it('converts user values to the engine representation', () => {
    const schema = T.struct([T.field('t', T.timestamp), T.field('d', T.date), T.field('r', T.struct([T.field('a', T.long)]))]);
    expect(toEngineValue({ t: new Timestamp(5), d: '1970-01-03', r: Row.of({ a: 2 }) }, schema)).toEqual([5, 2, [2]]);
    expect(toEngineValue([new Date(1), new Date(86_400_000), [7]], schema)).toEqual([1000, 1, [7]]);
    expect(toEngineValue([new Timestamp(86_400_000_001), new Timestamp(86_400_000_001), [7]], schema)).toEqual([86_400_000_001, 1, [7]]);
    expect(inferSchema([{ t: new Timestamp(1) }], undefined).fields[0]?.type).toEqual(T.timestamp);
  });
});

describe('progress JSON', () => {
  it('accepts the bare NaN and Infinity Jackson writes, but not inside strings', () => {
    const p = parseProgressJson('{"inputRowsPerSecond": NaN, "x": -Infinity, "d": "NaN rows", "n": [Infinity, 1]}');
    expect(p['inputRowsPerSecond']).toBeNaN();
    expect(p['x']).toBe(Number.NEGATIVE_INFINITY);
    expect(p['d']).toBe('NaN rows');
    expect(p['n']).toEqual([Number.POSITIVE_INFINITY, 1]);
  });
});
