import { RuntimeDataError } from '../../errors/errors.js';
import { fitsIntegral, isIntegralKind, wrapIntegral } from '../../types/atomic-types.js';
import type { DataType } from '../../types/data-type.js';

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
  if (!isIntegralKind(k) || fitsIntegral(k, x)) return x;
  if (ansi) throw arithmeticOverflow(tryFunction);
  return wrapIntegral(k, x);
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
