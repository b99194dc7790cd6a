import { describe, expect, it } from 'vitest';
import { T } from '../../../engine/types/data-type.js';
import { BATCH_US, ansi, call, errorOf, evalConst, evalRows, evalVector, int, legacy, lit, str, table } from './support.js';

const TS = (iso: string): number => Date.parse(`${iso}Z`) * 1000;

describe('current time', () => {
  it('current_timestamp / now are the batch timestamp, as a const vector', () => {
    const { batch } = table({ x: [T.integer, [1, 2, 3]] });
    expect(evalVector(call('current_timestamp', []), batch)).toEqual({ kind: 'const', value: BATCH_US });
    expect(evalVector(call('now', []), batch)).toEqual({ kind: 'const', value: BATCH_US });
    expect(call('current_timestamp', []).type).toEqual(T.timestamp);
  });

  it('current_date is the batch day in the session time zone', () => {
    expect(evalConst(call('current_date', []))).toBe(19675);
    expect(evalConst(call('current_date', []), { ...ansi, timeZone: 'Pacific/Kiritimati' })).toBe(19676);
  });
});

describe('fields', () => {
  it('read local calendar fields in the session time zone', () => {
    const ts = lit(TS('2020-01-01T10:11:12.900'), T.timestamp);
    expect(evalConst(call('hour', [ts]))).toBe(10);
    expect(evalConst(call('hour', [ts]), { ...ansi, timeZone: 'Asia/Kolkata' })).toBe(15);
    expect(evalConst(call('minute', [ts]))).toBe(11);
    expect(evalConst(call('second', [ts]))).toBe(12);
    expect(evalConst(call('year', [ts]))).toBe(2020);
    expect(evalConst(call('month', [ts]))).toBe(1);
    expect(evalConst(call('dayofmonth', [str('2020-01-05')]))).toBe(5);
    expect(evalConst(call('day', [lit(18262, T.date)]))).toBe(1);
    expect(evalConst(call('dayofweek', [lit(18262, T.date)]))).toBe(4);
    expect(evalConst(call('dayofyear', [str('2020-12-31')]))).toBe(366);
    expect(evalConst(call('quarter', [str('2020-08-01')]))).toBe(3);
  });
});

describe('conversions', () => {
  it('timestamp_seconds / millis / micros and unix_* back', () => {
    expect(evalConst(call('timestamp_seconds', [int(1700000000)]))).toBe(1_700_000_000_000_000);
    expect(evalConst(call('timestamp_seconds', [lit(1.5, T.double)]))).toBe(1_500_000);
    expect(evalConst(call('timestamp_millis', [int(1500)]))).toBe(1_500_000);
    expect(evalConst(call('timestamp_micros', [int(7)]))).toBe(7);
    const ts = lit(1_500_000, T.timestamp);
    expect(evalConst(call('unix_millis', [ts]))).toBe(1500);
    expect(evalConst(call('unix_seconds', [ts]))).toBe(1);
    expect(evalConst(call('unix_micros', [ts]))).toBe(1_500_000);
  });

  it('to_timestamp without a format is a cast; with one it parses the pattern', () => {
    expect(evalConst(call('to_timestamp', [str('2020-01-02 03:04:05')]))).toBe(TS('2020-01-02T03:04:05'));
    expect(evalConst(call('to_timestamp', [str('2020-01-02 03:04'), str('yyyy-MM-dd HH:mm')]))).toBe(TS('2020-01-02T03:04'));
    expect(evalConst(call('to_timestamp', [str('02/01/2020 11:04:05.5 PM'), str('dd/MM/yyyy hh:mm:ss.S a')]))).toBe(TS('2020-01-02T23:04:05.500'));
    expect(errorOf(() => evalConst(call('to_timestamp', [str('xx')]))).errorClass).toBe('CAST_INVALID_INPUT');
    const err = errorOf(() => evalConst(call('to_timestamp', [str('xx'), str('yyyy')])));
    expect(err.message).toBe(
      "[CANNOT_PARSE_TIMESTAMP] Text 'xx' could not be parsed at index 0. Use `try_to_timestamp` to tolerate invalid input string and return NULL instead. SQLSTATE: 22007",
    );
    expect(err.sparkClasses?.[0]).toBe('org.apache.spark.SparkDateTimeException');
    expect(evalConst(call('to_timestamp', [str('2020-01-02 03'), str('yyyy-MM-dd')]), legacy)).toBeNull();
    expect(evalConst(call('to_timestamp', [str('2020-02-30'), str('yyyy-MM-dd')]), legacy)).toBeNull();
  });

  it('to_timestamp with a pattern reads the text in the session time zone', () => {
    const tokyo = { ...ansi, timeZone: 'Asia/Tokyo' };
    expect(evalConst(call('to_timestamp', [str('2020-01-02 09:00'), str('yyyy-MM-dd HH:mm')]), tokyo)).toBe(TS('2020-01-02T00:00'));
  });

  it('to_date, unix_timestamp, date_format', () => {
    expect(evalConst(call('to_date', [str('2020-01-02 10:00:00')]))).toBe(18263);
    expect(evalConst(call('to_date', [str('02.01.2020'), str('dd.MM.yyyy')]))).toBe(18263);
    expect(evalConst(call('unix_timestamp', [str('2020-01-01 00:00:00')]))).toBe(1577836800);
    expect(evalConst(call('unix_timestamp', []))).toBe(1_700_000_000);
    expect(evalConst(call('date_format', [lit(TS('2020-01-02T03:04:05.123'), T.timestamp), str('yyyy-MM-dd HH:mm:ss.SSS EEE a')]))).toBe(
      '2020-01-02 03:04:05.123 Thu AM',
    );
    expect(evalConst(call('date_format', [lit(TS('2020-07-02T15:04:05'), T.timestamp), str("EEEE, MMMM d ''yy 'at' h a")]))).toBe(
      "Thursday, July 2 '20 at 3 PM",
    );
  });
});

describe('date arithmetic', () => {
  it('date_add / date_sub / datediff', () => {
    const { batch, ref } = table({ d: [T.date, [18262, null]] });
    expect(evalRows(call('date_add', [ref('d'), int(1)]), batch)).toEqual([18263, null]);
    expect(evalRows(call('date_sub', [ref('d'), int(1)]), batch)).toEqual([18261, null]);
    expect(evalConst(call('date_add', [str('2020-01-01'), str('1')]))).toBe(18263);
    expect(evalConst(call('datediff', [lit(18271, T.date), lit(18262, T.date)]))).toBe(9);
    expect(evalConst(call('date_add', [lit(TS('2020-01-01T23:00'), T.timestamp), int(1)]))).toBe(18263);
  });
});
