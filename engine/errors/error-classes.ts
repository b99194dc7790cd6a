// Over 400 lines because: one table, Spark's error-class catalog, kept in one file (as Spark's
// error-conditions.json is) so every class Kindling raises is found in one place; the code is the last 20 lines.
/**
 * The Spark error classes Kindling raises: SQLSTATE and message template (`<param>` placeholders).
 * Texts and SQLSTATEs are those of Apache Spark 4.3.0's `error-conditions.json` (a sub-class's
 * template is the main message, a space, then the sub-message, as Spark joins them). Rendered as
 * Spark's `SparkThrowableHelper.getMessage` does: `[CLASS] text SQLSTATE: xxxxx`, and legacy
 * `_LEGACY_ERROR_TEMP_*` classes as the bare text.
 */
export interface ErrorClassInfo {
  /** Absent for Spark's `_LEGACY_ERROR_TEMP_*` classes, which have none. */
  readonly sqlState?: string;
  readonly template: string;
}

const CATALOG: Readonly<Record<string, ErrorClassInfo>> = {
  'UNRESOLVED_COLUMN.WITH_SUGGESTION': {
    sqlState: '42703',
    template:
      'A column, variable, or function parameter with name <objectName> cannot be resolved. Did you mean one of the following? [<proposal>].',
  },
  'UNRESOLVED_COLUMN.WITHOUT_SUGGESTION': {
    sqlState: '42703',
    template: 'A column, variable, or function parameter with name <objectName> cannot be resolved. ',
  },
  'UNRESOLVED_FIELD.WITH_SUGGESTION': {
    sqlState: '42703',
    template:
      'A field with name <fieldName> cannot be resolved with the struct-type column <columnPath>. Did you mean one of the following? [<proposal>].',
  },
  TABLE_OR_VIEW_NOT_FOUND: {
    sqlState: '42P01',
    template:
      'The table or view <relationName> cannot be found. Verify the spelling and correctness of the schema and catalog.\nSearch path: <searchPath>.\nIf you did not qualify the name with a schema, verify the current_schema() output, or qualify the name with the correct schema and catalog.\nTo tolerate the error on drop use DROP VIEW IF EXISTS or DROP TABLE IF EXISTS.',
  },
  UNRESOLVED_ROUTINE: {
    sqlState: '42883',
    template: 'Cannot resolve routine <routineName> on search path <searchPath>.',
  },
  AMBIGUOUS_REFERENCE: {
    sqlState: '42704',
    template: 'Reference <name> is ambiguous, could be: <referenceNames>.',
  },
  FIELD_NOT_FOUND: {
    sqlState: '42704',
    template: 'No such struct field <fieldName> in <fields>.',
  },
  PARSE_SYNTAX_ERROR: {
    sqlState: '42601',
    template: 'Syntax error at or near <error><hint>.',
  },
  PARSE_EMPTY_STATEMENT: {
    sqlState: '42617',
    template: 'Syntax error, unexpected empty statement.',
  },
  'WRONG_NUM_ARGS.WITHOUT_SUGGESTION': {
    sqlState: '42605',
    template:
      'The <functionName> requires <expectedNum> parameters but the actual number is <actualNum>. Please, refer to \'<docroot>/sql-ref-functions.html\' for a fix.',
  },
  'DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE': {
    sqlState: '42K09',
    template:
      'Cannot resolve <sqlExpr> due to data type mismatch: The <paramIndex> parameter requires the <requiredType> type, however <inputSql> has the type <inputType>.',
  },
  'DATATYPE_MISMATCH.BINARY_OP_DIFF_TYPES': {
    sqlState: '42K09',
    template:
      'Cannot resolve <sqlExpr> due to data type mismatch: the left and right operands of the binary operator have incompatible types (<left> and <right>).',
  },
  'DATATYPE_MISMATCH.CAST_WITHOUT_SUGGESTION': {
    sqlState: '42K09',
    template: 'Cannot resolve <sqlExpr> due to data type mismatch: cannot cast <srcType> to <targetType>.',
  },
  'DATATYPE_MISMATCH.VALUE_OUT_OF_RANGE': {
    sqlState: '42K09',
    template:
      'Cannot resolve <sqlExpr> due to data type mismatch: The <exprName> must be between <valueRange> (current value = <currentValue>).',
  },
  'DATATYPE_MISMATCH.PARAMETER_CONSTRAINT_VIOLATION': {
    sqlState: '42K09',
    template:
      'Cannot resolve <sqlExpr> due to data type mismatch: The <leftExprName>(<leftExprValue>) must be <constraint> the <rightExprName>(<rightExprValue>).',
  },
  'DATATYPE_MISMATCH.FILTER_NOT_BOOLEAN': {
    sqlState: '42K09',
    template: 'Cannot resolve <sqlExpr> due to data type mismatch: Filter expression <filter> of type <type> is not a boolean.',
  },
  EVENT_TIME_IS_NOT_ON_TIMESTAMP_TYPE: {
    sqlState: '42K09',
    template: 'The event time <eventName> has the invalid type <eventType>, but expected "TIMESTAMP".',
  },
  MISSING_AGGREGATION: {
    sqlState: '42803',
    template:
      'The non-aggregating expression <expression> is based on columns which are not participating in the GROUP BY clause.\nAdd the columns or the expression to the GROUP BY, aggregate the expression, or use <expressionAnyValue> if you do not care which of the values within a group is returned.',
  },
  'STREAMING_OUTPUT_MODE.INVALID': {
    sqlState: '42KDE',
    template: "Invalid streaming output mode: <outputMode>. Accepted output modes are 'Append', 'Complete', 'Update'.",
  },
  'STREAMING_OUTPUT_MODE.UNSUPPORTED_OPERATION': {
    sqlState: '42KDE',
    template:
      'Invalid streaming output mode: <outputMode>. This output mode is not supported for <operation> on streaming DataFrames/DataSets.',
  },
  UNSUPPORTED_STREAMING_OPERATOR_WITHOUT_WATERMARK: {
    sqlState: '0A000',
    template:
      '<outputMode> output mode not supported for <statefulOperator> on streaming DataFrames/DataSets without watermark.',
  },
  CONCURRENT_QUERY: {
    sqlState: '0A000',
    template: 'Another instance of this query was just started by a concurrent session.',
  },
  CONCURRENT_STREAM_LOG_UPDATE: {
    sqlState: '40000',
    template:
      'Concurrent update to the log. Multiple streaming jobs detected for <batchId>.\nPlease make sure only one streaming job runs on a specific checkpoint location at a time.',
  },
  STREAM_FAILED: {
    sqlState: 'XXKST',
    template: 'Query [id = <id>, runId = <runId>] terminated with exception: <message>',
  },
  WRITE_STREAM_NOT_ALLOWED: {
    sqlState: '42601',
    template: '`writeStream` can be called only on streaming Dataset/DataFrame.',
  },
  CAST_INVALID_INPUT: {
    sqlState: '22018',
    template:
      'The value <expression> of the type <sourceType> cannot be cast to <targetType> because it is malformed. Correct the value as per the syntax, or change its target type. Use `try_cast` to tolerate malformed input and return NULL instead.',
  },
  INVALID_INTERVAL_WITH_MICROSECONDS_ADDITION: {
    sqlState: '22006',
    template:
      'Cannot add an interval to a date because its microseconds part is not 0. To resolve this, cast the input date to a timestamp, which supports the addition of intervals with non-zero microseconds.',
  },
  DIVIDE_BY_ZERO: {
    sqlState: '22012',
    template:
      'Division by zero. Use `try_divide` to tolerate divisor being 0 and return NULL instead. If necessary set <config> to "false" to bypass this error.',
  },
  'INVALID_HANDLE.OPERATION_NOT_FOUND': {
    sqlState: 'HY000',
    template: 'The handle <handle> is invalid. Operation not found.',
  },
  'INVALID_HANDLE.SESSION_NOT_FOUND': {
    sqlState: '08003',
    template: 'The handle <handle> is invalid. Session not found.',
  },
  'INVALID_HANDLE.SESSION_CLOSED': {
    sqlState: '08003',
    template: 'The handle <handle> is invalid. Session was closed.',
  },
  'INVALID_HANDLE.FORMAT': {
    sqlState: 'HY000',
    template: "The handle <handle> is invalid. Handle must be an UUID string of the format '00112233-4455-6677-8899-aabbccddeeff'",
  },
  'INVALID_HANDLE.OPERATION_ABANDONED': {
    sqlState: 'HY000',
    template: 'The handle <handle> is invalid. Operation was considered abandoned because of inactivity and removed.',
  },
  'INVALID_HANDLE.OPERATION_ALREADY_EXISTS': {
    sqlState: 'HY000',
    template: 'The handle <handle> is invalid. Operation already exists.',
  },
  'INVALID_HANDLE.SESSION_CHANGED': {
    sqlState: '08003',
    template:
      'The handle <handle> is invalid. The existing Spark server driver instance has restarted. Please reconnect.',
  },
  'INVALID_CURSOR.DISCONNECTED': {
    sqlState: 'HY109',
    template: 'The cursor is invalid. The cursor has been disconnected by the server.',
  },
  'INVALID_CURSOR.POSITION_NOT_AVAILABLE': {
    sqlState: 'HY109',
    template: 'The cursor is invalid. The cursor position id <responseId> is no longer available at index <index>.',
  },
  'INVALID_CURSOR.POSITION_NOT_FOUND': {
    sqlState: 'HY109',
    template: 'The cursor is invalid. The cursor position id <responseId> is not found.',
  },
  OPERATION_CANCELED: {
    sqlState: 'HY008',
    template: 'Operation has been canceled.',
  },
  'CONNECT_INVALID_PLAN.INVALID_ONE_OF_FIELD_NOT_SUPPORTED': {
    sqlState: '56K00',
    template:
      'The Spark Connect plan is invalid. This oneOf field message in <fullName> is not supported: <name>(<number>)',
  },
  'CONNECT_INVALID_PLAN.CANNOT_PARSE': {
    sqlState: '56K00',
    template:
      'The Spark Connect plan is invalid. Cannot decompress or parse the input plan (<errorMsg>)\nThis may be caused by a corrupted compressed plan.\nTo disable plan compression, set \'spark.connect.session.planCompression.threshold\' to -1.',
  },
  'CONNECT_INVALID_PLAN.STREAMING_QUERY_NOT_FOUND': {
    sqlState: '56K00',
    template: 'The Spark Connect plan is invalid. Streaming query <id> is not found',
  },
  'CONNECT_INVALID_PLAN.STREAMING_QUERY_RUN_ID_MISMATCH': {
    sqlState: '56K00',
    template:
      'The Spark Connect plan is invalid. Run id mismatch for query id <id>. Run id in the request <runId> does not match one on the server <serverRunId>. The query might have restarted.',
  },
  'CONNECT_INVALID_PLAN.INVALID_ONE_OF_FIELD_NOT_SET': {
    sqlState: '56K00',
    template: 'The Spark Connect plan is invalid. This oneOf field in <fullName> is not set: <name>',
  },
  UNBOUND_SQL_PARAMETER: {
    sqlState: '42P02',
    template:
      'Found the unbound parameter: <name>. Please, fix `args` and provide a mapping of the parameter to either a SQL literal or collection constructor functions such as `map()`, `array()`, `struct()`.',
  },
  INVALID_NUMERIC_LITERAL_RANGE: {
    sqlState: '22003',
    template:
      'Numeric literal <rawStrippedQualifier> is outside the valid range for <typeName> with minimum value of <minValue> and maximum value of <maxValue>. Please adjust the value accordingly.',
  },
  UNSUPPORTED_DATATYPE: {
    sqlState: '0A000',
    template: 'Unsupported data type <typeName>.',
  },
  DATATYPE_MISSING_SIZE: {
    sqlState: '42K01',
    template: 'DataType <type> requires a length parameter, for example <type>(10). Please specify the length.',
  },
  UNCLOSED_BRACKETED_COMMENT: {
    sqlState: '42601',
    template: 'Found an unclosed bracketed comment. Please, append */ at the end of the comment.',
  },
  TRAILING_COMMA_IN_SELECT: {
    sqlState: '42601',
    template: 'Trailing comma detected in SELECT clause. Remove the trailing comma before the FROM clause.',
  },
  'INVALID_LIMIT_LIKE_EXPRESSION.IS_UNFOLDABLE': {
    sqlState: '42K0E',
    template: 'The limit like expression <expr> is invalid. The <name> expression must evaluate to a constant value.',
  },
  'INVALID_LIMIT_LIKE_EXPRESSION.IS_NEGATIVE': {
    sqlState: '42K0E',
    template:
      'The limit like expression <expr> is invalid. The <name> expression must be equal to or greater than 0, but got <v>.',
  },
  INVALID_TYPED_LITERAL: {
    sqlState: '42604',
    template: 'The value of the typed literal <valueType> is invalid: <value>.',
  },
  INVALID_JSON_DATA_TYPE: {
    sqlState: '2203G',
    template: "Failed to convert the JSON string '<invalidType>' to a data type. Please enter a valid data type.",
  },
  'DATATYPE_MISMATCH.BINARY_OP_WRONG_TYPE': {
    sqlState: '42K09',
    template:
      'Cannot resolve <sqlExpr> due to data type mismatch: the binary operator requires the input type <inputType>, not <actualDataType>.',
  },
  'DATATYPE_MISMATCH.DATA_DIFF_TYPES': {
    sqlState: '42K09',
    template:
      'Cannot resolve <sqlExpr> due to data type mismatch: Input to <functionName> should all be the same type, but it\'s <dataType>.',
  },
  'DATATYPE_MISMATCH.NON_FOLDABLE_INPUT': {
    sqlState: '42K09',
    template:
      'Cannot resolve <sqlExpr> due to data type mismatch: the input <inputName> should be a foldable <inputType> expression; however, got <inputExpr>.',
  },
  'DATATYPE_MISMATCH.CREATE_NAMED_STRUCT_WITHOUT_FOLDABLE_STRING': {
    sqlState: '42K09',
    template:
      'Cannot resolve <sqlExpr> due to data type mismatch: Only foldable `STRING` expressions are allowed to appear at odd position, but they are <inputExprs>.',
  },
  'DATATYPE_MISMATCH.INVALID_ORDERING_TYPE': {
    sqlState: '42K09',
    template: 'Cannot resolve <sqlExpr> due to data type mismatch: The <functionName> does not support ordering on type <dataType>.',
  },
  CAST_OVERFLOW: {
    sqlState: '22003',
    template:
      'The value <value> of the type <sourceType> cannot be cast to <targetType> due to an overflow. Use `try_cast` to tolerate overflow and return NULL instead.',
  },
  ARITHMETIC_OVERFLOW: {
    sqlState: '22003',
    template: '<message>.<alternative> If necessary set <config> to "false" to bypass this error.',
  },
  REMAINDER_BY_ZERO: {
    sqlState: '22012',
    template:
      'Remainder by zero. Use `try_mod` to tolerate divisor being 0 and return NULL instead. If necessary set <config> to "false" to bypass this error.',
  },
  INVALID_ARRAY_INDEX_IN_ELEMENT_AT: {
    sqlState: '22003',
    template:
      'The index <indexValue> is out of bounds. The array has <arraySize> elements. Use `try_element_at` to tolerate accessing element at invalid index and return NULL instead.',
  },
  INVALID_INDEX_OF_ZERO: {
    sqlState: '22003',
    template: 'The index 0 is invalid. An index shall be either < 0 or > 0 (the first element has index 1).',
  },
  'INVALID_PARAMETER_VALUE.PATTERN': {
    sqlState: '22023',
    template: 'The value of parameter(s) <parameter> in <functionName> is invalid: <value>.',
  },
  'INVALID_PARAMETER_VALUE.REGEX_GROUP_INDEX': {
    sqlState: '22023',
    template:
      'The value of parameter(s) <parameter> in <functionName> is invalid: Expects group index between 0 and <groupCount>, but got <groupIndex>.',
  },
  CANNOT_PARSE_TIMESTAMP: {
    sqlState: '22007',
    template: '<message>. Use <func> to tolerate invalid input string and return NULL instead.',
  },
  CANNOT_PARSE_INTERVAL: {
    sqlState: '22006',
    template:
      'Unable to parse <intervalString>. Please ensure that the value provided is in a valid format for defining an interval. You can reference the documentation for the correct format. If the issue persists, please double check that the input value is not null or empty and try again.',
  },
  'INVALID_INTERVAL_FORMAT.ARITHMETIC_EXCEPTION': {
    sqlState: '22006',
    template:
      'Error parsing \'<input>\' to interval. Please ensure that the value provided is in a valid format for defining an interval. You can reference the documentation for the correct format. Uncaught arithmetic exception while parsing \'<input>\'.',
  },
  'INVALID_INTERVAL_FORMAT.INPUT_IS_EMPTY': {
    sqlState: '22006',
    template:
      'Error parsing \'<input>\' to interval. Please ensure that the value provided is in a valid format for defining an interval. You can reference the documentation for the correct format. Interval string cannot be empty.',
  },
  'INVALID_INTERVAL_FORMAT.INVALID_FRACTION': {
    sqlState: '22006',
    template:
      'Error parsing \'<input>\' to interval. Please ensure that the value provided is in a valid format for defining an interval. You can reference the documentation for the correct format. <unit> cannot have fractional part.',
  },
  'INVALID_INTERVAL_FORMAT.INVALID_PRECISION': {
    sqlState: '22006',
    template:
      'Error parsing \'<input>\' to interval. Please ensure that the value provided is in a valid format for defining an interval. You can reference the documentation for the correct format. Interval can only support nanosecond precision, <value> is out of range.',
  },
  'INVALID_INTERVAL_FORMAT.INVALID_PREFIX': {
    sqlState: '22006',
    template:
      'Error parsing \'<input>\' to interval. Please ensure that the value provided is in a valid format for defining an interval. You can reference the documentation for the correct format. Invalid interval prefix <prefix>.',
  },
  'INVALID_INTERVAL_FORMAT.INVALID_UNIT': {
    sqlState: '22006',
    template:
      'Error parsing \'<input>\' to interval. Please ensure that the value provided is in a valid format for defining an interval. You can reference the documentation for the correct format. Invalid unit <unit>.',
  },
  'INVALID_INTERVAL_FORMAT.INVALID_VALUE': {
    sqlState: '22006',
    template:
      'Error parsing \'<input>\' to interval. Please ensure that the value provided is in a valid format for defining an interval. You can reference the documentation for the correct format. Invalid value <value>.',
  },
  'INVALID_INTERVAL_FORMAT.MISSING_NUMBER': {
    sqlState: '22006',
    template:
      'Error parsing \'<input>\' to interval. Please ensure that the value provided is in a valid format for defining an interval. You can reference the documentation for the correct format. Expect a number after <word> but hit EOL.',
  },
  'INVALID_INTERVAL_FORMAT.MISSING_UNIT': {
    sqlState: '22006',
    template:
      'Error parsing \'<input>\' to interval. Please ensure that the value provided is in a valid format for defining an interval. You can reference the documentation for the correct format. Expect a unit name after <word> but hit EOL.',
  },
  'INVALID_INTERVAL_FORMAT.UNKNOWN_PARSING_ERROR': {
    sqlState: '22006',
    template:
      'Error parsing \'<input>\' to interval. Please ensure that the value provided is in a valid format for defining an interval. You can reference the documentation for the correct format. Unknown error when parsing <word>.',
  },
  'INVALID_INTERVAL_FORMAT.UNRECOGNIZED_NUMBER': {
    sqlState: '22006',
    template:
      'Error parsing \'<input>\' to interval. Please ensure that the value provided is in a valid format for defining an interval. You can reference the documentation for the correct format. Unrecognized number <number>.',
  },
  _LEGACY_ERROR_TEMP_3231: {
    template: 'Intervals greater than a month is not supported (<interval>).',
  },
  _LEGACY_ERROR_TEMP_3262: {
    template: "Doesn't support month or year interval: <interval>",
  },
  INVALID_TIMEZONE: {
    sqlState: '22009',
    template:
      "The timezone: <timeZone> is invalid. The timezone must be either a region-based zone ID or a zone offset. Region IDs must have the form 'area/city', such as 'America/Los_Angeles'. Zone offsets must be in the format '(+|-)HH', '(+|-)HH:mm’ or '(+|-)HH:mm:ss', e.g '-08' , '+01:00' or '-13:33:33', and must be in the range from -18:00 to +18:00. 'Z' and 'UTC' are accepted as synonyms for '+00:00'.",
  },
  'INVALID_CONF_VALUE.TIME_ZONE': {
    sqlState: '22022',
    template: 'The value \'<confValue>\' in the config "<confName>" is invalid. Cannot resolve the given timezone.',
  },
  CANNOT_RESOLVE_STAR_EXPAND: {
    sqlState: '42704',
    template:
      'Cannot resolve <targetString>.* given input columns <columns>. Please check that the specified table or struct exists and is accessible in the input columns.',
  },
  DATA_SOURCE_NOT_FOUND: {
    sqlState: '42K02',
    template:
      'Failed to find the data source: <provider>. Make sure the provider name is correct and the package is properly registered and compatible with your Spark version.',
  },
  INVALID_EXTRACT_BASE_FIELD_TYPE: {
    sqlState: '42000',
    template: 'Can\'t extract a value from <base>. Need a complex type [STRUCT, ARRAY, MAP] but got <other>.',
  },
  INVALID_USAGE_OF_STAR_OR_REGEX: {
    sqlState: '42000',
    template: 'Invalid usage of <elem> in <prettyName>.',
  },
  NUM_COLUMNS_MISMATCH: {
    sqlState: '42826',
    template:
      '<operator> can only be performed on inputs with the same number of columns, but the first input has <firstNumColumns> columns and the <invalidOrdinalNum> input has <invalidNumColumns> columns.',
  },
  PATH_NOT_FOUND: {
    sqlState: '42K03',
    template: 'Path does not exist: <path>.',
  },
  TEMP_TABLE_OR_VIEW_ALREADY_EXISTS: {
    sqlState: '42P07',
    template:
      'Cannot create the temporary view <relationName> because it already exists.\nChoose a different name, drop or replace the existing view.',
  },
  UDTF_ALIAS_NUMBER_MISMATCH: {
    sqlState: '42802',
    template:
      'The number of aliases supplied in the AS clause does not match the number of columns output by the UDTF.\nExpected <aliasesSize> aliases, but got <aliasesNames>.\nPlease ensure that the number of aliases provided matches the number of columns output by the UDTF.',
  },
  'UNSUPPORTED_GENERATOR.MULTI_GENERATOR': {
    sqlState: '42K0E',
    template:
      'The generator is not supported: only one generator allowed per SELECT clause but found <num>: <generators>.',
  },
  'UNSUPPORTED_GENERATOR.NESTED_IN_EXPRESSIONS': {
    sqlState: '42K0E',
    template: 'The generator is not supported: nested in expressions <expression>.',
  },
  'UNSUPPORTED_GENERATOR.OUTSIDE_SELECT': {
    sqlState: '42K0E',
    template: 'The generator is not supported: outside the SELECT clause, found: <plan>.',
  },
  NON_TIME_WINDOW_NOT_SUPPORTED_IN_STREAMING: {
    sqlState: '42KDE',
    template:
      'Window function is not supported in <windowFunc> (as column <columnName>) on streaming DataFrames/Datasets.\nStructured Streaming only supports time-window aggregation using the WINDOW function. (window specification: <windowSpec>)',
  },
  _LEGACY_ERROR_TEMP_3102: {
    template: '<msg>',
  },
  _LEGACY_ERROR_TEMP_1295: {
    template: 'Set a host to read from with option("host", ...).',
  },
  _LEGACY_ERROR_TEMP_1296: {
    template: 'Set a port to read from with option("port", ...).',
  },
  _LEGACY_ERROR_TEMP_1297: {
    template: 'IncludeTimestamp must be set to either "true" or "false".',
  },
  _LEGACY_ERROR_TEMP_2049: {
    template: 'Data source <className> does not support streamed <operator>.',
  },
  KAFKA_DATA_SOURCE_NOT_ENABLED: {
    sqlState: '42K02',
    template:
      'Failed to find data source: <provider>. Please deploy the application as per the deployment section of Structured Streaming + Kafka Integration Guide.',
  },
  AVRO_DATA_SOURCE_NOT_ENABLED: {
    sqlState: '42K02',
    template:
      'Failed to find data source: <provider>. Avro is built-in but external data source module since Spark 2.4. Please deploy the application as per the deployment section of Apache Avro Data Source Guide.',
  },
  SQL_CONF_NOT_FOUND: {
    sqlState: '42K0I',
    template: 'The SQL config <sqlConf> cannot be found. Please verify that the config exists.',
  },
  'INVALID_INLINE_TABLE.NUM_COLUMNS_MISMATCH': {
    sqlState: '42000',
    template:
      'Invalid inline table. Inline table expected <expectedNumCols> columns but found <actualNumCols> columns in row <rowIndex>.',
  },
  'INVALID_INLINE_TABLE.INCOMPATIBLE_TYPES_IN_INLINE_TABLE': {
    sqlState: '42000',
    template: 'Invalid inline table. Found incompatible types in the column <colName> for inline table.',
  },
  'INVALID_INLINE_TABLE.CANNOT_EVALUATE_EXPRESSION_IN_INLINE_TABLE': {
    sqlState: '42000',
    template: 'Invalid inline table. Cannot evaluate the expression <expr> in inline table definition.',
  },
  'INVALID_INLINE_TABLE.FAILED_SQL_EXPRESSION_EVALUATION': {
    sqlState: '42000',
    template:
      'Invalid inline table. Failed to evaluate the SQL expression <sqlExpr>. Please check your syntax and ensure all required tables and columns are available.',
  },
  _LEGACY_ERROR_TEMP_1194: {
    template: 'queryName must be specified for memory sink.',
  },
  _LEGACY_ERROR_TEMP_1298: {
    template:
      'checkpointLocation must be specified either through option("checkpointLocation", ...) or SparkSession.conf.set("<config>", ...).',
  },
  _LEGACY_ERROR_TEMP_1299: {
    template: 'This query does not support recovering from checkpoint location. Delete <checkpointPath> to start over.',
  },
  INTERNAL_ERROR: {
    sqlState: 'XX000',
    template: '<message>',
  },
  // Joins, window functions, catalog (relational operators).
  UNRESOLVED_USING_COLUMN_FOR_JOIN: {
    sqlState: '42703',
    template: 'USING column <colName> cannot be resolved on the <side> side of the join. The <side>-side columns: [<suggestion>].',
  },
  WINDOW_FUNCTION_FRAME_NOT_ORDERED: {
    sqlState: '42601',
    template:
      'Window function <wf_name> requires the window to be ordered. You need to add an ORDER BY clause. For example: SELECT <wf_expr> OVER (PARTITION BY window_partition ORDER BY window_ordering) FROM table.',
  },
  UNSUPPORTED_EXPR_FOR_WINDOW: { sqlState: '42P20', template: 'Expression <sqlExpr> not supported within a window function.' },
  WINDOW_FUNCTION_WITHOUT_OVER_CLAUSE: { sqlState: '42601', template: 'Window function <funcName> requires an OVER clause.' },
  'DATATYPE_MISMATCH.RANGE_FRAME_MULTI_ORDER': {
    sqlState: '42K09',
    template:
      'Cannot resolve <sqlExpr> due to data type mismatch: A range window frame with value boundaries cannot be used in a window specification with multiple order by expressions: <orderSpec>.',
  },
  // Kindling's own classes (Spark has none for these limits): `KINDLING_` prefix, SQLSTATE as Spark
  // would pick it (54xxx: a limit was exceeded).
  KINDLING_SESSION_LIMIT_EXCEEDED: {
    sqlState: '54000',
    template: 'The server already holds <limit> sessions, its limit. Stop sessions you no longer use (spark.stop()) and try again.',
  },
  KINDLING_OPERATION_LIMIT_EXCEEDED: {
    sqlState: '54000',
    template:
      'The <scope> already holds <limit> operations, its limit. Operations are kept until the client releases them (or for a few minutes after their stream detaches); try again later.',
  },
  KINDLING_MEMORY_SINK_ROW_LIMIT_EXCEEDED: {
    sqlState: '54000',
    template:
      'The memory sink table <tableName> would hold <numRows> rows in complete mode, more than its limit of <maxRows> rows. Kindling does not store a truncated complete-mode result: raise the limit with spark.conf.set("<confKey>", ...) before starting the query, or make the result smaller.',
  },
  // SQL analysis and functions (issue 14).
  FAILED_TO_PARSE_TOO_COMPLEX: {
    sqlState: '54001',
    template: 'The statement, including potential SQL functions and referenced views, was too complex to parse. To mitigate this error divide the statement into multiple, less complex chunks.',
  },
  NESTED_AGGREGATE_FUNCTION: {
    sqlState: '42607',
    template: 'It is not allowed to use an aggregate function in the argument of another aggregate function. Please use the inner aggregate function in a sub-query.',
  },
  INVALID_WHERE_CONDITION: {
    sqlState: '42903',
    template: 'The WHERE condition <condition> contains invalid expressions: <expressionList>. Rewrite the query to avoid window functions, aggregate functions, and generator functions in the WHERE clause.',
  },
  MISSING_WINDOW_SPECIFICATION: {
    sqlState: '42P20',
    template:
      "Window specification is not defined in the WINDOW clause for <windowName>. For more information about WINDOW clauses, please refer to '<docroot>/sql-ref-syntax-qry-select-window.html'.",
  },
  MISSING_GROUP_BY: {
    sqlState: '42803',
    template: 'The query does not include a GROUP BY clause. Add GROUP BY or turn it into the window functions using OVER clauses.',
  },
  GROUP_BY_POS_OUT_OF_RANGE: {
    sqlState: '42805',
    template: 'GROUP BY position <index> is not in select list (valid range is [1, <size>]).',
  },
  GROUP_BY_POS_AGGREGATE: {
    sqlState: '42903',
    template: 'GROUP BY <index> refers to an expression <aggExpr> that contains an aggregate function. Aggregate functions are not allowed in GROUP BY.',
  },
  ORDER_BY_POS_OUT_OF_RANGE: {
    sqlState: '42805',
    template: 'ORDER BY position <index> is not in select list (valid range is [1, <size>]).',
  },
  INVALID_ARRAY_INDEX: {
    sqlState: '22003',
    template: 'The index <indexValue> is out of bounds. The array has <arraySize> elements. Use the SQL function `get()` to tolerate accessing element at invalid index and return NULL instead.',
  },
  UNSUPPORTED_EXPR_FOR_OPERATOR: {
    sqlState: '42K0E',
    template: 'The query operator <operator> contains one or more unsupported expressions. Consider to rewrite it to avoid window functions, aggregate functions, and generator functions in the <operator> operator. Invalid expressions: [<invalidExprSqls>]',
  },
  AGGREGATE_FUNCTION_WITH_NONDETERMINISTIC_EXPRESSION: {
    sqlState: '42845',
    template: 'Non-deterministic expression <sqlExpr> should not appear in the arguments of an aggregate function.',
  },
  INVALID_EXTRACT_FIELD: {
    sqlState: '42601',
    template: 'Cannot extract <field> from <expr>.',
  },
  'INVALID_LAMBDA_FUNCTION_CALL.NON_HIGHER_ORDER_FUNCTION': {
    sqlState: '42K0D',
    template: 'Invalid lambda function call. A lambda function should only be used in a higher order function. However, its class is <class>, which is not a higher order function.',
  },
  'INVALID_LAMBDA_FUNCTION_CALL.NUM_ARGS_MISMATCH': {
    sqlState: '42K0D',
    template: 'Invalid lambda function call. A higher order function expects <expectedNumArgs> arguments, but got <actualNumArgs>.',
  },
  'INVALID_LAMBDA_FUNCTION_CALL.DUPLICATE_ARG_NAMES': {
    sqlState: '42K0D',
    template: 'Invalid lambda function call. The lambda function has duplicate arguments <args>. Please, consider to rename the argument names or set <caseSensitiveConfig> to "true".',
  },
  NON_FOLDABLE_ARGUMENT: {
    sqlState: '42K08',
    template: 'The function <funcName> requires the parameter <paramName> to be a foldable expression of the type <paramType>, but the actual argument is a non-foldable.',
  },
  'INVALID_PARAMETER_VALUE.DATETIME_UNIT': {
    sqlState: '22023',
    template: 'The value of parameter(s) <parameter> in <functionName> is invalid: expects one of the units without quotes YEAR, QUARTER, MONTH, WEEK, DAY, DAYOFYEAR, HOUR, MINUTE, SECOND, MILLISECOND, MICROSECOND, but got the string literal <invalidValue>.',
  },
  'INVALID_SCHEMA.NON_STRING_LITERAL': {
    sqlState: '42K07',
    template: 'The input schema <inputSchema> is not a valid schema string. The input expression must be string literal and not null.',
  },
  'DATATYPE_MISMATCH.INVALID_JSON_SCHEMA': {
    sqlState: '42K09',
    template: 'Cannot resolve <sqlExpr> due to data type mismatch: Input schema <schema> must be a struct, an array, a map or a variant.',
  },
};

export function errorClassInfo(errorClass: string): ErrorClassInfo | undefined {
  return CATALOG[errorClass];
}

/** The search path Spark 4.3 reports in `TABLE_OR_VIEW_NOT_FOUND` and `UNRESOLVED_ROUTINE`. */
export const DEFAULT_SEARCH_PATH = '[`system`.`builtin`, `system`.`session`, `spark_catalog`.`default`]';

/** `[CLASS] rendered template SQLSTATE: xxxxx`; unknown classes keep the fallback text. */
export function renderErrorMessage(
  errorClass: string,
  params: Readonly<Record<string, string>>,
  fallback: string,
): string {
  const info = CATALOG[errorClass];
  // Spark prints legacy classes without the `[CLASS]` prefix.
  const prefix = errorClass.startsWith('_LEGACY_ERROR_') ? '' : `[${errorClass}] `;
  if (!info) return prefix === '' ? fallback : fallback ? `${prefix}${fallback}` : `[${errorClass}]`;
  const text = info.template.replace(/<([A-Za-z0-9_]+)>/g, (m, p: string) => params[p] ?? m);
  return info.sqlState === undefined ? `${prefix}${text}` : `${prefix}${text} SQLSTATE: ${info.sqlState}`;
}
