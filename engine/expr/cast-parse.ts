/**
 * Spark's string → number / boolean parsing for casts. Results are the parsed value, or
 * `undefined` for malformed input (the cast decides between an error and NULL).
 */

/** Java's `Character.isWhitespace` plus ISO control characters, what Spark's `trimAll` strips. */
const EDGES = /^[\s\x00-\x1f\x7f]+|[\s\x00-\x1f\x7f]+$/g;

export function trimAll(s: string): string {
  return s.replace(EDGES, '');
}

const INTEGER = /^[+-]?\d+$/;
/** Legacy (non-ANSI) casts also accept a fractional part, which is truncated: '1.9' → 1. */
const DECIMAL = /^([+-]?)(\d*)(?:\.(\d*))?$/;

const LONG_MIN = -(2n ** 63n);
const LONG_MAX = 2n ** 63n - 1n;

/** An integral in [lo, hi] (a long when `lo`/`hi` are the long bounds), or undefined. */
export function parseIntegral(text: string, lo: number, hi: number, allowFraction: boolean): number | undefined {
  const s = trimAll(text);
  let digits: string;
  if (INTEGER.test(s)) digits = s;
  else {
    if (!allowFraction) return undefined;
    const m = DECIMAL.exec(s);
    if (!m || ((m[2] ?? '') === '' && (m[3] ?? '') === '')) return undefined;
    digits = `${m[1] ?? ''}${m[2] === '' ? '0' : (m[2] ?? '0')}`;
  }
  const big = BigInt(digits);
  const min = lo <= -9223372036854775808 ? LONG_MIN : BigInt(lo);
  const max = hi >= 9223372036854775807 ? LONG_MAX : BigInt(hi);
  if (big < min || big > max) return undefined;
  return Number(big);
}

const JAVA_DOUBLE = /^[+-]?(?:NaN|Infinity|(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?[fFdD]?)$/;

/** Java's `Double.parseDouble` plus Spark's special literals (`inf`, `-infinity`, `nan`, any case). */
export function parseDouble(text: string): number | undefined {
  const s = trimAll(text);
  if (JAVA_DOUBLE.test(s)) {
    const body = s.replace(/[fFdD]$/, '');
    if (body.endsWith('NaN')) return NaN;
    if (body.endsWith('Infinity')) return body.startsWith('-') ? -Infinity : Infinity;
    return Number(body);
  }
  switch (s.toLowerCase()) {
    case 'inf':
    case '+inf':
    case 'infinity':
    case '+infinity':
      return Infinity;
    case '-inf':
    case '-infinity':
      return -Infinity;
    case 'nan':
      return NaN;
    default:
      return undefined;
  }
}

const TRUE = new Set(['t', 'true', 'y', 'yes', '1']);
const FALSE = new Set(['f', 'false', 'n', 'no', '0']);

export function parseBoolean(text: string): boolean | undefined {
  const s = trimAll(text).toLowerCase();
  if (TRUE.has(s)) return true;
  if (FALSE.has(s)) return false;
  return undefined;
}
