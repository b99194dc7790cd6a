import { errorClassInfo, renderErrorMessage } from './error-classes.js';
import { classChain, type JavaClass } from './java-classes.js';

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
  readonly sparkClasses: readonly string[] = classChain('org.apache.spark.sql.AnalysisException');
}

/** SQL or expression text that does not parse. */
export class ParseError extends AnalysisError {
  override readonly sparkClasses: readonly string[] = classChain('org.apache.spark.sql.catalyst.parser.ParseException');
}

/** Bad argument values caught at run time (`IllegalArgumentException` in Spark). */
export class IllegalArgumentError extends AnalysisError {
  override readonly sparkClasses: readonly string[] = classChain('java.lang.IllegalArgumentException');
}

/** A number that does not parse where Spark calls `Long.parseLong` & co. (`NumberFormatException`), e.g. a source option. */
export class NumberFormatError extends IllegalArgumentError {
  override readonly sparkClasses: readonly string[] = classChain('java.lang.NumberFormatException');
}

/** A lookup of something that does not exist (`SparkNoSuchElementException`), e.g. an unknown SQL config. */
export class NoSuchElementError extends AnalysisError {
  override readonly sparkClasses: readonly string[] = classChain('org.apache.spark.SparkNoSuchElementException');
}

/** A valid request that Kindling does not implement (yet). */
export class NotSupportedError extends KindlingError {
  readonly fault = 'unsupported' as const;
  readonly sparkClasses: readonly string[] = classChain('java.lang.UnsupportedOperationException');
}

/** Something outside the engine failed (socket, Redis, a worker); usually worth a retry. */
export class ExecutionError extends KindlingError {
  readonly fault = 'external' as const;
  readonly sparkClasses: readonly string[] = classChain('org.apache.spark.SparkException');
}

/** The Java exceptions Spark raises for run-time data errors (ANSI casts, arithmetic, dates, indexes). */
export type RuntimeSparkClass = Extract<
  JavaClass,
  | 'org.apache.spark.SparkRuntimeException'
  | 'org.apache.spark.SparkArithmeticException'
  | 'org.apache.spark.SparkNumberFormatException'
  | 'org.apache.spark.SparkDateTimeException'
  | 'org.apache.spark.SparkArrayIndexOutOfBoundsException'
  | 'org.apache.spark.SparkIllegalArgumentException'
  | 'java.lang.IllegalArgumentException'
>;

/** A run-time data error Spark raises as SparkRuntimeException / ArithmeticException (ANSI casts, divide by zero). */
export class RuntimeDataError extends KindlingError {
  readonly fault = 'user' as const;
  readonly sparkClasses: readonly string[];
  constructor(message: string, details: ErrorDetails & { sparkClass?: RuntimeSparkClass } = {}) {
    super(message, details);
    this.sparkClasses = classChain(details.sparkClass ?? 'org.apache.spark.SparkRuntimeException');
  }
}

/** A streaming query terminated with an error (`StreamingQueryException`). */
export class StreamingQueryError extends KindlingError {
  readonly fault = 'user' as const;
  readonly sparkClasses: readonly string[] = classChain('org.apache.spark.sql.streaming.StreamingQueryException');
}

/**
 * Two runs of one streaming query met (Spark's SparkConcurrentModificationException): a newer run
 * took the checkpoint's run lease, so the older one may no longer write. Retrying cannot help.
 */
export class ConcurrentModificationError extends KindlingError {
  readonly fault = 'user' as const;
  readonly sparkClasses: readonly string[] = classChain('org.apache.spark.SparkConcurrentModificationException');
}

/** A call made in a state that does not allow it (`IllegalStateException` in Spark). */
export class IllegalStateError extends KindlingError {
  readonly fault = 'user' as const;
  readonly sparkClasses: readonly string[] = classChain('java.lang.IllegalStateException');
}

/** An invariant broke: this is a bug in Kindling. */
export class InternalError extends KindlingError {
  readonly fault = 'internal' as const;
  readonly sparkClasses: readonly string[] = classChain('org.apache.spark.SparkException');
}

/** Wraps anything thrown into a KindlingError (unknown errors are treated as internal bugs). */
export function asKindlingError(e: unknown): KindlingError {
  if (e instanceof KindlingError) return e;
  if (e instanceof Error) return new InternalError(e.message, { cause: e });
  return new InternalError(String(e));
}
