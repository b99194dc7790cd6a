import { AnalysisError, NotSupportedError } from '../errors/errors.js';

/** Field numbers of Relation's `rel_type` choices (Spark's numbering), for Spark's error text. */
const RELATION_FIELD_NUMBERS: Readonly<Record<string, number>> = {
  read: 2, project: 3, filter: 4, join: 5, set_op: 6, sort: 7, limit: 8, aggregate: 9, sql: 10,
  local_relation: 11, sample: 12, offset: 13, deduplicate: 14, range: 15, subquery_alias: 16,
  repartition: 17, to_df: 18, with_columns_renamed: 19, show_string: 20, drop: 21, tail: 22,
  with_columns: 23, hint: 24, unpivot: 25, to_schema: 26, repartition_by_expression: 27,
  map_partitions: 28, collect_metrics: 29, parse: 30, group_map: 31, co_group_map: 32,
  with_watermark: 33, apply_in_pandas_with_state: 34, html_string: 35, cached_local_relation: 36,
  cached_remote_relation: 37, common_inline_user_defined_table_function: 38, as_of_join: 39,
  common_inline_user_defined_data_source: 40, with_relations: 41, transpose: 42,
  unresolved_table_valued_function: 43, lateral_join: 44, chunked_cached_local_relation: 45,
  relation_changes: 46, nearest_by_join: 47, zip: 48, fill_na: 90, drop_na: 91, replace: 92,
  summary: 100, crosstab: 101, describe: 102, cov: 103, corr: 104, approx_quantile: 105,
  freq_items: 106, sample_by: 107, catalog: 200, ml_relation: 300, extension: 998, unknown: 999,
};

/**
 * A valid Spark Connect choice (relation, expression, literal, data type...) that Kindling does not
 * implement. Relations get Spark's own answer, `INVALID_ONE_OF_FIELD_NOT_SUPPORTED`.
 */
export function unsupportedKind(category: string, kind: string): NotSupportedError {
  const number = RELATION_FIELD_NUMBERS[kind];
  if (category === 'Relation' && number !== undefined) {
    return new NotSupportedError('', {
      errorClass: 'CONNECT_INVALID_PLAN.INVALID_ONE_OF_FIELD_NOT_SUPPORTED',
      messageParameters: { fullName: 'spark.connect.Relation', name: kind.toUpperCase(), number: String(number) },
    });
  }
  return new NotSupportedError(`${category} type '${kind}' is not supported by Kindling.`);
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
