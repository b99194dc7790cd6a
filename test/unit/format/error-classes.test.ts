import { describe, expect, it } from 'vitest';
import { DEFAULT_SEARCH_PATH, errorClassInfo, renderErrorMessage } from '../../../engine/errors/error-classes.js';
import { AnalysisError, IllegalArgumentError } from '../../../engine/errors/errors.js';

/** Messages as Spark 4.3.0 renders them (SparkThrowableHelper.getMessage / real failing queries). */
describe('renderErrorMessage matches Spark 4.3.0', () => {
  it.each([
    [
      'TABLE_OR_VIEW_NOT_FOUND',
      { relationName: '`missing_t`', searchPath: DEFAULT_SEARCH_PATH },
      '[TABLE_OR_VIEW_NOT_FOUND] The table or view `missing_t` cannot be found. Verify the spelling and correctness of the schema and catalog.\n' +
        'Search path: [`system`.`builtin`, `system`.`session`, `spark_catalog`.`default`].\n' +
        'If you did not qualify the name with a schema, verify the current_schema() output, or qualify the name with the correct schema and catalog.\n' +
        'To tolerate the error on drop use DROP VIEW IF EXISTS or DROP TABLE IF EXISTS. SQLSTATE: 42P01',
    ],
    [
      'UNRESOLVED_ROUTINE',
      { routineName: '`nofunc`', searchPath: DEFAULT_SEARCH_PATH },
      '[UNRESOLVED_ROUTINE] Cannot resolve routine `nofunc` on search path [`system`.`builtin`, `system`.`session`, `spark_catalog`.`default`]. SQLSTATE: 42883',
    ],
    [
      'UNRESOLVED_COLUMN.WITH_SUGGESTION',
      { objectName: '`nocol`', proposal: '`id`' },
      '[UNRESOLVED_COLUMN.WITH_SUGGESTION] A column, variable, or function parameter with name `nocol` cannot be resolved. Did you mean one of the following? [`id`]. SQLSTATE: 42703',
    ],
    [
      // Spark's sub-message is empty, so a space is left before SQLSTATE.
      'UNRESOLVED_COLUMN.WITHOUT_SUGGESTION',
      { objectName: '`x`' },
      '[UNRESOLVED_COLUMN.WITHOUT_SUGGESTION] A column, variable, or function parameter with name `x` cannot be resolved.  SQLSTATE: 42703',
    ],
    [
      'INVALID_CONF_VALUE.TIME_ZONE',
      { confValue: 'Mars/Base', confName: 'spark.sql.session.timeZone' },
      '[INVALID_CONF_VALUE.TIME_ZONE] The value \'Mars/Base\' in the config "spark.sql.session.timeZone" is invalid. Cannot resolve the given timezone. SQLSTATE: 22022',
    ],
    [
      'CAST_OVERFLOW',
      { value: '3000000000L', sourceType: '"BIGINT"', targetType: '"INT"' },
      '[CAST_OVERFLOW] The value 3000000000L of the type "BIGINT" cannot be cast to "INT" due to an overflow. Use `try_cast` to tolerate overflow and return NULL instead. SQLSTATE: 22003',
    ],
    [
      'ARITHMETIC_OVERFLOW',
      { message: 'overflow', alternative: " Use 'try_add' to tolerate overflow and return NULL instead.", config: '"spark.sql.ansi.enabled"' },
      '[ARITHMETIC_OVERFLOW] overflow. Use \'try_add\' to tolerate overflow and return NULL instead. If necessary set "spark.sql.ansi.enabled" to "false" to bypass this error. SQLSTATE: 22003',
    ],
    [
      'INVALID_HANDLE.SESSION_CLOSED',
      { handle: 'h' },
      '[INVALID_HANDLE.SESSION_CLOSED] The handle h is invalid. Session was closed. SQLSTATE: 08003',
    ],
    [
      'INVALID_HANDLE.OPERATION_NOT_FOUND',
      { handle: 'h' },
      '[INVALID_HANDLE.OPERATION_NOT_FOUND] The handle h is invalid. Operation not found. SQLSTATE: HY000',
    ],
    [
      'CONNECT_INVALID_PLAN.INVALID_ONE_OF_FIELD_NOT_SUPPORTED',
      { fullName: 'spark.connect.Relation', name: 'JOIN', number: '5' },
      '[CONNECT_INVALID_PLAN.INVALID_ONE_OF_FIELD_NOT_SUPPORTED] The Spark Connect plan is invalid. This oneOf field message in spark.connect.Relation is not supported: JOIN(5) SQLSTATE: 56K00',
    ],
    [
      'STREAMING_OUTPUT_MODE.UNSUPPORTED_OPERATION',
      { outputMode: 'append', operation: 'streaming aggregations without watermark' },
      '[STREAMING_OUTPUT_MODE.UNSUPPORTED_OPERATION] Invalid streaming output mode: append. This output mode is not supported for streaming aggregations without watermark on streaming DataFrames/DataSets. SQLSTATE: 42KDE',
    ],
    [
      'STREAM_FAILED',
      { id: 'a', runId: 'b', message: 'boom' },
      '[STREAM_FAILED] Query [id = a, runId = b] terminated with exception: boom SQLSTATE: XXKST',
    ],
  ])('%s', (cls, params, text) => {
    expect(renderErrorMessage(cls, params, '')).toBe(text);
  });

  it('prints legacy classes as bare text without SQLSTATE', () => {
    expect(renderErrorMessage('_LEGACY_ERROR_TEMP_1194', {}, '')).toBe('queryName must be specified for memory sink.');
    expect(renderErrorMessage('_LEGACY_ERROR_TEMP_1298', { config: 'spark.sql.streaming.checkpointLocation' }, '')).toBe(
      'checkpointLocation must be specified either through option("checkpointLocation", ...) or SparkSession.conf.set("spark.sql.streaming.checkpointLocation", ...).',
    );
    expect(renderErrorMessage('_LEGACY_ERROR_TEMP_3102', { msg: 'Sorting is not supported' }, '')).toBe('Sorting is not supported');
    expect(renderErrorMessage('_LEGACY_ERROR_TEMP_9999', {}, 'some text')).toBe('some text');
    expect(errorClassInfo('_LEGACY_ERROR_TEMP_1194')?.sqlState).toBeUndefined();
  });

  it('keeps unknown classes and missing parameters visible', () => {
    expect(renderErrorMessage('NOT_A_SPARK_CLASS', {}, 'details')).toBe('[NOT_A_SPARK_CLASS] details');
    expect(renderErrorMessage('NOT_A_SPARK_CLASS', {}, '')).toBe('[NOT_A_SPARK_CLASS]');
    expect(renderErrorMessage('PATH_NOT_FOUND', {}, '')).toBe('[PATH_NOT_FOUND] Path does not exist: <path>. SQLSTATE: 42K03');
  });

  it('has no made-up Spark Connect classes', () => {
    expect(errorClassInfo('CONNECT_INVALID_PLAN.UNSUPPORTED_RELATION')).toBeUndefined();
  });
});

describe('errors carry the catalog SQLSTATE', () => {
  it('AnalysisError.withClass', () => {
    const e = AnalysisError.withClass('CANNOT_PARSE_INTERVAL', { intervalString: "'x'" });
    expect(e.sqlState).toBe('22006');
    expect(e.message.startsWith("[CANNOT_PARSE_INTERVAL] Unable to parse 'x'.")).toBe(true);
  });

  it('legacy classes have no SQLSTATE', () => {
    const e = IllegalArgumentError.withClass('_LEGACY_ERROR_TEMP_3262', { interval: '1 month' });
    expect(e.sqlState).toBeUndefined();
    expect(e.message).toBe("Doesn't support month or year interval: 1 month");
  });
});
