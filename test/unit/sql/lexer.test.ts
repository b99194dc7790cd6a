import { describe, expect, it } from 'vitest';
import { tokenize, unescapeSqlString } from '../../../engine/sql/lexer.js';

const kinds = (sql: string) => tokenize(sql).map((t) => [t.kind, t.text]);

describe('tokenize', () => {
  it('splits words, numbers, strings, quoted names and operators', () => {
    expect(kinds("SELECT `a b`, 1.5e3, 'x' FROM t WHERE a<=>b")).toEqual([
      ['word', 'SELECT'],
      ['quoted', '`a b`'],
      ['op', ','],
      ['number', '1.5e3'],
      ['op', ','],
      ['string', "'x'"],
      ['word', 'FROM'],
      ['word', 't'],
      ['word', 'WHERE'],
      ['word', 'a'],
      ['op', '<=>'],
      ['word', 'b'],
      ['eof', '<EOF>'],
    ]);
  });

  it('keeps offsets into the command', () => {
    const [select, star] = tokenize('  SELECT *');
    expect(select).toMatchObject({ start: 2, end: 8, value: 'SELECT' });
    expect(star).toMatchObject({ start: 9, end: 10 });
  });

  it('upper-cases word values but keeps their text', () => {
    expect(tokenize('window')[0]).toMatchObject({ text: 'window', value: 'WINDOW' });
  });

  it('lexes number suffixes the way Spark does', () => {
    expect(kinds('10L 2S 3Y 1.5D 2BD 1.5F .5 1.')).toEqual([
      ['number', '10L'],
      ['number', '2S'],
      ['number', '3Y'],
      ['number', '1.5D'],
      ['number', '2BD'],
      ['number', '1.5F'],
      ['number', '.5'],
      ['number', '1.'],
      ['eof', '<EOF>'],
    ]);
    expect(kinds('1a 10days a.5')).toEqual([
      ['word', '1a'],
      ['word', '10days'],
      ['word', 'a'],
      ['op', '.'],
      ['number', '5'],
      ['eof', '<EOF>'],
    ]);
  });

  it('keeps < and > apart, so array<array<int>> closes twice', () => {
    expect(kinds('>>').map((k) => k[1])).toEqual(['>', '>', '<EOF>']);
    expect(kinds('struct<>').map((k) => k[1])).toEqual(['struct', '<>', '<EOF>']);
  });

  it('skips comments, nested ones included', () => {
    expect(kinds('a -- x\n/* b /* c */ d */ e').map((k) => k[1])).toEqual(['a', 'e', '<EOF>']);
  });

  it('unescapes strings and back-quoted names', () => {
    expect(tokenize("'a\\'b'")[0]?.value).toBe("a'b");
    expect(tokenize('"a\\"b"')[0]?.value).toBe('a"b');
    expect(tokenize('`a``b`')[0]?.value).toBe('a`b');
    expect(tokenize("r'a\\nb'")[0]?.value).toBe('a\\nb');
  });

  it('turns characters that start no token into unknown tokens', () => {
    expect(kinds("# 'open")).toEqual([
      ['unknown', '#'],
      ['unknown', "'"],
      ['word', 'open'],
      ['eof', '<EOF>'],
    ]);
  });
});

describe('unescapeSqlString', () => {
  it('follows Spark', () => {
    expect(unescapeSqlString('\\0\\b\\n\\r\\t\\Z\\\\')).toBe('\u0000\b\n\r\t\u001a\\');
    expect(unescapeSqlString('\\%\\_')).toBe('\\%\\_');
    expect(unescapeSqlString('\\u00e9\\U0001F600\\101')).toBe('é😀A');
    expect(unescapeSqlString('\\q')).toBe('q');
  });
});
