/**
 * The Spark error classes Kindling raises: SQLSTATE and message template (`<param>` placeholders),
 * as in Spark's error-conditions catalog. Rendered as `[CLASS] text SQLSTATE: xxxxx`.
 */
export interface ErrorClassInfo {
  readonly sqlState: string;
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
    template: 'A column, variable, or function parameter with name <objectName> cannot be resolved.',
  },
  'UNRESOLVED_FIELD.WITH_SUGGESTION': {
    sqlState: '42703',
    template:
      'A field with name <fieldName> cannot be resolved with the struct-type column <columnPath>. Did you mean one of the following? [<proposal>].',
  },
  TABLE_OR_VIEW_NOT_FOUND: {
    sqlState: '42P01',
    template:
      'The table or view <relationName> cannot be found. Verify the spelling and correctness of the schema and catalog.\nIf you did not qualify the name with a schema, verify the current_schema() output, or qualify the name with the correct schema and catalog.\nTo tolerate the error on drop use DROP VIEW IF EXISTS or DROP TABLE IF EXISTS.',
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
    sqlState: 'HY000',
    template: 'The handle <handle> is invalid. Session not found.',
  },
  'INVALID_HANDLE.SESSION_CLOSED': {
    sqlState: 'HY000',
    template: 'The handle <handle> is invalid. Session was closed.',
  },
  'CONNECT_INVALID_PLAN.UNSUPPORTED_RELATION': {
    sqlState: '56K00',
    template: 'The Spark Connect plan is invalid. <message>',
  },
  INTERNAL_ERROR: {
    sqlState: 'XX000',
    template: '<message>',
  },
};

export function errorClassInfo(errorClass: string): ErrorClassInfo | undefined {
  return CATALOG[errorClass];
}

/** `[CLASS] rendered template SQLSTATE: xxxxx`; unknown classes keep the fallback text. */
export function renderErrorMessage(
  errorClass: string,
  params: Readonly<Record<string, string>>,
  fallback: string,
): string {
  const info = CATALOG[errorClass];
  if (!info) return fallback ? `[${errorClass}] ${fallback}` : `[${errorClass}]`;
  const text = info.template.replace(/<([A-Za-z]+)>/g, (m, p: string) => params[p] ?? m);
  return `[${errorClass}] ${text} SQLSTATE: ${info.sqlState}`;
}
