/**
 * Java's `Double.toString` / `Float.toString` (the JDK 19+ specification): the shortest decimal
 * that reads back as the same value, written plainly for magnitudes in [1e-3, 1e7) and as
 * `d.dddE±n` otherwise, always with at least one fractional digit.
 *
 * JDK 17 and older use an earlier algorithm that, for a few values, prints a longer or slightly
 * different decimal (JDK 17 prints 1e23 as `9.999999999999999E22`; JDK 19+ and this code print
 * `1.0E23`). Both forms read back as the same double.
 */

/** Significant digits (no leading/trailing zeros) and the decimal exponent of the first digit. */
interface Decimal {
  readonly digits: string;
  readonly exponent: number;
}

function splitExponential(text: string): Decimal {
  const e = text.indexOf('e');
  const mantissa = text.slice(0, e).replace('.', '');
  const digits = mantissa.replace(/0+$/, '');
  return { digits: digits === '' ? '0' : digits, exponent: Number(text.slice(e + 1)) };
}

/** `x` (finite, > 0) as m·2^e exactly. */
function exactBinary(x: number): { m: bigint; e: number } {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  const bits = view.getBigUint64(0);
  const expBits = Number((bits >> 52n) & 0x7ffn);
  const frac = bits & ((1n << 52n) - 1n);
  return expBits === 0 ? { m: frac, e: -1074 } : { m: frac | (1n << 52n), e: expBits - 1075 };
}

/** Whether `x` lies exactly halfway between n·10^k and alt·10^k, i.e. 2x = (n + alt)·10^k. */
function isMidpoint(x: number, sum: bigint, k: number): boolean {
  const { m, e } = exactBinary(x);
  let left = m;
  let right = sum;
  if (e + 1 >= 0) left <<= BigInt(e + 1);
  else right <<= BigInt(-(e + 1));
  if (k >= 0) right *= 10n ** BigInt(k);
  else left *= 10n ** BigInt(-k);
  return left === right;
}

function normalize(n: bigint, k: number): Decimal {
  const text = n.toString();
  const digits = text.replace(/0+$/, '');
  return { digits: digits === '' ? '0' : digits, exponent: k + text.length - 1 };
}

/**
 * JavaScript breaks a tie between two equally close decimals upwards; Java picks the one whose
 * last digit is even. A tie needs the value's spacing to reach the last decimal digit, which only
 * happens with at least `tieDigits` digits (precision bits × log10 2) or for subnormal values.
 */
function preferEven(
  x: number,
  d: Decimal,
  readsBack: (text: string) => boolean,
  tieDigits: number,
  minNormal: number,
): Decimal {
  if (d.digits.length < tieDigits && x >= minNormal) return d;
  if ((d.digits.charCodeAt(d.digits.length - 1) - 48) % 2 === 0) return d;
  const k = d.exponent - (d.digits.length - 1);
  const n = BigInt(d.digits);
  // Only an exact decimal ending in 5 one place further can be a tie.
  if (!x.toExponential(d.digits.length).includes('5e')) return d;
  for (const alt of [n - 1n, n + 1n]) {
    if (alt <= 0n || !isMidpoint(x, n + alt, k)) continue;
    const even = normalize(alt, k);
    if (readsBack(`${even.digits}e${even.exponent - (even.digits.length - 1)}`)) return even;
  }
  return d;
}

/**
 * Java's choice among decimals that round to `x`: the shortest, except that a one-digit answer is
 * replaced by the two-digit decimal closest to `x` (so `Double.MIN_VALUE` prints as `4.9E-324`);
 * among equally short ones the closest, and on a tie the even one.
 */
function shortestDouble(x: number): Decimal {
  let d = splitExponential(x.toExponential());
  if (d.digits.length === 1) d = splitExponential(x.toExponential(1));
  return preferEven(x, d, (text) => Number(text) === x, 16, 2.2250738585072014e-308);
}

function shortestFloat(x: number): Decimal {
  const readsBack = (text: string): boolean => Math.fround(Number(text)) === x;
  for (let p = 1; p <= 9; p++) {
    const text = x.toExponential(p - 1);
    if (readsBack(text)) {
      const d = splitExponential(p === 1 ? x.toExponential(1) : text);
      return preferEven(x, d, readsBack, 7, 1.1754943508222875e-38);
    }
  }
  return splitExponential(x.toExponential(8));
}

function layout(negative: boolean, d: Decimal, magnitude: number): string {
  const sign = negative ? '-' : '';
  const { digits, exponent } = d;
  if (magnitude >= 1e-3 && magnitude < 1e7) {
    if (exponent < 0) return `${sign}0.${'0'.repeat(-exponent - 1)}${digits}`;
    const intLen = exponent + 1;
    if (digits.length <= intLen) return `${sign}${digits}${'0'.repeat(intLen - digits.length)}.0`;
    return `${sign}${digits.slice(0, intLen)}.${digits.slice(intLen)}`;
  }
  const frac = digits.length > 1 ? digits.slice(1) : '0';
  return `${sign}${digits[0] ?? '0'}.${frac}E${exponent}`;
}

function special(x: number): string | undefined {
  if (Number.isNaN(x)) return 'NaN';
  if (x === Number.POSITIVE_INFINITY) return 'Infinity';
  if (x === Number.NEGATIVE_INFINITY) return '-Infinity';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  return undefined;
}

/** `java.lang.Double.toString(x)`. */
export function javaDoubleToString(x: number): string {
  const s = special(x);
  if (s !== undefined) return s;
  const abs = Math.abs(x);
  if (abs >= 1e-3 && abs < 1e7) {
    // JavaScript already writes this range plainly with the shortest digits; it can only disagree
    // with Java on ties, which need 16 or more digits.
    const plain = String(x);
    if (plain.length < 16) return plain.includes('.') ? plain : `${plain}.0`;
  }
  return layout(x < 0, shortestDouble(abs), abs);
}

/** `java.lang.Float.toString(x)`; `x` is rounded to single precision first. */
export function javaFloatToString(x: number): string {
  const f = Math.fround(x);
  const s = special(f);
  if (s !== undefined) return s;
  const abs = Math.abs(f);
  return layout(f < 0, shortestFloat(abs), abs);
}
