import { describe, expect, it } from 'vitest';
import { T } from '../../../engine/types/data-type.js';
import { ansi, bool, call, dbl, errorOf, evalConst, evalRows, evalVector, int, legacy, lit, long, str, table } from './support.js';

describe('arithmetic', () => {
  it('computes over values and keeps const inputs const', () => {
    const { batch, ref } = table({ a: [T.integer, [1, null, 3]] });
    expect(evalRows(call('+', [ref('a'), int(10)]), batch)).toEqual([11, null, 13]);
    expect(evalRows(call('*', [ref('a'), ref('a')]), batch)).toEqual([1, null, 9]);
    expect(evalVector(call('-', [int(5), int(2)]), batch)).toEqual({ kind: 'const', value: 3 });
  });

  it('widens numerics as Spark: tinyint + smallint = smallint, int + float = double, long + float = double', () => {
    expect(call('+', [lit(1, T.byte), lit(1, T.short)]).type).toEqual(T.short);
    expect(call('+', [int(1), lit(1.5, T.float)]).type).toEqual(T.double);
    expect(call('+', [long(1), lit(1.5, T.float)]).type).toEqual(T.double);
    expect(call('+', [int(1), long(1)]).type).toEqual(T.long);
  });

  it("promotes a string operand to bigint against an integral (typeof('1' + 1) = bigint)", () => {
    const e = call('+', [str('1'), int(1)]);
    expect(e.type).toEqual(T.long);
    expect(evalConst(e)).toBe(2);
    expect(errorOf(() => evalConst(call('+', [str('a'), int(1)]))).message).toBe(
      `[CAST_INVALID_INPUT] The value 'a' of the type "STRING" cannot be cast to "BIGINT" because it is malformed. Correct the value as per the syntax, or change its target type. Use \`try_cast\` to tolerate malformed input and return NULL instead. SQLSTATE: 22018`,
    );
  });

  it('reports incompatible and wrong operand types with Spark messages', () => {
    expect(errorOf(() => call('+', [int(1), bool(true)])).message).toBe(
      '[DATATYPE_MISMATCH.BINARY_OP_DIFF_TYPES] Cannot resolve "(1 + true)" due to data type mismatch: the left and right operands of the binary operator have incompatible types ("INT" and "BOOLEAN"). SQLSTATE: 42K09',
    );
    expect(errorOf(() => call('+', [bool(true), bool(true)])).message).toBe(
      '[DATATYPE_MISMATCH.BINARY_OP_WRONG_TYPE] Cannot resolve "(true + true)" due to data type mismatch: the binary operator requires the input type ("NUMERIC" or "INTERVAL DAY TO SECOND" or "INTERVAL YEAR TO MONTH" or "INTERVAL"), not "BOOLEAN". SQLSTATE: 42K09',
    );
  });

  it('raises ARITHMETIC_OVERFLOW under ANSI and wraps like Java otherwise', () => {
    const e = call('+', [int(2147483647), int(1)]);
    const err = errorOf(() => evalConst(e));
    expect(err.message).toBe(
      `[ARITHMETIC_OVERFLOW] overflow. Use 'try_add' to tolerate overflow and return NULL instead. If necessary set "spark.sql.ansi.enabled" to "false" to bypass this error. SQLSTATE: 22003`,
    );
    expect(err.sparkClasses?.[0]).toBe('org.apache.spark.SparkArithmeticException');
    expect(evalConst(e, legacy)).toBe(-2147483648);
    expect(() => evalConst(call('+', [long(9223372036854775807), long(1)]))).toThrow(/ARITHMETIC_OVERFLOW/);
    expect(evalConst(call('*', [long(3037000499), long(3037000499)]))).toBe(9223372030926249001);
  });

  it('divides as double; division by zero is DIVIDE_BY_ZERO (ANSI) or NULL', () => {
    expect(call('/', [int(7), int(2)]).type).toEqual(T.double);
    expect(evalConst(call('/', [int(7), int(2)]))).toBe(3.5);
    const err = errorOf(() => evalConst(call('/', [int(1), int(0)])));
    expect(err.errorClass).toBe('DIVIDE_BY_ZERO');
    expect(err.sparkClasses?.[0]).toBe('org.apache.spark.SparkArithmeticException');
    expect(evalConst(call('/', [int(1), int(0)]), legacy)).toBeNull();
  });

  it('% follows Java (sign of the dividend); by zero is REMAINDER_BY_ZERO', () => {
    expect(evalConst(call('%', [int(-7), int(3)]))).toBe(-1);
    expect(evalConst(call('%', [dbl(-7.5), int(2)]))).toBe(-1.5);
    expect(errorOf(() => evalConst(call('%', [int(1), int(0)]))).errorClass).toBe('REMAINDER_BY_ZERO');
    expect(evalConst(call('%', [int(1), int(0)]), legacy)).toBeNull();
  });

  it('div is bigint integral division', () => {
    const e = call('div', [int(7), int(2)]);
    expect(e.type).toEqual(T.long);
    expect(evalConst(e)).toBe(3);
    expect(evalConst(call('div', [int(-7), int(2)]))).toBe(-3);
    expect(() => evalConst(call('div', [int(5), int(0)]))).toThrow(/DIVIDE_BY_ZERO/);
  });

  it('negative, positive and bitwise operators', () => {
    expect(evalConst(call('negative', [int(5)]))).toBe(-5);
    expect(Object.is(evalConst(call('negative', [int(0)])), 0)).toBe(true);
    expect(evalConst(call('negative', [str('1.5')]))).toBe(-1.5);
    expect(() => evalConst(call('negative', [int(-2147483648)]))).toThrow(/ARITHMETIC_OVERFLOW/);
    expect(evalConst(call('positive', [int(5)]))).toBe(5);
    expect(evalConst(call('&', [int(6), int(3)]))).toBe(2);
    expect(evalConst(call('|', [int(6), int(3)]))).toBe(7);
    expect(evalConst(call('^', [int(6), int(3)]))).toBe(5);
    expect(evalConst(call('~', [int(0)]))).toBe(-1);
    expect(evalConst(call('&', [long(2 ** 40 + 1), long(2 ** 40 + 3)]))).toBe(2 ** 40 + 1);
  });

  it('date + days is date_add', () => {
    const e = call('+', [lit(10, T.date), int(5)]);
    expect(e.type).toEqual(T.date);
    expect(evalConst(e)).toBe(15);
    expect(evalConst(call('-', [lit(10, T.date), int(5)]))).toBe(5);
  });

  it('resolution is idempotent (aggregates re-resolve resolved arguments)', () => {
    const first = call('+', [str('1'), int(1)]);
    if (first.kind !== 'call') throw new Error('not a call');
    const again = call('+', first.args);
    expect(again).toEqual(first);
    expect(ansi.ansi).toBe(true);
  });
});
