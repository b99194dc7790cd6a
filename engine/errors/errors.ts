import { errorClassInfo, renderErrorMessage } from './error-classes.js';

/** Whose fault an error is; decides retry and how it is reported. */
export type Fault = 'user' | 'unsupported' | 'external' | 'internal';

export interface ErrorDetails {
  /** Spark error class, e.g. `TABLE_OR_VIEW_NOT_FOUND` or `STREAMING_OUTPUT_MODE.INVALID`. */
  readonly errorClass?: string;
  readonly messageParameters?: Readonly<Record<string, string>>;
  readonly cause?: unknown;
  /** Overrides the SQLSTATE from the error-class catalog. */
  readonly sqlState?: string;
  /** Overrides whether retrying can help (e.g. data lost for good is external but permanent). */
  readonly retryable?: boolean;
  /**
   * The plan Spark's ExtendedAnalysisException carries: its text follows the message after `;\n`
   * (e.g. the streaming source a batch action met).
   */
  readonly plan?: string;
}

/**
 * Base of every error Kindling raises on purpose. The message is Spark's rendered text
 * (`[CLASS] text SQLSTATE: xxxxx` when an error class is known), so clients see what Spark shows.
 */
export abstract class KindlingError extends Error {
  abstract readonly fault: Fault;
  /** The Java exception classes Spark would raise, most specific first (for Spark Connect clients). */
  abstract readonly sparkClasses: readonly string[];
  readonly errorClass: string | undefined;
  readonly sqlState: string | undefined;
  readonly messageParameters: Readonly<Record<string, string>>;
  private readonly retryOverride: boolean | undefined;

