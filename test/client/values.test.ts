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
