import { describe, expect, it } from 'vitest';
import { T } from '../../../engine/types/data-type.js';
import { B } from '../../../engine/expr/bound-expr.js';
import { compilePredicate } from '../../../engine/functions/predicate.js';
import { ansi, bool, call, dbl, errorOf, evalConst, evalRows, int, lit, str, table } from './support.js';

describe('comparisons', () => {
  it('are null-intolerant and compare by Spark ordering', () => {
    const { batch, ref } = table({ a: [T.integer, [1, 2, null]] });
    expect(evalRows(call('==', [ref('a'), int(2)]), batch)).toEqual([false, true, null]);
    expect(evalRows(call('<', [ref('a'), int(2)]), batch)).toEqual([true, false, null]);
    expect(evalRows(call('>=', [ref('a'), int(2)]), batch)).toEqual([false, true, null]);
    expect(evalRows(call('!=', [ref('a'), int(2)]), batch)).toEqual([true, false, null]);
  });

  it('treat NaN as equal to itself and greater than any number', () => {
    expect(evalConst(call('==', [dbl(NaN), dbl(NaN)]))).toBe(true);
    expect(evalConst(call('>', [dbl(NaN), dbl(1)]))).toBe(true);
    expect(evalConst(call('==', [dbl(-0), dbl(0)]))).toBe(true);
  });

  it("compare strings with numbers as bigint ('1' = 1 is true) and timestamps with strings as timestamps", () => {
    expect(evalConst(call('==', [str('1'), int(1)]))).toBe(true);
    expect(() => evalConst(call('<', [str('a'), int(1)]))).toThrow(/CAST_INVALID_INPUT/);
    const ts = lit(1_577_836_800_000_000, T.timestamp);
    expect(evalConst(call('>', [ts, str('2019-12-31')]))).toBe(true);
  });

  it('<=> is null-safe and never null', () => {
    const e = call('<=>', [lit(null, T.integer), lit(null, T.integer)]);
    expect(e.kind === 'call' && e.nullable).toBe(false);
    expect(evalConst(e)).toBe(true);
    expect(evalConst(call('<=>', [int(1), lit(null, T.integer)]))).toBe(false);
  });
});

describe('boolean logic', () => {
  it('is three-valued', () => {
    const n = lit(null, T.boolean);
    expect(evalConst(call('and', [n, bool(false)]))).toBe(false);
    expect(evalConst(call('and', [n, bool(true)]))).toBeNull();
    expect(evalConst(call('or', [n, bool(true)]))).toBe(true);
    expect(evalConst(call('or', [n, bool(false)]))).toBeNull();
    expect(evalConst(call('not', [n]))).toBeNull();
    expect(evalConst(call('not', [bool(true)]))).toBe(false);
  });

  it('and evaluates its right side only where the left is not false', () => {
    const { batch, ref } = table({ x: [T.integer, [0, 2, null, 4]] });
    const safe = call('and', [call('!=', [ref('x'), int(0)]), call('>', [call('/', [int(8), ref('x')]), int(2)])]);
    expect(evalRows(safe, batch)).toEqual([false, true, null, false]);
    const orSafe = call('or', [call('==', [ref('x'), int(0)]), call('>', [call('/', [int(8), ref('x')]), int(2)])]);
    expect(evalRows(orSafe, batch)).toEqual([true, true, null, false]);
  });

  it('rejects non-boolean operands', () => {
    expect(errorOf(() => call('and', [int(1), bool(true)])).errorClass).toBe('DATATYPE_MISMATCH.BINARY_OP_DIFF_TYPES');
    expect(errorOf(() => call('not', [int(1)])).message).toContain('The first parameter requires the "BOOLEAN" type, however "1" has the type "INT"');
  });
});

describe('null checks, in, between, isnan', () => {
  it('isnull / isnotnull are never null', () => {
    const { batch, ref } = table({ a: [T.string, ['x', null]] });
    expect(evalRows(call('isnull', [ref('a')]), batch)).toEqual([false, true]);
    expect(evalRows(call('isNotNull', [ref('a')]), batch)).toEqual([true, false]);
  });

  it('in: true on a match, NULL when unmatched with a NULL in the list', () => {
    const { batch, ref } = table({ a: [T.integer, [1, 3, null]] });
    expect(evalRows(call('in', [ref('a'), int(1), int(2)]), batch)).toEqual([true, false, null]);
    expect(evalRows(call('in', [ref('a'), lit(null, T.integer), int(1)]), batch)).toEqual([true, null, null]);
    expect(evalRows(call('in', [ref('a'), ref('a')]), batch)).toEqual([true, true, null]);
    expect(errorOf(() => call('in', [int(1), lit(0, T.date)])).errorClass).toBe('DATATYPE_MISMATCH.DATA_DIFF_TYPES');
  });

  it('between is inclusive', () => {
    const { batch, ref } = table({ a: [T.integer, [0, 1, 2, 3]] });
    expect(evalRows(call('between', [ref('a'), int(1), int(2)]), batch)).toEqual([false, true, true, false]);
  });

  it('isnan is false for NULL', () => {
    expect(evalConst(call('isnan', [dbl(NaN)]))).toBe(true);
    expect(evalConst(call('isnan', [lit(null, T.double)]))).toBe(false);
    expect(evalConst(call('isnan', [int(1)]))).toBe(false);
  });
});

