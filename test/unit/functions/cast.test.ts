import { describe, expect, it } from 'vitest';
import { B } from '../../../engine/expr/bound-expr.js';
import { canCast, castValue } from '../../../engine/expr/cast.js';
import { formatDouble, formatFloat } from '../../../engine/expr/cast-format.js';
import { T, type DataType } from '../../../engine/types/data-type.js';
import { ansi, errorOf, evalConst, evalVector, lit, table } from './support.js';

const cast = (value: unknown, from: DataType, to: DataType, mode: 'ansi' | 'try' | 'legacy' = 'ansi', timeZone = 'UTC') =>
  castValue(value, from, to, mode, { timeZone });

const TS_2020 = 1_577_872_800_000_000; // 2020-01-01 10:00:00 UTC

describe('casts to string', () => {
  it('print doubles and floats as Java does', () => {
    expect(formatDouble(1)).toBe('1.0');
    expect(formatDouble(1e10)).toBe('1.0E10');
    expect(formatDouble(1e-5)).toBe('1.0E-5');
    expect(formatDouble(100)).toBe('100.0');
    expect(formatDouble(1e7)).toBe('1.0E7');
    expect(formatDouble(0.001)).toBe('0.001');
    expect(formatDouble(1.5e-4)).toBe('1.5E-4');
    expect(formatDouble(NaN)).toBe('NaN');
    expect(formatDouble(-Infinity)).toBe('-Infinity');
    expect(formatDouble(-0)).toBe('-0.0');
    expect(formatFloat(Math.fround(0.1))).toBe('0.1');
    expect(cast(Math.fround(0.1), T.float, T.string)).toBe('0.1');
  });

  it('print structs, arrays and maps as Spark with null inside as null', () => {
    expect(cast([1, null], T.struct([T.field('a', T.integer), T.field('b', T.string)]), T.string)).toBe('{1, null}');
    expect(cast([1, null], T.array(T.integer), T.string)).toBe('[1, null]');
    expect(cast(new Map([['a', 1]]), T.map(T.string, T.integer), T.string)).toBe('{a -> 1}');
    expect(cast([[TS_2020, TS_2020 + 500_000]], T.array(T.struct([T.field('start', T.timestamp), T.field('end', T.timestamp)])), T.string)).toBe(
      '[{2020-01-01 10:00:00, 2020-01-01 10:00:00.5}]',
    );
  });

  it('print timestamps in the session time zone and dates as yyyy-MM-dd', () => {
    expect(cast(TS_2020 + 500_000, T.timestamp, T.string)).toBe('2020-01-01 10:00:00.5');
    expect(cast(TS_2020, T.timestamp, T.string, 'ansi', 'America/Los_Angeles')).toBe('2020-01-01 02:00:00');
    expect(cast(18262, T.date, T.string)).toBe('2020-01-01');
    expect(cast(true, T.boolean, T.string)).toBe('true');
  });
});

describe('casts from string', () => {
  it('parse integers strictly under ANSI (trimmed, no fraction) and leniently in legacy', () => {
    expect(cast(' 12 ', T.string, T.integer)).toBe(12);
    expect(cast('1.9', T.string, T.integer, 'legacy')).toBe(1);
    expect(cast('1.9', T.string, T.integer, 'try')).toBeNull();
    expect(cast('99999999999', T.string, T.integer, 'legacy')).toBeNull();
    expect(cast('9223372036854775807', T.string, T.long)).toBe(9223372036854775807);
    const err = errorOf(() => cast('1.9', T.string, T.integer));
    expect(err.message).toBe(
      `[CAST_INVALID_INPUT] The value '1.9' of the type "STRING" cannot be cast to "INT" because it is malformed. Correct the value as per the syntax, or change its target type. Use \`try_cast\` to tolerate malformed input and return NULL instead. SQLSTATE: 22018`,
    );
    expect(err.sparkClasses?.[0]).toBe('org.apache.spark.SparkNumberFormatException');
  });

  it('parse doubles with Java syntax and Spark special literals', () => {
    expect(cast('1e3', T.string, T.double)).toBe(1000);
    expect(cast('1.5d', T.string, T.double)).toBe(1.5);
    expect(cast('inf', T.string, T.double)).toBe(Infinity);
    expect(cast('-Infinity', T.string, T.double)).toBe(-Infinity);
    expect(Number.isNaN(cast('NaN', T.string, T.double))).toBe(true);
    expect(cast('x', T.string, T.double, 'try')).toBeNull();
  });

  it('parse booleans from t/true/y/yes/1 and f/false/n/no/0', () => {
    expect(cast('YES', T.string, T.boolean)).toBe(true);
    expect(cast(' 0 ', T.string, T.boolean)).toBe(false);
    const err = errorOf(() => cast('x', T.string, T.boolean));
    expect(err.errorClass).toBe('CAST_INVALID_INPUT');
    expect(err.sparkClasses?.[0]).toBe('org.apache.spark.SparkRuntimeException');
  });

  it('parse dates and timestamps in the session time zone', () => {
    expect(cast('2020-01-01', T.string, T.date)).toBe(18262);
    expect(cast('2020-01-01 10:00', T.string, T.timestamp)).toBe(TS_2020);
    expect(cast('2020-01-01 02:00:00', T.string, T.timestamp, 'ansi', 'America/Los_Angeles')).toBe(TS_2020);
    const err = errorOf(() => cast('2020-13-01', T.string, T.date));
    expect(err.errorClass).toBe('CAST_INVALID_INPUT');
    expect(err.sparkClasses?.[0]).toBe('org.apache.spark.SparkDateTimeException');
  });
});

