import { describe, expect, it } from 'vitest';
import { T } from '../../../engine/types/data-type.js';
import { bool, call, dbl, errorOf, evalConst, evalRows, evalVector, int, lit, str, table } from './support.js';

describe('when (CASE WHEN)', () => {
  it('evaluates branch values only on the rows that take them', () => {
    const { batch, ref } = table({ x: [T.integer, [0, 2, null, 4]] });
    const e = call('when', [call('!=', [ref('x'), int(0)]), call('/', [int(1), ref('x')]), dbl(-1)]);
    expect(evalRows(e, batch)).toEqual([-1, 0.5, -1, 0.25]);
  });

  it('takes the first matching branch; no else gives NULL', () => {
    const { batch, ref } = table({ x: [T.integer, [1, 5, 10]] });
    const e = call('when', [call('>', [ref('x'), int(8)]), str('big'), call('>', [ref('x'), int(3)]), str('mid')]);
    expect(evalRows(e, batch)).toEqual([null, 'mid', 'big']);
    expect(e.kind === 'call' && e.nullable).toBe(true);
  });

  it('keeps constant results constant', () => {
    const { batch } = table({ x: [T.integer, [1, 2]] });
    expect(evalVector(call('when', [bool(true), int(1), int(0)]), batch)).toEqual({ kind: 'const', value: 1 });
    expect(evalVector(call('when', [bool(false), int(1), int(0)]), batch)).toEqual({ kind: 'const', value: 0 });
  });

  it('coerces values to their wider type (CASE WHEN true THEN 1 ELSE a END is bigint)', () => {
    expect(call('when', [bool(true), int(1), str('a')]).type).toEqual(T.long);
    expect(errorOf(() => call('when', [bool(true), int(1), lit(0, T.date)])).errorClass).toBe('DATATYPE_MISMATCH.DATA_DIFF_TYPES');
    expect(errorOf(() => call('when', [int(1), int(1)])).message).toContain('The first parameter requires the "BOOLEAN" type');
  });
});

describe('coalesce, if, nvl, nvl2, nullif, nanvl', () => {
  it('coalesce evaluates later arguments only where earlier ones are NULL', () => {
    const { batch, ref } = table({ a: [T.integer, [1, null, null]], b: [T.integer, [0, 0, 2]] });
    const e = call('coalesce', [ref('a'), call('/', [int(10), ref('b')]), dbl(7)]);
    expect(() => evalRows(e, batch)).toThrow(/DIVIDE_BY_ZERO/);
    const safe = call('coalesce', [ref('a'), call('/', [int(10), call('nullif', [ref('b'), int(0)])]), dbl(7)]);
    expect(evalRows(safe, batch)).toEqual([1, 7, 5]);
    expect(call('coalesce', [int(1), str('a')]).type).toEqual(T.long);
  });

  it('if takes the else branch for NULL conditions and is lazy', () => {
    const { batch, ref } = table({ x: [T.integer, [0, 4, null]] });
    const e = call('if', [call('>', [ref('x'), int(0)]), call('/', [int(8), ref('x')]), dbl(0)]);
    expect(evalRows(e, batch)).toEqual([0, 2, 0]);
  });

  it('nvl / ifnull / nvl2 / nullif / nanvl', () => {
    expect(evalConst(call('nvl', [lit(null, T.integer), int(3)]))).toBe(3);
    expect(evalConst(call('ifnull', [int(1), int(3)]))).toBe(1);
    expect(evalConst(call('nvl2', [int(1), str('y'), str('n')]))).toBe('y');
    expect(evalConst(call('nvl2', [lit(null, T.integer), str('y'), str('n')]))).toBe('n');
    expect(evalConst(call('nullif', [int(1), int(1)]))).toBeNull();
    expect(evalConst(call('nullif', [int(1), int(2)]))).toBe(1);
    expect(evalConst(call('nanvl', [dbl(NaN), dbl(1)]))).toBe(1);
    expect(evalConst(call('nanvl', [dbl(2), lit(null, T.double)]))).toBe(2);
  });
});
