import { describe, expect, it } from 'vitest';
import { T } from '../../../engine/types/data-type.js';
import { translateJavaRegex } from '../../../engine/functions/builtin/java-regex.js';
import { call, errorOf, evalConst, evalRows, int, lit, str, table } from './support.js';

const s = (name: string, ...args: Parameters<typeof call>[1]) => evalConst(call(name, args));

describe('string functions (expected values from Spark 4)', () => {
  it('case, length by character', () => {
    expect(s('lower', str('AbC'))).toBe('abc');
    expect(s('upper', str('AbC'))).toBe('ABC');
    expect(s('length', str('ab'))).toBe(2);
    expect(s('char_length', str('a😀'))).toBe(2);
    expect(s('lower', int(1))).toBe('1');
  });

  it('substring: 1-based, 0 as 1, negative from the end', () => {
    expect(s('substring', str('hello'), int(-3), int(2))).toBe('ll');
    expect(s('substring', str('hello'), int(0), int(2))).toBe('he');
    expect(s('substring', str('hello'), int(2))).toBe('ello');
    expect(s('substr', str('hello'), int(10), int(2))).toBe('');
    expect(s('substring', str('a😀b'), int(2), int(1))).toBe('😀');
    expect(s('substring', str('hello'), lit(1, T.long), int(2))).toBe('he');
  });

  it('trim family removes spaces, or the given characters', () => {
    expect(s('trim', str('  a  '))).toBe('a');
    expect(s('ltrim', str('  a  '))).toBe('a  ');
    expect(s('rtrim', str('  a  '))).toBe('  a');
    expect(s('trim', str('xxaxx'), str('x'))).toBe('a');
    expect(s('trim', str('\ta\t'))).toBe('\ta\t');
  });

  it('concat, concat_ws', () => {
    expect(s('concat', str('a'), lit(null, T.string))).toBeNull();
    expect(s('concat', str('a'), int(1))).toBe('a1');
    expect(s('concat_ws', str(','), str('a'), lit(null, T.string), str('b'))).toBe('a,b');
    expect(s('concat_ws', str('-'), lit(['x', null, 'y'], T.array(T.string)), str('z'))).toBe('x-y-z');
  });

  it('search: contains, startswith, endswith, instr, locate', () => {
    expect(s('contains', str('hello'), str('ell'))).toBe(true);
    expect(s('startsWith', str('hello'), str('he'))).toBe(true);
    expect(s('endsWith', str('hello'), str('he'))).toBe(false);
    expect(s('instr', str('hello'), str('l'))).toBe(3);
    expect(s('locate', str('l'), str('hello'))).toBe(3);
    expect(s('locate', str('l'), str('hello'), int(4))).toBe(4);
    expect(s('locate', str('l'), str('hello'), int(0))).toBe(0);
  });

  it('padding, repeat, reverse, initcap, translate, replace, ascii', () => {
    expect(s('lpad', str('hi'), int(5), str('ab'))).toBe('abahi');
    expect(s('lpad', str('hello'), int(2), str('x'))).toBe('he');
    expect(s('rpad', str('hi'), int(5), str(''))).toBe('hi');
    expect(s('rpad', str('hi'), int(4))).toBe('hi  ');
    expect(s('repeat', str('ab'), int(2))).toBe('abab');
    expect(s('reverse', str('abc'))).toBe('cba');
    expect(s('reverse', lit([1, 2], T.array(T.integer)))).toEqual([2, 1]);
    expect(s('initcap', str('hELLO wORLD'))).toBe('Hello World');
    expect(s('initcap', str('a-b c'))).toBe('A-b C');
    expect(s('translate', str('abc'), str('ab'), str('x'))).toBe('xc');
    expect(s('replace', str('aXbX'), str('X'), str('-'))).toBe('a-b-');
    expect(s('replace', str('aXb'), str('X'))).toBe('ab');
    expect(s('ascii', str(''))).toBe(0);
    expect(s('ascii', str('A'))).toBe(65);
  });

  it('regexp_replace with Java group references, regexp_extract with group checks', () => {
    expect(s('regexp_replace', str('aaa'), str('a'), str('b'))).toBe('bbb');
    expect(s('regexp_replace', str('abc'), str('(b)'), str('[$1]'))).toBe('a[b]c');
    expect(s('regexp_replace', str('a.b'), str('\\.'), str('\\$'))).toBe('a$b');
    expect(s('regexp_replace', str('abab'), str('a'), str('x'), int(2))).toBe('abxb');
    expect(s('regexp_replace', str('abc'), str('x*'), str('-'))).toBe('-a-b-c-');
    expect(s('rlike', str('a\u00a0b'), str('\\s'))).toBe(false);
    expect(s('regexp_extract', str('abc'), str('(x)'), int(1))).toBe('');
    expect(s('regexp_extract', str('k=v'), str('(\\w)=(\\w)'), int(2))).toBe('v');
    expect(errorOf(() => s('regexp_extract', str('abc'), str('b'), int(1))).message).toBe(
      '[INVALID_PARAMETER_VALUE.REGEX_GROUP_INDEX] The value of parameter(s) `idx` in `regexp_extract` is invalid: Expects group index between 0 and 0, but got 1. SQLSTATE: 22023',
    );
  });

  it('format_string follows Java String.format', () => {
    expect(s('format_string', str('%s-%d'), str('a'), int(1))).toBe('a-1');
    expect(s('printf', str('%5.2f|%-4s|%04d|%,d|%x|%%'), lit(3.14159, T.double), str('ab'), int(7), int(1234567), int(255))).toBe(' 3.14|ab  |0007|1,234,567|ff|%');
    expect(s('format_string', str('%2$s %1$s %s'), str('a'), str('b'))).toBe('b a a');
    expect(s('format_string', str('%s'), lit(null, T.string))).toBe('null');
    expect(s('format_string', lit(null, T.string), int(1))).toBeNull();
  });

  it('works over value vectors with nulls', () => {
    const { batch, ref } = table({ v: [T.string, ['Ab', null, 'c']] });
    expect(evalRows(call('upper', [ref('v')]), batch)).toEqual(['AB', null, 'C']);
    expect(evalRows(call('concat', [ref('v'), str('!')]), batch)).toEqual(['Ab!', null, 'c!']);
  });
});

