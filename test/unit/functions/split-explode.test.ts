import { describe, expect, it } from 'vitest';
import { defaultRegistry } from '../../../engine/functions/builtin/index.js';
import { splitterFor } from '../../../engine/functions/builtin/regexp.js';
import { T } from '../../../engine/types/data-type.js';
import { valuesVector, constVector } from '../../../engine/batch/vector.js';
import { ansi, call, evalConst, evalRows, evalVector, int, str, table } from './support.js';

/** Expected values are what Spark 4 returns for `SELECT split(...)`. */
const SPARK_SPLIT: readonly [string, string, number, string[]][] = [
  ['a b  c ', ' ', -1, ['a', 'b', '', 'c', '']],
  ['', ' ', -1, ['']],
  ['abc', '', -1, ['a', 'b', 'c']],
  ['abc', '', 2, ['a', 'bc']],
  [' a b ', ' ', 2, ['', 'a b ']],
  ['a,b,c,,', ',', 0, ['a', 'b', 'c', '', '']],
  ['a1b22c', '\\d+', -1, ['a', 'b', 'c']],
  ['abc', '(?=b)', -1, ['a', 'bc']],
  ['aXbXc', 'x', -1, ['aXbXc']],
  ['a.b', '.', -1, ['', '', '', '']],
  [',a', ',', -1, ['', 'a']],
  ['a b', ' ', 1, ['a b']],
  ['a b c', ' ', -5, ['a', 'b', 'c']],
  ['abc', 'c', -1, ['ab', '']],
  ['a\tb c', '\\s+', -1, ['a', 'b', 'c']],
  ['abc', 'x*', -1, ['a', 'b', 'c', '']],
];

describe('split', () => {
  it.each(SPARK_SPLIT)('split(%j, %j, %d) is what Spark returns', (s, regex, limit, expected) => {
    expect(evalConst(call('split', [str(s), str(regex), int(limit)]))).toEqual(expected);
  });

  it('keeps limit semantics on literal and regex paths alike', () => {
    expect(splitterFor(',')('a,b,c,d', 3)).toEqual(['a', 'b', 'c,d']);
    expect(splitterFor(',+')('a,,b,c', 2)).toEqual(['a', 'b,c']);
    expect(splitterFor('\\|')('a|b|', -1)).toEqual(['a', 'b', '']);
    expect(splitterFor('ab')('xabyab', -1)).toEqual(['x', 'y', '']);
  });

  it('splits into characters by code point for an empty pattern', () => {
    expect(splitterFor('')('a😀b', -1)).toEqual(['a', '😀', 'b']);
  });

  it('adds the default limit -1 when SQL gives two arguments', () => {
    const e = call('split', [str('a b'), str(' ')]);
    expect(e.kind === 'call' && e.args.length).toBe(3);
    expect(evalConst(e)).toEqual(['a', 'b']);
  });

  it('types the result array<string> without null elements, null in → null out', () => {
    const { batch, ref } = table({ value: [T.string, ['x y', null]] });
    const e = call('split', [ref('value'), str(' '), int(-1)]);
    expect(e.type).toEqual(T.array(T.string, false));
    expect(evalRows(e, batch)).toEqual([['x', 'y'], null]);
  });

  it('casts a non-string input implicitly, as Spark does (split(1, " "))', () => {
    expect(evalConst(call('split', [int(1), str(' ')]))).toEqual(['1']);
  });

  it('rejects an invalid regex with INVALID_PARAMETER_VALUE.PATTERN', () => {
    expect(() => evalConst(call('split', [str('a'), str('(')]))).toThrow(/INVALID_PARAMETER_VALUE.PATTERN/);
  });
});

describe('explode', () => {
  const explode = defaultRegistry.lookup('explode');
  const gen = explode?.kind === 'generator' ? explode.fn : undefined;

  it('names its output col and flattens arrays, dropping null and empty ones', () => {
    if (!gen) throw new Error('explode missing');
    const { ref } = table({ words: [T.array(T.string), []] });
    expect(gen.resolve([ref('words')], ansi).outputs).toEqual([T.field('col', T.string, true)]);
    const out = gen.generate([valuesVector([['a', 'b'], null, [], ['c']])], 4, ansi);
    expect(Array.from(out.sourceRows)).toEqual([0, 0, 3]);
    expect(out.columns).toEqual([valuesVector(['a', 'b', 'c'])]);
  });

  it('explode_outer keeps a row of NULL for NULL and empty arrays', () => {
    const e = defaultRegistry.lookup('explode_outer');
    if (e?.kind !== 'generator') throw new Error('missing');
    const out = e.fn.generate([valuesVector([['a'], null, []])], 3, ansi);
    expect(Array.from(out.sourceRows)).toEqual([0, 1, 2]);
    expect(out.columns).toEqual([valuesVector(['a', null, null])]);
  });

  it('posexplode gives pos and col; maps give key and value', () => {
    const pe = defaultRegistry.lookup('posexplode');
    if (pe?.kind !== 'generator') throw new Error('missing');
    const { ref } = table({ m: [T.map(T.string, T.integer), []], a: [T.array(T.integer), []] });
    expect(pe.fn.resolve([ref('a')], ansi).outputs.map((f) => f.name)).toEqual(['pos', 'col']);
    const pos = pe.fn.generate([constVector([10, 20])], 2, ansi);
    expect(Array.from(pos.sourceRows)).toEqual([0, 0, 1, 1]);
    expect(pos.columns).toEqual([valuesVector([0, 1, 0, 1]), valuesVector([10, 20, 10, 20])]);
    if (!gen) throw new Error('explode missing');
    expect(gen.resolve([ref('m')], ansi).outputs.map((f) => f.name)).toEqual(['key', 'value']);
    const out = gen.generate([valuesVector([new Map([['k', 1], ['j', 2]])])], 1, ansi);
    expect(out.columns).toEqual([valuesVector(['k', 'j']), valuesVector([1, 2])]);
  });

  it('rejects a non-collection argument', () => {
    if (!gen) throw new Error('explode missing');
    expect(() => gen.resolve([str('x')], ansi)).toThrow(/DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE/);
  });

  it('explode(split(value, " ")) over 100k lines (micro-check, no timing assert)', () => {
    if (!gen) throw new Error('explode missing');
    const lines = Array.from({ length: 100_000 }, (_, i) => `the quick brown fox ${i % 100} jumps over the lazy dog`);
    const { batch, ref } = table({ value: [T.string, lines] });
    const split = evalVector(call('split', [ref('value'), str(' '), int(-1)]), batch);
    const out = gen.generate([split], batch.numRows, ansi);
    expect(out.sourceRows.length).toBe(1_000_000);
    expect(out.sourceRows[999_999]).toBe(99_999);
    const words = out.columns[0];
    expect(words?.kind === 'values' && words.values.slice(0, 3)).toEqual(['the', 'quick', 'brown']);
  });
});
