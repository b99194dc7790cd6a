import { describe, expect, it } from 'vitest';
import { T } from '../../../engine/types/data-type.js';
import { roundDecimal } from '../../../engine/functions/builtin/math.js';
import { call, dbl, errorOf, evalConst, evalRows, int, lit, long, str, table, BATCH_US, ansi } from './support.js';

describe('rounding', () => {
  it('round is HALF_UP on the printed decimal digits, bround HALF_EVEN', () => {
    expect(evalConst(call('round', [dbl(2.5)]))).toBe(3);
    expect(evalConst(call('round', [dbl(-2.5)]))).toBe(-3);
    expect(evalConst(call('bround', [dbl(2.5)]))).toBe(2);
    expect(evalConst(call('round', [dbl(2.345), int(2)]))).toBe(2.35);
    expect(evalConst(call('round', [dbl(1.005), int(2)]))).toBe(1.01);
    expect(roundDecimal(1234.5678, -2, false)).toBe(1200);
  });

  it('keeps the input type; integral with a negative scale rounds to tens (round(15, -1) = 20)', () => {
    const e = call('round', [int(15), int(-1)]);
    expect(e.type).toEqual(T.integer);
    expect(evalConst(e)).toBe(20);
    expect(evalConst(call('round', [int(15), int(2)]))).toBe(15);
  });

  it('requires a constant scale', () => {
    const { ref } = table({ s: [T.integer, [1]] });
    expect(errorOf(() => call('round', [dbl(1), ref('s')])).errorClass).toBe('DATATYPE_MISMATCH.NON_FOLDABLE_INPUT');
  });

  it('ceil / floor return bigint', () => {
    const e = call('ceil', [dbl(1.2)]);
    expect(e.type).toEqual(T.long);
    expect(evalConst(e)).toBe(2);
    expect(evalConst(call('floor', [dbl(-1.2)]))).toBe(-2);
    expect(evalConst(call('ceiling', [int(5)]))).toBe(5);
  });
});

describe('math functions', () => {
  it('logarithms are NULL outside their domain; sqrt(-1) is NaN', () => {
    expect(evalConst(call('ln', [int(0)]))).toBeNull();
    expect(evalConst(call('log10', [int(100)]))).toBe(2);
    expect(evalConst(call('log2', [int(8)]))).toBe(3);
    expect(evalConst(call('log', [int(10), int(100)]))).toBe(2);
    expect(evalConst(call('log', [dbl(0)]))).toBeNull();
    expect(Number.isNaN(evalConst(call('sqrt', [int(-1)])))).toBe(true);
    expect(evalConst(call('exp', [int(0)]))).toBe(1);
  });

  it('pow / power / signum / abs', () => {
    expect(evalConst(call('pow', [int(2), int(3)]))).toBe(8);
    expect(evalConst(call('power', [int(2), int(-1)]))).toBe(0.5);
    expect(evalConst(call('signum', [int(-3)]))).toBe(-1);
    expect(call('signum', [int(-3)]).type).toEqual(T.double);
    expect(evalConst(call('abs', [int(-3)]))).toBe(3);
    expect(evalConst(call('abs', [str('-1.5')]))).toBe(1.5);
    expect(() => evalConst(call('abs', [int(-2147483648)]))).toThrow(/ARITHMETIC_OVERFLOW/);
    expect(errorOf(() => call('abs', [lit(true, T.boolean)])).message).toBe(
      '[DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE] Cannot resolve "abs(true)" due to data type mismatch: The first parameter requires the ("NUMERIC" or "INTERVAL DAY TO SECOND" or "INTERVAL YEAR TO MONTH") type, however "true" has the type "BOOLEAN". SQLSTATE: 42K09',
    );
  });

  it('greatest / least skip NULLs and coerce to a common type', () => {
    expect(evalConst(call('greatest', [int(1), lit(null, T.integer), int(3)]))).toBe(3);
    expect(evalConst(call('least', [int(4), long(2), int(3)]))).toBe(2);
    expect(call('least', [int(4), long(2)]).type).toEqual(T.long);
    expect(evalConst(call('greatest', [lit(null, T.integer), lit(null, T.integer)]))).toBeNull();
  });

  it('rand(seed) is in [0, 1) and replays within a batch', () => {
    const { batch } = table({ x: [T.integer, [1, 2, 3]] });
    const e = call('rand', [long(42)]);
    const a = evalRows(e, batch);
    expect(a.every((v) => typeof v === 'number' && v >= 0 && v < 1)).toBe(true);
    expect(evalRows(e, batch)).toEqual(a);
    expect(evalRows(e, batch, { ...ansi, batchTimestampUs: BATCH_US + 1000 })).not.toEqual(a);
  });
});