describe('Java regex translation', () => {
  const matches = (pattern: string, text: string): boolean => {
    const { source, flags } = translateJavaRegex(pattern);
    return new RegExp(source, flags).test(text);
  };

  it('keeps Java meanings of \\s, \\h, POSIX classes, quoting and anchors', () => {
    expect(matches('^\\s$', '\u00a0')).toBe(false);
    expect(matches('^\\s$', '\t')).toBe(true);
    expect(matches('^\\h$', '\u00a0')).toBe(true);
    expect(matches('^\\p{Alpha}+$', 'abcXYZ')).toBe(true);
    expect(matches('^\\p{Punct}$', '!')).toBe(true);
    expect(matches('^[\\p{Digit}x]+$', '12x')).toBe(true);
    expect(matches('\\Qa.b\\E', 'a.b')).toBe(true);
    expect(matches('\\Qa.b\\E', 'axb')).toBe(false);
    expect(matches('\\Aab\\z', 'ab')).toBe(true);
    expect(matches('a++b', 'aab')).toBe(true);
    expect(matches('(?>a)b', 'ab')).toBe(true);
    expect(matches('[a-c[x-z]]', 'y')).toBe(true);
    expect(matches('\\-', '-')).toBe(true);
    expect(matches('\\p{L}', 'é')).toBe(true);
  });

  it('rejects what Java rejects', () => {
    expect(() => translateJavaRegex('a{')).toThrow();
    expect(() => translateJavaRegex('[ab')).toThrow();
    expect(() => translateJavaRegex('\\y')).toThrow();
  });
});