  constructor(message: string, details: ErrorDetails = {}) {
    const rendered = details.errorClass
      ? renderErrorMessage(details.errorClass, details.messageParameters ?? {}, message)
      : message;
    const text = details.plan === undefined ? rendered : `${rendered};\n${details.plan}`;
    super(text, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = new.target.name;
    this.errorClass = details.errorClass;
    this.sqlState = details.sqlState ?? (details.errorClass ? errorClassInfo(details.errorClass)?.sqlState : undefined);
    this.messageParameters = details.messageParameters ?? {};
    this.retryOverride = details.retryable;
  }

  get retryable(): boolean {
    return this.retryOverride ?? this.fault === 'external';
  }

  /** Factory from an error class alone: the message comes from the catalog. */
  static withClass<E extends KindlingError>(
    this: new (message: string, details?: ErrorDetails) => E,
    errorClass: string,
    messageParameters: Readonly<Record<string, string>> = {},
    cause?: unknown,
  ): E {
    return new this('', { errorClass, messageParameters, cause });
  }
}

/** The user asked for something invalid: unknown column, table or function, wrong output mode. */
export class AnalysisError extends KindlingError {
  readonly fault = 'user' as const;
  readonly sparkClasses: readonly string[] = [
    'org.apache.spark.sql.AnalysisException',
    'java.lang.Exception',
    'java.lang.Throwable',
  ];
}

/** SQL or expression text that does not parse. */
export class ParseError extends AnalysisError {
  override readonly sparkClasses: readonly string[] = [
    'org.apache.spark.sql.catalyst.parser.ParseException',
    'org.apache.spark.sql.AnalysisException',
    'java.lang.Exception',
    'java.lang.Throwable',
  ];
}

/** Bad argument values caught at run time (`IllegalArgumentException` in Spark). */
export class IllegalArgumentError extends AnalysisError {
  override readonly sparkClasses: readonly string[] = [
    'java.lang.IllegalArgumentException',
    'java.lang.RuntimeException',
    'java.lang.Exception',
    'java.lang.Throwable',
  ];
}

/** A number that does not parse where Spark calls `Long.parseLong` & co. (`NumberFormatException`), e.g. a source option. */
export class NumberFormatError extends IllegalArgumentError {
  override readonly sparkClasses: readonly string[] = [
    'java.lang.NumberFormatException',
    'java.lang.IllegalArgumentException',
    'java.lang.RuntimeException',
    'java.lang.Exception',
    'java.lang.Throwable',
  ];
}

/** A lookup of something that does not exist (`SparkNoSuchElementException`), e.g. an unknown SQL config. */
export class NoSuchElementError extends AnalysisError {
  override readonly sparkClasses: readonly string[] = [
    'org.apache.spark.SparkNoSuchElementException',
    'java.util.NoSuchElementException',
    'java.lang.RuntimeException',
    'java.lang.Exception',
    'java.lang.Throwable',
  ];
}

/** A valid request that Kindling does not implement (yet). */
export class NotSupportedError extends KindlingError {
  readonly fault = 'unsupported' as const;
  readonly sparkClasses: readonly string[] = [
    'java.lang.UnsupportedOperationException',
    'java.lang.RuntimeException',
    'java.lang.Exception',
    'java.lang.Throwable',
  ];
}

/** Something outside the engine failed (socket, Redis, a worker); usually worth a retry. */
export class ExecutionError extends KindlingError {
  readonly fault = 'external' as const;
  readonly sparkClasses: readonly string[] = [
    'org.apache.spark.SparkException',
    'java.lang.Exception',
    'java.lang.Throwable',
  ];
}

/**
 * The Java exceptions Spark raises for run-time data errors, each with its superclasses below
 * `RuntimeException`: Spark Connect sends the whole chain (ErrorInfo `classes`), and clients pick
 * their exception from it (PySpark: ArithmeticException, NumberFormatException, DateTimeException...).
 */
const RUNTIME_SUPERCLASSES = {
  'org.apache.spark.SparkRuntimeException': [],
  'org.apache.spark.SparkArithmeticException': ['java.lang.ArithmeticException'],
  'org.apache.spark.SparkNumberFormatException': ['java.lang.NumberFormatException', 'java.lang.IllegalArgumentException'],
  'org.apache.spark.SparkDateTimeException': ['java.time.DateTimeException'],
  'org.apache.spark.SparkArrayIndexOutOfBoundsException': [
    'java.lang.ArrayIndexOutOfBoundsException',
    'java.lang.IndexOutOfBoundsException',
  ],
  'org.apache.spark.SparkIllegalArgumentException': ['java.lang.IllegalArgumentException'],
  'java.lang.IllegalArgumentException': [],
} as const satisfies Readonly<Record<string, readonly string[]>>;

export type RuntimeSparkClass = keyof typeof RUNTIME_SUPERCLASSES;

/** The class chain Spark Connect reports for `sparkClass`, most specific first. */
export function runtimeClassChain(sparkClass: RuntimeSparkClass): readonly string[] {
  return [sparkClass, ...RUNTIME_SUPERCLASSES[sparkClass], 'java.lang.RuntimeException', 'java.lang.Exception', 'java.lang.Throwable'];
}

/** A run-time data error Spark raises as SparkRuntimeException / ArithmeticException (ANSI casts, divide by zero). */
export class RuntimeDataError extends KindlingError {
  readonly fault = 'user' as const;
  readonly sparkClasses: readonly string[];
  constructor(message: string, details: ErrorDetails & { sparkClass?: RuntimeSparkClass } = {}) {
    super(message, details);
    this.sparkClasses = runtimeClassChain(details.sparkClass ?? 'org.apache.spark.SparkRuntimeException');
  }
}

/** A streaming query terminated with an error (`StreamingQueryException`). */
export class StreamingQueryError extends KindlingError {
  readonly fault = 'user' as const;
  readonly sparkClasses: readonly string[] = [
    'org.apache.spark.sql.streaming.StreamingQueryException',
    'java.lang.Exception',
    'java.lang.Throwable',
  ];
}

/**
 * Two runs of one streaming query met (Spark's SparkConcurrentModificationException): a newer run
 * took the checkpoint's run lease, so the older one may no longer write. Retrying cannot help.
 */
export class ConcurrentModificationError extends KindlingError {
  readonly fault = 'user' as const;
  readonly sparkClasses: readonly string[] = [
    'org.apache.spark.SparkConcurrentModificationException',
    'java.util.ConcurrentModificationException',
    'java.lang.RuntimeException',
    'java.lang.Exception',
    'java.lang.Throwable',
  ];
}

/** A call made in a state that does not allow it (`IllegalStateException` in Spark). */
export class IllegalStateError extends KindlingError {
  readonly fault = 'user' as const;
  readonly sparkClasses: readonly string[] = [
    'java.lang.IllegalStateException',
    'java.lang.RuntimeException',
    'java.lang.Exception',
    'java.lang.Throwable',
  ];
}

/** An invariant broke: this is a bug in Kindling. */
export class InternalError extends KindlingError {
  readonly fault = 'internal' as const;
  readonly sparkClasses: readonly string[] = [
    'org.apache.spark.SparkException',
    'java.lang.Exception',
    'java.lang.Throwable',
  ];
}

/** Wraps anything thrown into a KindlingError (unknown errors are treated as internal bugs). */
export function asKindlingError(e: unknown): KindlingError {
  if (e instanceof KindlingError) return e;
  if (e instanceof Error) return new InternalError(e.message, { cause: e });
  return new InternalError(String(e));
}