describe('numeric and datetime casts', () => {
  it('check overflow under ANSI, wrap or saturate like Java in legacy', () => {
    expect(errorOf(() => cast(2147483648, T.long, T.integer)).message).toBe(
      '[CAST_OVERFLOW] The value 2147483648L of the type "BIGINT" cannot be cast to "INT" due to an overflow. Use `try_cast` to tolerate overflow and return NULL instead. SQLSTATE: 22003',
    );
    expect(errorOf(() => cast(1e10, T.double, T.integer)).message).toContain('The value 1.0E10D of the type "DOUBLE"');
    expect(cast(2147483648, T.long, T.integer, 'legacy')).toBe(-2147483648);
    expect(cast(1e10, T.double, T.integer, 'legacy')).toBe(2147483647);
    expect(cast(300, T.integer, T.byte, 'legacy')).toBe(44);
    expect(cast(300, T.integer, T.byte, 'try')).toBeNull();
    expect(cast(-1.9, T.double, T.integer)).toBe(-1);
    expect(cast(true, T.boolean, T.integer)).toBe(1);
    expect(cast(0.5, T.double, T.boolean)).toBe(true);
  });

  it('timestamp <-> numbers in seconds', () => {
    expect(cast(TS_2020, T.timestamp, T.long)).toBe(1577872800);
    expect(cast(-1, T.timestamp, T.long)).toBe(-1);
    expect(cast(TS_2020 + 500_000, T.timestamp, T.double)).toBe(1577872800.5);
    expect(cast(1700000000, T.integer, T.timestamp)).toBe(1_700_000_000_000_000);
    expect(cast(1.5, T.double, T.timestamp)).toBe(1_500_000);
  });

  it('date <-> timestamp at midnight in the session time zone', () => {
    expect(cast(18262, T.date, T.timestamp)).toBe(1_577_836_800_000_000);
    expect(cast(18262, T.date, T.timestamp, 'ansi', 'Asia/Tokyo')).toBe(1_577_836_800_000_000 - 9 * 3_600_000_000);
    expect(cast(TS_2020, T.timestamp, T.date)).toBe(18262);
    expect(cast(TS_2020, T.timestamp, T.date, 'ansi', 'Pacific/Kiritimati')).toBe(18263);
    expect(cast(TS_2020, T.timestamp, T.timestamp_ntz, 'ansi', 'Asia/Tokyo')).toBe(TS_2020 + 9 * 3_600_000_000);
    expect(cast(TS_2020 + 9 * 3_600_000_000, T.timestamp_ntz, T.timestamp, 'ansi', 'Asia/Tokyo')).toBe(TS_2020);
  });

  it('casts arrays and structs element-wise', () => {
    expect(cast(['1', '2'], T.array(T.string), T.array(T.integer))).toEqual([1, 2]);
    expect(cast(['1', 'x'], T.array(T.string), T.array(T.integer), 'try')).toEqual([1, null]);
    expect(cast([1, 'a'], T.struct([T.field('a', T.integer), T.field('b', T.string)]), T.struct([T.field('x', T.long), T.field('y', T.string)]))).toEqual([1, 'a']);
  });
});

describe('canCast (Spark 4 ANSI table)', () => {
  const cases: [DataType, DataType, boolean][] = [
    [T.string, T.integer, true],
    [T.string, T.timestamp, true],
    [T.integer, T.timestamp, true],
    [T.integer, T.date, false],
    [T.date, T.integer, false],
    [T.date, T.timestamp, true],
    [T.timestamp, T.long, true],
    [T.timestamp, T.boolean, false],
    [T.boolean, T.integer, true],
    [T.array(T.integer), T.string, true],
    [T.string, T.array(T.integer), false],
    [T.array(T.string), T.array(T.integer), true],
    [T.struct([T.field('a', T.integer)]), T.struct([T.field('b', T.string)]), true],
    [T.struct([T.field('a', T.integer)]), T.struct([]), false],
    [T.null, T.array(T.integer), true],
    [T.binary, T.integer, false],
  ];
  it.each(cases)('%j -> %j is %s', (from, to, ok) => expect(canCast(from, to)).toBe(ok));
});

describe('cast expressions', () => {
  it('keep const vectors const and honour the mode', () => {
    const { batch, ref } = table({ s: [T.string, ['1', 'x', null]] });
    expect(evalVector(B.cast(lit('5', T.string), T.integer), batch)).toEqual({ kind: 'const', value: 5 });
    expect(() => evalVector(B.cast(ref('s'), T.integer, 'ansi'), batch)).toThrow(/CAST_INVALID_INPUT/);
    expect(evalVector(B.cast(ref('s'), T.integer, 'try'), batch)).toEqual({ kind: 'values', values: [1, null, null] });
    expect(evalConst(B.cast(lit(null, T.null), T.integer))).toBeNull();
    expect(ansi.timeZone).toBe('UTC');
  });
});
