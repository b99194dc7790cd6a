import { describe, expect, it } from 'vitest';
import { T, type DataType } from '../../../engine/types/data-type.js';
import { bool, call, errorOf, evalConst, evalRows, int, legacy, lit, str, table } from './support.js';

const arr = (xs: unknown[], el: DataType = T.integer) => lit(xs, T.array(el));

describe('arrays', () => {
  it('array, size, array_contains', () => {
    expect(evalConst(call('array', [int(1), int(2)]))).toEqual([1, 2]);
    expect(call('array', [int(1), lit(1, T.long)]).type).toEqual(T.array(T.long, false));
    expect(evalConst(call('size', [arr([1, 2, 3])]))).toBe(3);
    expect(evalConst(call('size', [lit(null, T.array(T.integer))]))).toBeNull();
    expect(evalConst(call('array_contains', [arr([1, 2]), int(2)]))).toBe(true);
    expect(evalConst(call('array_contains', [arr([1, null]), int(2)]))).toBeNull();
    expect(evalConst(call('array_contains', [arr([1, 2]), int(3)]))).toBe(false);
  });

  it('element_at is 1-based, negative from the end, with Spark errors under ANSI', () => {
    expect(evalConst(call('element_at', [arr([1, 2]), int(-1)]))).toBe(2);
    expect(evalConst(call('element_at', [arr([1, 2]), int(1)]))).toBe(1);
    expect(errorOf(() => evalConst(call('element_at', [arr([1, 2]), int(3)]))).message).toBe(
      '[INVALID_ARRAY_INDEX_IN_ELEMENT_AT] The index 3 is out of bounds. The array has 2 elements. Use `try_element_at` to tolerate accessing element at invalid index and return NULL instead. SQLSTATE: 22003',
    );
    expect(evalConst(call('element_at', [arr([1, 2]), int(3)]), legacy)).toBeNull();
    expect(errorOf(() => evalConst(call('element_at', [arr([1, 2]), int(0)]))).errorClass).toBe('INVALID_INDEX_OF_ZERO');
    expect(evalConst(call('element_at', [lit(new Map([['k', 1]]), T.map(T.string, T.integer)), str('k')]))).toBe(1);
    expect(evalConst(call('get', [arr([1, 2]), int(5)]))).toBeNull();
  });

  it('array_join and sort_array', () => {
    expect(evalConst(call('array_join', [arr(['a', null, 'b'], T.string), str(',')]))).toBe('a,b');
    expect(evalConst(call('array_join', [arr(['a', null], T.string), str(','), str('N')]))).toBe('a,N');
    expect(evalConst(call('sort_array', [arr([3, null, 1])]))).toEqual([null, 1, 3]);
    expect(evalConst(call('sort_array', [arr([3, null, 1]), bool(false)]))).toEqual([3, 1, null]);
    expect(evalConst(call('sort_array', [arr(['b', 'a'], T.string)]))).toEqual(['a', 'b']);
  });
});

describe('structs and maps', () => {
  it('struct names fields after columns; named_struct after its literal names', () => {
    const { batch, ref } = table({ a: [T.integer, [1, 2]], s: [T.string, ['x', null]] });
    const e = call('struct', [ref('a'), ref('s'), int(7)]);
    expect(e.type).toEqual(T.struct([T.field('a', T.integer, true), T.field('s', T.string, true), T.field('col3', T.integer, false)]));
    expect(evalRows(e, batch)).toEqual([
      [1, 'x', 7],
      [2, null, 7],
    ]);
    const n = call('named_struct', [str('x'), ref('a'), str('y'), str('k')]);
    expect(n.type).toEqual(T.struct([T.field('x', T.integer, true), T.field('y', T.string, false)]));
    expect(evalRows(n, batch)).toEqual([
      [1, 'k'],
      [2, 'k'],
    ]);
    expect(errorOf(() => call('named_struct', [ref('s'), int(1)])).errorClass).toBe('DATATYPE_MISMATCH.CREATE_NAMED_STRUCT_WITHOUT_FOLDABLE_STRING');
  });

  it('map builds a Map with coerced key and value types', () => {
    const e = call('map', [str('a'), int(1), str('b'), lit(2, T.long)]);
    expect(e.type).toEqual(T.map(T.string, T.long, false));
    expect(evalConst(e)).toEqual(new Map([['a', 1], ['b', 2]]));
    expect(evalConst(call('size', [e]))).toBe(2);
  });
});
