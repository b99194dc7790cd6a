import { AnalysisError, NotSupportedError } from '../errors/errors.js';

/** A valid Spark Connect choice (relation, expression, literal, data type...) that Kindling does not implement. */
export function unsupportedKind(category: string, kind: string): NotSupportedError {
  const message = `${category} type '${kind}' is not supported by Kindling.`;
  if (category === 'Relation') {
    return new NotSupportedError(message, {
      errorClass: 'CONNECT_INVALID_PLAN.UNSUPPORTED_RELATION',
      messageParameters: { message },
    });
  }
  return new NotSupportedError(message);
}

/**
 * A oneof with no choice set: a malformed message, or a choice newer than Kindling's protos (unknown
 * fields are dropped by the decoder). Spark answers the same way.
 */
export function oneofNotSet(fullName: string, oneofName: string): AnalysisError {
  return AnalysisError.withClass('CONNECT_INVALID_PLAN.INVALID_ONE_OF_FIELD_NOT_SET', {
    fullName,
    name: `${oneofName.replace(/_/g, '').toUpperCase()}_NOT_SET`,
  });
}

/** A required field is missing or malformed. */
export function invalidPlan(message: string): AnalysisError {
  return new AnalysisError(message);
}

export function required<V>(value: V | null | undefined, message: string): V {
  if (value === null || value === undefined) throw invalidPlan(message);
  return value;
}

/**
 * The chosen field of a oneof: the virtual `<oneof>` field proto-loader adds (`oneofs: true`), or,
 * for objects built by hand or by our encoders, the first set key that is not one of `others`.
 */
export function oneofCase(msg: object, virtualField: string, others: readonly string[]): string | undefined {
  const rec = msg as Record<string, unknown>;
  const named = rec[virtualField];
  if (typeof named === 'string' && named !== '') return named;
  for (const key of Object.keys(rec)) {
    if (key === virtualField || key.startsWith('_') || others.includes(key)) continue;
    if (rec[key] !== undefined && rec[key] !== null) return key;
  }
  return undefined;
}

/** int64 fields arrive as decimal strings (`longs: String`); values beyond 2^53 lose precision, as JS numbers do. */
export function toNumber(v: string | number | { toString(): string } | null | undefined, fallback = 0): number {
  if (v === null || v === undefined) return fallback;
  if (typeof v === 'number') return v;
  const n = Number(typeof v === 'string' ? v : v.toString());
  if (Number.isNaN(n)) throw invalidPlan(`Invalid integer value '${String(v)}'.`);
  return n;
}