describe('like, ilike, rlike', () => {
  it('match SQL patterns with % and _ and escapes', () => {
    const { batch, ref } = table({ s: [T.string, ['abc', 'a_c', 'xbc', 'a\nc', null]] });
    expect(evalRows(call('like', [ref('s'), str('a%')]), batch)).toEqual([true, true, false, true, null]);
    expect(evalRows(call('like', [ref('s'), str('a\\_c')]), batch)).toEqual([false, true, false, false, null]);
    expect(evalRows(call('like', [ref('s'), str('_bc')]), batch)).toEqual([true, false, true, false, null]);
    expect(evalRows(call('like', [ref('s'), str('%c')]), batch)).toEqual([true, true, true, true, null]);
    expect(evalConst(call('ilike', [str('ABC'), str('a%')]))).toBe(true);
  });

  it('give the same rows as a column and as a filter selection, for every kind of pattern', () => {
    const values = ['abc', 'ABC', 'zzmark1', 'zz', '', 'a%c', 'xabcx', 'bc', 'a_c', null, 'ab\nc'];
    const { batch, ref } = table({ s: [T.string, values] });
    // [function, pattern, expected column]
    const cases: [string, string, (boolean | null)[]][] = [
      ['like', 'abc', [true, false, false, false, false, false, false, false, false, null, false]],
      ['like', 'zz%', [false, false, true, true, false, false, false, false, false, null, false]],
      ['like', '%bc', [true, false, false, false, false, false, false, true, false, null, false]],
      ['like', '%bc%', [true, false, false, false, false, false, true, true, false, null, false]],
      ['like', '%', [true, true, true, true, true, true, true, true, true, null, true]],
      ['like', '', [false, false, false, false, true, false, false, false, false, null, false]],
      ['like', 'a\\%c', [false, false, false, false, false, true, false, false, false, null, false]],
      ['like', 'a_c', [true, false, false, false, false, true, false, false, true, null, false]],
      ['like', 'ab%c', [true, false, false, false, false, false, false, false, false, null, true]],
      ['ilike', 'abc', [true, true, false, false, false, false, false, false, false, null, false]],
      ['ilike', 'A%', [true, true, false, false, false, true, false, false, true, null, true]],
      ['ilike', '%C', [true, true, false, false, false, true, false, true, true, null, true]],
    ];
    for (const [fn, pattern, expected] of cases) {
      const e = call(fn, [ref('s'), str(pattern)]);
      expect(evalRows(e, batch), `${fn} '${pattern}'`).toEqual(expected);
      const rows = compilePredicate(e)(batch, ansi);
      const want = expected.flatMap((v, i) => (v === true ? [i] : []));
      expect(rows === 'all' ? values.map((_, i) => i) : rows, `${fn} '${pattern}' as a filter`).toEqual(want);
    }
    // A pattern by row: no selection of its own, the filter collects the true rows of the column.
    const byRow = table({ s: [T.string, ['abc', 'abc', null]], p: [T.string, ['a%', 'x%', 'a%']] });
    const e = call('like', [byRow.ref('s'), byRow.ref('p')]);
    expect(evalRows(e, byRow.batch)).toEqual([true, false, null]);
    expect(compilePredicate(e)(byRow.batch, ansi)).toEqual([0]);
    expect(compilePredicate(call('like', [str('abc'), str('a%')]))(byRow.batch, ansi)).toBe('all');
    expect(compilePredicate(call('like', [str('abc'), str('b%')]))(byRow.batch, ansi)).toEqual([]);
  });

  it('rlike finds a Java regex anywhere', () => {
    expect(evalConst(call('rlike', [str('abc'), str('b')]))).toBe(true);
    expect(evalConst(call('rlike', [str('abc'), str('^b')]))).toBe(false);
    expect(evalConst(call('rlike', [str('Abc'), str('(?i)^a')]))).toBe(true);
    expect(evalConst(call('regexp_like', [str('a1'), str('\\p{Alpha}\\d')]))).toBe(true);
    expect(B.lit(1, T.integer).kind).toBe('literal');
  });
});
