import { RuntimeDataError } from '../../errors/errors.js';
import type { DataType } from '../../types/data-type.js';

/** Integral ranges and Java-style wrap-around, for ANSI overflow checks and legacy semantics. */
export const RANGES = {
  byte: [-128, 127],
  short: [-32768, 32767],
  integer: [-2147483648, 2147483647],
  long: [-9223372036854775808, 9223372036854775807],
} as const;

export type IntegralKind = keyof typeof RANGES;

export function isIntegralKind(k: string): k is IntegralKind {
  return k === 'byte' || k === 'short' || k === 'integer' || k === 'long';
}

/** Java's two's complement narrowing of an integral result (`(int) x`, `(byte) x`, 64-bit wrap). */
export function wrap(kind: IntegralKind, x: number): number {
  switch (kind) {
    case 'byte':
      return (x << 24) >> 24;
    case 'short':
      return (x << 16) >> 16;
    case 'integer':
      return x | 0;
    case 'long':
      return Number(BigInt.asIntN(64, BigInt(Math.trunc(x))));
  }
}

export function inRange(kind: IntegralKind, x: number): boolean {
  const [lo, hi] = RANGES[kind];
  // 2^63 itself rounds onto the long bound as a double, so the upper check is strict there.
  return kind === 'long' ? x >= lo && x < 9223372036854775808 : x >= lo && x <= hi;
}

const ANSI_CONFIG = '"spark.sql.ansi.enabled"';

export function arithmeticOverflow(tryFunction: string): RuntimeDataError {
  return new RuntimeDataError('', {
    errorClass: 'ARITHMETIC_OVERFLOW',
    messageParameters: {
      message: 'overflow',
      alternative: ` Use '${tryFunction}' to tolerate overflow and return NULL instead.`,
      config: ANSI_CONFIG,
    },
    sparkClass: 'org.apache.spark.SparkArithmeticException',
  });
}

export function divideByZero(): RuntimeDataError {
  return new RuntimeDataError('', {
    errorClass: 'DIVIDE_BY_ZERO',
    messageParameters: { config: ANSI_CONFIG },
    sparkClass: 'org.apache.spark.SparkArithmeticException',
  });
}

export function remainderByZero(): RuntimeDataError {
  return new RuntimeDataError('', {
    errorClass: 'REMAINDER_BY_ZERO',
    messageParameters: { config: ANSI_CONFIG },
    sparkClass: 'org.apache.spark.SparkArithmeticException',
  });
}

/**
 * Checks an integral result against its type: ANSI raises ARITHMETIC_OVERFLOW, legacy wraps as
 * Java does. Non-integral types pass through (floats are rounded to single precision).
 */
export function fitResult(type: DataType, x: number, ansi: boolean, tryFunction: string): number {
  const k = type.kind;
  if (k === 'double') return x;
  if (k === 'float') return Math.fround(x);
  if (!isIntegralKind(k) || inRange(k, x)) return x;
  if (ansi) throw arithmeticOverflow(tryFunction);
  return wrap(k, x);
}

/** Exact 64-bit arithmetic when a double result may have lost integer precision. */
export function exactLong(op: '+' | '-' | '*', x: number, y: number, ansi: boolean, tryFunction: string): number {
  const a = BigInt(x);
  const b = BigInt(y);
  const r = op === '+' ? a + b : op === '-' ? a - b : a * b;
  const w = BigInt.asIntN(64, r);
  if (w !== r && ansi) throw arithmeticOverflow(tryFunction);
  return Number(w);
}
