import type { AstExpr } from './ast.js';
import type { Token } from './lexer.js';
import type { TokenStream } from './token-stream.js';

const INTEGRAL_RANGES = {
  byte: { suffix: 'Y', name: 'tinyint', min: -128n, max: 127n },
  short: { suffix: 'S', name: 'smallint', min: -32768n, max: 32767n },
  integer: { suffix: '', name: 'int', min: -2147483648n, max: 2147483647n },
  long: { suffix: 'L', name: 'bigint', min: -9223372036854775808n, max: 9223372036854775807n },
} as const;

/**
 * A numeric literal as Spark types it: plain integers are `int` when they fit and `bigint`
 * otherwise; `L`/`S`/`Y` force bigint/smallint/tinyint (range-checked); `F` is float; decimals,
 * exponents, `D` and `BD` are double (Kindling has no decimal type). `first` is the token the
 * literal starts at (the minus sign of a negative literal).
 */
export function numberLiteral(ts: TokenStream, token: Token, negative: boolean, first: Token = token): AstExpr {
  const text = token.text.toUpperCase();
  const suffix = /BD$/.test(text) ? 'BD' : /[LSYDF]$/.test(text) ? text.slice(-1) : '';
  const body = text.slice(0, text.length - suffix.length);
  const sign = negative ? '-' : '';
  if (suffix === 'L' || suffix === 'S' || suffix === 'Y') {
    const kind = suffix === 'L' ? 'long' : suffix === 'S' ? 'short' : 'byte';
    return integral(ts, first, token, kind, BigInt(sign + body));
  }
  if (suffix === '' && /^\d+$/.test(body)) {
    const v = BigInt(sign + body);
    if (v >= INTEGRAL_RANGES.integer.min && v <= INTEGRAL_RANGES.integer.max) return lit('integer', Number(v));
    if (v >= INTEGRAL_RANGES.long.min && v <= INTEGRAL_RANGES.long.max) return lit('long', Number(v));
    // Spark makes this a decimal; double is the nearest type Kindling has.
    return lit('double', Number(sign + body));
  }
  const value = suffix === 'F' ? Math.fround(Number(sign + body)) : Number(sign + body);
  if (!Number.isFinite(value)) {
    const float = suffix === 'F';
    throw ts.fragmentError(first, token, 'INVALID_NUMERIC_LITERAL_RANGE', {
      rawStrippedQualifier: sign + body,
      typeName: float ? 'float' : 'double',
      minValue: float ? '-3.4028235E38' : '-1.7976931348623157E+308',
      maxValue: float ? '3.4028235E38' : '1.7976931348623157E+308',
    });
  }
  return suffix === 'F' ? lit('float', value) : lit('double', value);
}

function integral(
  ts: TokenStream,
  first: Token,
  last: Token,
  kind: keyof typeof INTEGRAL_RANGES,
  value: bigint,
): AstExpr {
  const range = INTEGRAL_RANGES[kind];
  if (value < range.min || value > range.max) {
    throw ts.fragmentError(first, last, 'INVALID_NUMERIC_LITERAL_RANGE', {
      rawStrippedQualifier: value.toString(),
      typeName: range.name,
      minValue: range.min.toString(),
      maxValue: range.max.toString(),
    });
  }
  return lit(kind, Number(value));
}

function lit(type: 'byte' | 'short' | 'integer' | 'long' | 'float' | 'double', value: number): AstExpr {
  return { kind: 'literal', type, value };
}
