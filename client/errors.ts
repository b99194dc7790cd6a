/**
 * The exceptions a client user sees, named as PySpark names them. Server errors arrive as
 * `SparkConnectGrpcException` subclasses picked from the ErrorInfo `classes` chain; errors the
 * client raises itself (bad URL, bad arguments) are `PySpark…Error`s.
 */

export interface SparkErrorDetails {
  readonly errorClass?: string | undefined;
  readonly messageParameters?: Readonly<Record<string, string>> | undefined;
  readonly sqlState?: string | undefined;
  /** The gRPC status code of the failed call (server errors only). */
  readonly grpcStatusCode?: number | undefined;
  /** ErrorInfo.reason: the most specific server-side exception class. */
  readonly reason?: string | undefined;
  readonly serverStackTrace?: string | undefined;
  readonly cause?: unknown;
}

/** Base of every error this client raises; carries Spark's error class and SQLSTATE when known. */
export class SparkConnectError extends Error {
  readonly errorClass: string | undefined;
  readonly sqlState: string | undefined;
  readonly messageParameters: Readonly<Record<string, string>>;
  readonly grpcStatusCode: number | undefined;
  readonly reason: string | undefined;
  readonly serverStackTrace: string | undefined;

  constructor(message: string, details: SparkErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = new.target.name;
    this.errorClass = details.errorClass;
    this.sqlState = details.sqlState;
    this.messageParameters = details.messageParameters ?? {};
    this.grpcStatusCode = details.grpcStatusCode;
    this.reason = details.reason;
    this.serverStackTrace = details.serverStackTrace;
  }

  /** Spark's error condition (formerly "error class"), e.g. `TABLE_OR_VIEW_NOT_FOUND`. */
  getCondition(): string | undefined {
    return this.errorClass;
  }

  getErrorClass(): string | undefined {
    return this.errorClass;
  }

  getMessageParameters(): Readonly<Record<string, string>> {
    return this.messageParameters;
  }

  getSqlState(): string | undefined {
    return this.sqlState;
  }
}

/** A failed call to the server: the base of all server-side exceptions. */
export class SparkConnectGrpcException extends SparkConnectError {}
export class AnalysisException extends SparkConnectGrpcException {}
export class ParseException extends AnalysisException {}
export class StreamingQueryException extends SparkConnectGrpcException {}
export class QueryExecutionException extends SparkConnectGrpcException {}
export class IllegalArgumentException extends SparkConnectGrpcException {}
export class NumberFormatException extends IllegalArgumentException {}
export class ArithmeticException extends SparkConnectGrpcException {}
export class UnsupportedOperationException extends SparkConnectGrpcException {}
export class ArrayIndexOutOfBoundsException extends SparkConnectGrpcException {}
export class DateTimeException extends SparkConnectGrpcException {}
export class SparkRuntimeException extends SparkConnectGrpcException {}
export class SparkUpgradeException extends SparkConnectGrpcException {}
export class SparkNoSuchElementException extends SparkConnectGrpcException {}
export class SparkException extends SparkConnectGrpcException {}
export class PythonException extends SparkConnectGrpcException {}
export class InvalidPlanInput extends SparkConnectGrpcException {}
export class StreamingPythonRunnerInitializationException extends SparkConnectGrpcException {}
/** The server named no class the client knows; the message is prefixed with `(<reason>) `. */
export class UnknownException extends SparkConnectGrpcException {}

/** Client-side argument errors (PySpark's PySparkValueError / TypeError / NotImplementedError). */
export class PySparkValueError extends SparkConnectError {}
export class PySparkTypeError extends SparkConnectError {}
export class PySparkNotImplementedError extends SparkConnectError {}
/** The client's own consistency checks (a response for another session, a missing result). */
export class PySparkAssertionError extends SparkConnectError {}

type GrpcExceptionClass = new (message: string, details?: SparkErrorDetails) => SparkConnectGrpcException;

/** Server (JVM) exception class → client exception, as PySpark's connect error conversion maps them. */
const EXCEPTION_BY_SERVER_CLASS: ReadonlyMap<string, GrpcExceptionClass> = new Map<string, GrpcExceptionClass>([
  ['org.apache.spark.sql.catalyst.parser.ParseException', ParseException],
  ['org.apache.spark.sql.AnalysisException', AnalysisException],
  ['org.apache.spark.sql.streaming.StreamingQueryException', StreamingQueryException],
  ['org.apache.spark.sql.execution.QueryExecutionException', QueryExecutionException],
  ['java.lang.NumberFormatException', NumberFormatException],
  ['java.lang.IllegalArgumentException', IllegalArgumentException],
  ['java.lang.ArithmeticException', ArithmeticException],
  ['java.lang.UnsupportedOperationException', UnsupportedOperationException],
  ['java.lang.ArrayIndexOutOfBoundsException', ArrayIndexOutOfBoundsException],
  ['java.time.DateTimeException', DateTimeException],
  ['org.apache.spark.SparkRuntimeException', SparkRuntimeException],
  ['org.apache.spark.SparkUpgradeException', SparkUpgradeException],
  ['org.apache.spark.api.python.PythonException', PythonException],
  ['org.apache.spark.SparkNoSuchElementException', SparkNoSuchElementException],
  ['org.apache.spark.SparkException', SparkException],
  ['org.apache.spark.sql.connect.common.InvalidPlanInput', InvalidPlanInput],
  [
    'org.apache.spark.api.python.StreamingPythonRunner$StreamingPythonRunnerInitializationException',
    StreamingPythonRunnerInitializationException,
  ],
]);

/** What a server error's ErrorInfo says, already parsed. */
export interface ServerErrorInfo {
  readonly message: string;
  readonly reason: string;
  /** The exception class chain, most specific first. */
  readonly classes: readonly string[];
  readonly errorClass?: string | undefined;
  readonly messageParameters?: Readonly<Record<string, string>> | undefined;
  readonly sqlState?: string | undefined;
  readonly stackTrace?: string | undefined;
  readonly grpcStatusCode?: number | undefined;
}

/** The first class of the chain the client knows wins; otherwise an UnknownException. */
export function exceptionFromServerError(info: ServerErrorInfo): SparkConnectGrpcException {
  const details: SparkErrorDetails = {
    errorClass: info.errorClass,
    messageParameters: info.messageParameters,
    sqlState: info.sqlState,
    grpcStatusCode: info.grpcStatusCode,
    reason: info.reason,
    serverStackTrace: info.stackTrace,
  };
  for (const cls of info.classes) {
    const ctor = EXCEPTION_BY_SERVER_CLASS.get(cls);
    if (ctor !== undefined) return new ctor(info.message, details);
  }
  return new UnknownException(`(${info.reason}) ${info.message}`, details);
}
