import { E, type Expr } from '../engine/expr/expr.js';
import { T } from '../engine/types/data-type.js';
import { PySparkTypeError } from './errors.js';
import { Timestamp } from './timestamp.js';

const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;

/**
 * A JavaScript value as a Spark literal, as PySpark's LiteralExpression types Python values:
 * integers in the int32 range → integer, larger → long (bigint too), fractions → double,
 * Date/Timestamp → timestamp, null → a null of type void.
 */
export function literalExpr(value: unknown): Expr {
  if (value === null || value === undefined) return E.lit(null, T.null);
  if (typeof value === 'boolean') return E.lit(value, T.boolean);
  if (typeof value === 'string') return E.lit(value, T.string);
  if (typeof value === 'bigint') return E.lit(Number(value), T.long);
  if (typeof value === 'number') {
    if (Number.isInteger(value)) return E.lit(value, value >= INT32_MIN && value <= INT32_MAX ? T.integer : T.long);
    return E.lit(value, T.double);
  }
  // A Timestamp is a Date: checked first so its microseconds survive.
  if (value instanceof Timestamp) return E.lit(value.micros, T.timestamp);
  if (value instanceof Date) return E.lit(value.getTime() * 1000, T.timestamp);
  if (value instanceof Uint8Array) return E.lit(value, T.binary);
  throw new PySparkTypeError(`[UNSUPPORTED_LITERAL] Unsupported Literal '${String(value)}'.`, {
    errorClass: 'UNSUPPORTED_LITERAL',
    messageParameters: { literal: String(value) },
  });
}
