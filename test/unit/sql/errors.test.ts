import { describe, expect, it } from 'vitest';
import { AnalysisError, NotSupportedError, ParseError } from '../../../engine/errors/errors.js';
import { E } from '../../../engine/expr/expr.js';
import { parseExpression, parseSql } from '../../../engine/sql/index.js';
import { T } from '../../../engine/types/data-type.js';
import { parseDataType, parseSchema } from '../../../engine/sql/data-type-parser.js';

function errorOf(f: () => unknown): Error {
  try {
    f();
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected an error');
}

// Expected texts are Spark 4.0.1's ParseException.getMessage for the same input.
const SQL_CASES: readonly [string, string][] = [
  [
    'SELEC 1',
    "\n[PARSE_SYNTAX_ERROR] Syntax error at or near 'SELEC'. SQLSTATE: 42601 (line 1, pos 0)\n\n== SQL ==\nSELEC 1\n^^^\n",
  ],
  [
    'SELECT 1 1',
    "\n[PARSE_SYNTAX_ERROR] Syntax error at or near '1': extra input '1'. SQLSTATE: 42601 (line 1, pos 9)\n\n== SQL ==\nSELECT 1 1\n---------^^^\n",
  ],
  [
    'SELECT 1 1  \n',
    "\n[PARSE_SYNTAX_ERROR] Syntax error at or near '1': extra input '1'. SQLSTATE: 42601 (line 1, pos 9)\n\n== SQL ==\nSELECT 1 1  \n---------^^^\n",
  ],
  [
    'SELECT cast(1 as int',
    "\n[PARSE_SYNTAX_ERROR] Syntax error at or near end of input: missing ')'. SQLSTATE: 42601 (line 1, pos 20)\n\n== SQL ==\nSELECT cast(1 as int\n--------------------^^^\n",
  ],
  [
    'SELECT CAST(a AS int FROM t',
    "\n[PARSE_SYNTAX_ERROR] Syntax error at or near 'FROM': missing ')'. SQLSTATE: 42601 (line 1, pos 21)\n\n== SQL ==\nSELECT CAST(a AS int FROM t\n---------------------^^^\n",
  ],
  [
    'SELECT 1\nFROM t\nWHERE x =',
    '\n[PARSE_SYNTAX_ERROR] Syntax error at or near end of input. SQLSTATE: 42601 (line 3, pos 9)\n\n== SQL ==\nSELECT 1\nFROM t\nWHERE x =\n---------^^^\n',
  ],
  [
    'SELECT 1\nFROM t\nWHERE x = = 3\nORDER BY 1',
    "\n[PARSE_SYNTAX_ERROR] Syntax error at or near '='. SQLSTATE: 42601 (line 3, pos 10)\n\n== SQL ==\nSELECT 1\nFROM t\nWHERE x = = 3\n----------^^^\nORDER BY 1\n",
  ],
  [
    'SELECT (1 + 2 FROM t',
    "\n[PARSE_SYNTAX_ERROR] Syntax error at or near 'FROM'. SQLSTATE: 42601 (line 1, pos 14)\n\n== SQL ==\nSELECT (1 + 2 FROM t\n--------------^^^\n",
  ],
  [
    'SELECT count(1 FROM t',
    "\n[PARSE_SYNTAX_ERROR] Syntax error at or near 'FROM'. SQLSTATE: 42601 (line 1, pos 15)\n\n== SQL ==\nSELECT count(1 FROM t\n---------------^^^\n",
  ],
  [
    'SELECT f(1,)',
    "\n[PARSE_SYNTAX_ERROR] Syntax error at or near ')'. SQLSTATE: 42601 (line 1, pos 11)\n\n== SQL ==\nSELECT f(1,)\n-----------^^^\n",
  ],
  [
    'SELECT 1 +',
    '\n[PARSE_SYNTAX_ERROR] Syntax error at or near end of input. SQLSTATE: 42601 (line 1, pos 10)\n\n== SQL ==\nSELECT 1 +\n----------^^^\n',
  ],
  [
    'SELECT # FROM t',
    "\n[PARSE_SYNTAX_ERROR] Syntax error at or near '#'. SQLSTATE: 42601 (line 1, pos 7)\n\n== SQL ==\nSELECT # FROM t\n-------^^^\n",
  ],
  [';', "\n[PARSE_SYNTAX_ERROR] Syntax error at or near ';'. SQLSTATE: 42601 (line 1, pos 0)\n\n== SQL ==\n;\n^^^\n"],
  ['-- hi', '\n[PARSE_SYNTAX_ERROR] Syntax error at or near end of input. SQLSTATE: 42601 (line 1, pos 5)\n\n== SQL ==\n-- hi\n-----^^^\n'],
  [
    'SELECT ) FROM t',
    "\n[PARSE_SYNTAX_ERROR] Syntax error at or near ')'. SQLSTATE: 42601 (line 1, pos 7)\n\n== SQL ==\nSELECT ) FROM t\n-------^^^\n",
  ],
  ['SELECT `a', "\n[PARSE_SYNTAX_ERROR] Syntax error at or near '`'. SQLSTATE: 42601 (line 1, pos 7)\n\n== SQL ==\nSELECT `a\n-------^^^\n"],
  [
    "SELECT 'abc",
    "\n[PARSE_SYNTAX_ERROR] Syntax error at or near '''. SQLSTATE: 42601 (line 1, pos 7)\n\n== SQL ==\nSELECT 'abc\n-------^^^\n",
  ],
  [
    'SELECT "abc',
    '\n[PARSE_SYNTAX_ERROR] Syntax error at or near \'"\'. SQLSTATE: 42601 (line 1, pos 7)\n\n== SQL ==\nSELECT "abc\n-------^^^\n',
  ],
  [
    'SELECT 1 FROM t WHERE a IN ()',
    "\n[PARSE_SYNTAX_ERROR] Syntax error at or near 'IN'. SQLSTATE: 42601 (line 1, pos 24)\n\n== SQL ==\nSELECT 1 FROM t WHERE a IN ()\n------------------------^^^\n",
  ],
  [
    'SELECT a FROM t WHERE a = 1 b',
    "\n[PARSE_SYNTAX_ERROR] Syntax error at or near 'b': extra input 'b'. SQLSTATE: 42601 (line 1, pos 28)\n\n== SQL ==\nSELECT a FROM t WHERE a = 1 b\n----------------------------^^^\n",
  ],
  [
    'SELECT 1 FROM t WHERE a NOT',
    "\n[PARSE_SYNTAX_ERROR] Syntax error at or near 'NOT': extra input 'NOT'. SQLSTATE: 42601 (line 1, pos 24)\n\n== SQL ==\nSELECT 1 FROM t WHERE a NOT\n------------------------^^^\n",
  ],
  [
    'SELECT 1 FROM t WHERE a IS',
    "\n[PARSE_SYNTAX_ERROR] Syntax error at or near 'IS': extra input 'IS'. SQLSTATE: 42601 (line 1, pos 24)\n\n== SQL ==\nSELECT 1 FROM t WHERE a IS\n------------------------^^^\n",
  ],
  [
    'SELECT 1 FROM t WHERE a BETWEEN 1',
    '\n[PARSE_SYNTAX_ERROR] Syntax error at or near end of input. SQLSTATE: 42601 (line 1, pos 33)\n\n== SQL ==\nSELECT 1 FROM t WHERE a BETWEEN 1\n---------------------------------^^^\n',
  ],
  [
    'SELECT a\n  FROM t\n  WHERE b IN (1,\n 2))',
    "\n[PARSE_SYNTAX_ERROR] Syntax error at or near ')': extra input ')'. SQLSTATE: 42601 (line 4, pos 3)\n\n== SQL ==\nSELECT a\n  FROM t\n  WHERE b IN (1,\n 2))\n---^^^\n",
  ],
  [
    'SELECT (1',
    '\n[PARSE_SYNTAX_ERROR] Syntax error at or near end of input. SQLSTATE: 42601 (line 1, pos 9)\n\n== SQL ==\nSELECT (1\n---------^^^\n',
  ],
];

describe('syntax errors (Spark ParseException text)', () => {
  it.each(SQL_CASES)('%j', (sql, message) => {
    const e = errorOf(() => parseSql(sql));
    expect(e).toBeInstanceOf(ParseError);
    expect((e as ParseError).errorClass).toBe('PARSE_SYNTAX_ERROR');
    expect((e as ParseError).sqlState).toBe('42601');
    expect(e.message).toBe(message);
  });

  it('carries the error and hint as message parameters', () => {
    const e = errorOf(() => parseSql('SELECT 1 1')) as ParseError;
    expect(e.messageParameters).toEqual({ error: "'1'", hint: ": extra input '1'" });
    expect(e.sparkClasses[0]).toBe('org.apache.spark.sql.catalyst.parser.ParseException');
  });

  it('escapes control characters in the offending token', () => {
    const e = errorOf(() => parseSql("SELECT 1 'a\tb'")) as ParseError;
    expect(e.messageParameters['error']).toBe("''a\\tb''");
  });
});

describe('empty statements', () => {
  it.each([
    ['', '\n[PARSE_EMPTY_STATEMENT] Syntax error, unexpected empty statement. SQLSTATE: 42617 (line 1, pos 0)\n\n== SQL ==\n\n^^^\n'],
    ['   ', '\n[PARSE_EMPTY_STATEMENT] Syntax error, unexpected empty statement. SQLSTATE: 42617 (line 1, pos 3)\n\n== SQL ==\n   \n---^^^\n'],
    ['\n', '\n[PARSE_EMPTY_STATEMENT] Syntax error, unexpected empty statement. SQLSTATE: 42617 (line 2, pos 0)\n\n== SQL ==\n^^^\n'],
  ])('%j', (sql, message) => {
    const e = errorOf(() => parseSql(sql)) as ParseError;
    expect(e).toBeInstanceOf(ParseError);
    expect(e.errorClass).toBe('PARSE_EMPTY_STATEMENT');
    expect(e.sqlState).toBe('42617');
    expect(e.message).toBe(message);
  });

  it('applies to expressions and types too', () => {
    expect((errorOf(() => parseExpression('')) as ParseError).errorClass).toBe('PARSE_EMPTY_STATEMENT');
    expect((errorOf(() => parseDataType(' ')) as ParseError).errorClass).toBe('PARSE_EMPTY_STATEMENT');
  });
});

describe('errors about a fragment carry a query context', () => {
  it.each([
    [
      'SELECT 128Y',
      '\n[INVALID_NUMERIC_LITERAL_RANGE] Numeric literal 128 is outside the valid range for tinyint with minimum value of -128 and maximum value of 127. Please adjust the value accordingly. SQLSTATE: 22003\n== SQL (line 1, position 8) ==\nSELECT 128Y\n       ^^^^\n',
    ],
    [
      'SELECT -129Y',
      '\n[INVALID_NUMERIC_LITERAL_RANGE] Numeric literal -129 is outside the valid range for tinyint with minimum value of -128 and maximum value of 127. Please adjust the value accordingly. SQLSTATE: 22003\n== SQL (line 1, position 8) ==\nSELECT -129Y\n       ^^^^^\n',
    ],
    [
      'SELECT 32768S',
      '\n[INVALID_NUMERIC_LITERAL_RANGE] Numeric literal 32768 is outside the valid range for smallint with minimum value of -32768 and maximum value of 32767. Please adjust the value accordingly. SQLSTATE: 22003\n== SQL (line 1, position 8) ==\nSELECT 32768S\n       ^^^^^^\n',
    ],
    [
      'SELECT 9223372036854775808L',
      '\n[INVALID_NUMERIC_LITERAL_RANGE] Numeric literal 9223372036854775808 is outside the valid range for bigint with minimum value of -9223372036854775808 and maximum value of 9223372036854775807. Please adjust the value accordingly. SQLSTATE: 22003\n== SQL (line 1, position 8) ==\nSELECT 9223372036854775808L\n       ^^^^^^^^^^^^^^^^^^^^\n',
    ],
    [
      'SELECT 1E400',
      '\n[INVALID_NUMERIC_LITERAL_RANGE] Numeric literal 1E400 is outside the valid range for double with minimum value of -1.7976931348623157E+308 and maximum value of 1.7976931348623157E+308. Please adjust the value accordingly. SQLSTATE: 22003\n== SQL (line 1, position 8) ==\nSELECT 1E400\n       ^^^^^\n',
    ],
    [
      'SELECT cast(1 as foo)',
      '\n[UNSUPPORTED_DATATYPE] Unsupported data type "FOO". SQLSTATE: 0A000\n== SQL (line 1, position 18) ==\nSELECT cast(1 as foo)\n                 ^^^\n',
    ],
    [
      "SELECT X'zz'",
      '\n[INVALID_TYPED_LITERAL] The value of the typed literal "X" is invalid: \'zz\'. SQLSTATE: 42604\n== SQL (line 1, position 8) ==\nSELECT X\'zz\'\n       ^^^^^\n',
    ],
  ])('%j', (sql, message) => {
    const e = errorOf(() => parseSql(sql));
    expect(e).toBeInstanceOf(ParseError);
    expect(e.message).toBe(message);
  });

  it('accepts the extreme values', () => {
    expect(() => parseSql('SELECT -128Y, 127Y, -32768S, -9223372036854775808L, -2147483648')).not.toThrow();
  });

  it('cuts long lines to 32 characters of context', () => {
    const sql = `SELECT ${'a, '.repeat(20)}300Y, ${'b, '.repeat(20)}c FROM t`;
    expect(errorOf(() => parseSql(sql)).message).toBe(
      '\n[INVALID_NUMERIC_LITERAL_RANGE] Numeric literal 300 is outside the valid range for tinyint with minimum value of -128 and maximum value of 127. Please adjust the value accordingly. SQLSTATE: 22003\n== SQL (line 1, position 68) ==\n..., a, a, a, a, a, a, a, a, a, a, 300Y, b, b, b, b, b, b, b, b, b, b, ...\n                                   ^^^^\n',
    );
  });

  it('shows only the line of the fragment', () => {
    expect(errorOf(() => parseSql('SELECT a,\n  300Y,\n b')).message).toBe(
      '\n[INVALID_NUMERIC_LITERAL_RANGE] Numeric literal 300 is outside the valid range for tinyint with minimum value of -128 and maximum value of 127. Please adjust the value accordingly. SQLSTATE: 22003\n== SQL (line 2, position 3) ==\n  300Y,\n  ^^^^\n',
    );
  });
});

describe('other parse-time errors', () => {
  it('reports an unclosed bracketed comment without a position', () => {
    const e = errorOf(() => parseSql('SELECT 1 /* unclosed')) as ParseError;
    expect(e.errorClass).toBe('UNCLOSED_BRACKETED_COMMENT');
    expect(e.message).toBe(
      '\n[UNCLOSED_BRACKETED_COMMENT] Found an unclosed bracketed comment. Please, append */ at the end of the comment. SQLSTATE: 42601\n== SQL ==\nSELECT 1 /* unclosed',
    );
  });

  it('reports expression errors against the expression text', () => {
    expect(errorOf(() => parseExpression('a +')).message).toBe(
      '\n[PARSE_SYNTAX_ERROR] Syntax error at or near end of input. SQLSTATE: 42601 (line 1, pos 3)\n\n== SQL ==\na +\n---^^^\n',
    );
    expect(errorOf(() => parseExpression('a b c')).message).toBe(
      "\n[PARSE_SYNTAX_ERROR] Syntax error at or near 'c': extra input 'c'. SQLSTATE: 42601 (line 1, pos 4)\n\n== SQL ==\na b c\n----^^^\n",
    );
  });

  it('raises TRAILING_COMMA_IN_SELECT for a comma before FROM', () => {
    const e = errorOf(() => parseSql('SELECT a, FROM t')) as AnalysisError;
    expect(e).toBeInstanceOf(AnalysisError);
    expect(e.errorClass).toBe('TRAILING_COMMA_IN_SELECT');
    expect(e.message).toBe(
      '[TRAILING_COMMA_IN_SELECT] Trailing comma detected in SELECT clause. Remove the trailing comma before the FROM clause. SQLSTATE: 42601',
    );
  });
});

describe('unsupported but valid Spark SQL', () => {
  it.each([
    'SELECT a FROM t INTERSECT SELECT a FROM u',
    'SELECT a FROM t EXCEPT SELECT a FROM u',
    'SELECT (SELECT 1)',
    'SELECT a FROM t WHERE a IN (SELECT b FROM u)',
    'SELECT a FROM t WHERE EXISTS (SELECT 1)',
    'SELECT a, count(*) FROM t GROUP BY b, ROLLUP (a)',
    'SELECT a FROM t GROUP BY CUBE(a), b',
    'SELECT a FROM t GROUP BY ALL',
    'SHOW TABLES',
    'CREATE TABLE x (a INT)',
    'INSERT INTO t VALUES (1)',
    'WITH RECURSIVE r AS (SELECT 1) SELECT * FROM r',
    'SELECT * FROM explode(array(1))',
  ])('%s', (sql) => {
    expect(errorOf(() => parseSql(sql))).toBeInstanceOf(NotSupportedError);
  });
});

describe('parameters', () => {
  it('rejects unbound named parameters', () => {
    const e = errorOf(() => parseSql('SELECT :a')) as AnalysisError;
    expect(e.errorClass).toBe('UNBOUND_SQL_PARAMETER');
    expect(e.sqlState).toBe('42P02');
    expect(e.message).toBe(
      '[UNBOUND_SQL_PARAMETER] Found the unbound parameter: a. Please, fix `args` and provide a mapping of the parameter to either a SQL literal or collection constructor functions such as `map()`, `array()`, `struct()`. SQLSTATE: 42P02',
    );
  });

  it('names an unbound positional parameter after its offset, as Spark does', () => {
    const e = errorOf(() => parseSql('SELECT ?, ?', { posArgs: [E.lit(1, T.integer)] })) as AnalysisError;
    expect(e.errorClass).toBe('UNBOUND_SQL_PARAMETER');
    expect(e.messageParameters).toEqual({ name: '_10' });
  });
});

describe('LIMIT and OFFSET values', () => {
  it('must be constant', () => {
    const e = errorOf(() => parseSql('SELECT word FROM t LIMIT word')) as AnalysisError;
    expect(e.errorClass).toBe('INVALID_LIMIT_LIKE_EXPRESSION.IS_UNFOLDABLE');
    expect(e.message).toBe(
      '[INVALID_LIMIT_LIKE_EXPRESSION.IS_UNFOLDABLE] The limit like expression "word" is invalid. The limit expression must evaluate to a constant value. SQLSTATE: 42K0E',
    );
  });

  it('must not be negative', () => {
    const e = errorOf(() => parseSql('SELECT word FROM t LIMIT -1')) as AnalysisError;
    expect(e.message).toBe(
      '[INVALID_LIMIT_LIKE_EXPRESSION.IS_NEGATIVE] The limit like expression "-1" is invalid. The limit expression must be equal to or greater than 0, but got -1. SQLSTATE: 42K0E',
    );
    expect((errorOf(() => parseSql('SELECT a FROM t OFFSET -2')) as AnalysisError).messageParameters['name']).toBe('offset');
  });
});

describe('data type errors', () => {
  it.each([
    ['foo', '\n[UNSUPPORTED_DATATYPE] Unsupported data type "FOO". SQLSTATE: 0A000 (line 1, pos 0)\n\n== SQL ==\nfoo\n^^^\n'],
    ['int(5)', '\n[UNSUPPORTED_DATATYPE] Unsupported data type "INT(5)". SQLSTATE: 0A000 (line 1, pos 0)\n\n== SQL ==\nint(5)\n^^^\n'],
    [
      'decimal(10,2,3)',
      '\n[UNSUPPORTED_DATATYPE] Unsupported data type "DECIMAL(10,2,3)". SQLSTATE: 0A000 (line 1, pos 0)\n\n== SQL ==\ndecimal(10,2,3)\n^^^\n',
    ],
    [
      'char',
      '\n[DATATYPE_MISSING_SIZE] DataType "CHAR" requires a length parameter, for example "CHAR"(10). Please specify the length. SQLSTATE: 42K01 (line 1, pos 0)\n\n== SQL ==\nchar\n^^^\n',
    ],
    ['array<int', "\n[PARSE_SYNTAX_ERROR] Syntax error at or near '<'. SQLSTATE: 42601 (line 1, pos 5)\n\n== SQL ==\narray<int\n-----^^^\n"],
    ['map<string>', "\n[PARSE_SYNTAX_ERROR] Syntax error at or near '<'. SQLSTATE: 42601 (line 1, pos 3)\n\n== SQL ==\nmap<string>\n---^^^\n"],
    ['struct<a int', "\n[PARSE_SYNTAX_ERROR] Syntax error at or near '<'. SQLSTATE: 42601 (line 1, pos 6)\n\n== SQL ==\nstruct<a int\n------^^^\n"],
    [
      'int int',
      "\n[PARSE_SYNTAX_ERROR] Syntax error at or near 'int': extra input 'int'. SQLSTATE: 42601 (line 1, pos 4)\n\n== SQL ==\nint int\n----^^^\n",
    ],
  ])('parseDataType(%j)', (text, message) => {
    const e = errorOf(() => parseDataType(text));
    expect(e).toBeInstanceOf(ParseError);
    expect(e.message).toBe(message);
  });

  it.each([
    ['a int,', '\n[PARSE_SYNTAX_ERROR] Syntax error at or near end of input. SQLSTATE: 42601 (line 1, pos 6)\n\n== SQL ==\na int,\n------^^^\n'],
    ['a', '\n[PARSE_SYNTAX_ERROR] Syntax error at or near end of input. SQLSTATE: 42601 (line 1, pos 1)\n\n== SQL ==\na\n-^^^\n'],
  ])('parseSchema(%j)', (text, message) => {
    expect(errorOf(() => parseSchema(text)).message).toBe(message);
  });
});

describe('robustness', () => {
  it('fails only with Kindling errors on arbitrary token soup', () => {
    const vocabulary = [
      'SELECT', 'FROM', 'WHERE', 'GROUP', 'BY', 'ORDER', 'LIMIT', 'UNION', 'ALL', 'AS', 'CASE', 'WHEN', 'THEN',
      'END', 'CAST', '(', ')', ',', '.', '*', '+', '-', '=', '<', '>', '<>', 'NOT', 'IN', 'IS', 'NULL', 'a',
      'b', 't', '1', "'x'", '`q`', 'count', 'window', 'INTERVAL', 'DATE', '::', 'int', ':p', '?', '[', ']', ';',
    ];
    let seed = 12345;
    const next = (): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed;
    };
    for (let n = 0; n < 2000; n++) {
      const length = 1 + (next() % 12);
      const words = ['SELECT'];
      for (let k = 0; k < length; k++) words.push(vocabulary[next() % vocabulary.length] as string);
      const sql = words.join(' ');
      try {
        parseSql(sql, { namedArgs: { p: E.lit(1, T.integer) }, posArgs: [E.lit(2, T.integer)] });
      } catch (e) {
        expect(e instanceof AnalysisError || e instanceof NotSupportedError, `${sql}: ${String(e)}`).toBe(true);
      }
    }
  });
});
