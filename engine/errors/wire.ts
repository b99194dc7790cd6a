import {
  AnalysisError,
  ConcurrentModificationError,
  IllegalStateError,
  ExecutionError,
  IllegalArgumentError,
  InternalError,
  type KindlingError,
  NoSuchElementError,
  NotSupportedError,
  NumberFormatError,
  ParseError,
  RuntimeDataError,
  StreamingQueryError,
  asKindlingError,
  type ErrorDetails,
} from './errors.js';

/** A KindlingError as plain data, to cross a thread or process boundary and be rebuilt there. */
export interface WireError {
  readonly name: string;
  readonly message: string;
  readonly errorClass?: string;
  readonly sqlState?: string;
  readonly messageParameters?: Readonly<Record<string, string>>;
  readonly sparkClasses?: readonly string[];
  readonly stack?: string;
  readonly retryable?: boolean;
}

export function errorToWire(e: unknown): WireError {
  const k = asKindlingError(e);
  return {
    name: k.name,
    message: k.message,
    ...present({ errorClass: k.errorClass, sqlState: k.sqlState, stack: k.stack }),
    messageParameters: k.messageParameters,
    sparkClasses: k.sparkClasses,
    retryable: k.retryable,
  };
}

type OptionalText = Pick<WireError, 'errorClass' | 'sqlState' | 'stack'>;

/** The optional texts that are set: absent and empty ones are left out (proto3 sends '' for unset). */
function present(fields: { readonly [K in keyof OptionalText]: string | undefined }): OptionalText {
  return Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined && v !== '')) as OptionalText;
}

type Ctor = new (message: string, details?: ErrorDetails) => KindlingError;

const CLASSES: Readonly<Record<string, Ctor>> = {
  AnalysisError,
  ConcurrentModificationError,
  IllegalStateError,
  ParseError,
  IllegalArgumentError,
  NumberFormatError,
  NoSuchElementError,
  NotSupportedError,
  ExecutionError,
  RuntimeDataError,
  StreamingQueryError,
  InternalError,
};

/** The same class, message (already rendered), error class and SQLSTATE as on the sending side. */
export function errorFromWire(w: WireError): KindlingError {
  const Class = CLASSES[w.name] ?? InternalError;
  const err = new Class(w.message, {
    ...(w.sqlState ? { sqlState: w.sqlState } : {}),
    ...(w.retryable === undefined ? {} : { retryable: w.retryable }),
  });
  // The message is already rendered; keep the class and parameters for clients without re-rendering.
  Object.assign(err, {
    errorClass: w.errorClass,
    messageParameters: w.messageParameters ?? {},
    ...(w.sqlState ? { sqlState: w.sqlState } : {}),
  });
  if (w.sparkClasses && err instanceof RuntimeDataError) Object.assign(err, { sparkClasses: w.sparkClasses });
  if (w.stack) err.stack = w.stack;
  return err;
}

/** The WireError message of Kindling's cluster protocol (snake_case, as proto-loader gives it). */
export interface ProtoWireError {
  readonly name: string;
  readonly message: string;
  readonly error_class: string;
  readonly sql_state: string;
  readonly message_parameters: Record<string, string>;
  readonly spark_classes: string[];
  readonly stack: string;
  readonly retryable: string;
}

export function wireErrorToProto(e: unknown): ProtoWireError {
  const w = errorToWire(e);
  return {
    name: w.name,
    message: w.message,
    error_class: w.errorClass ?? '',
    sql_state: w.sqlState ?? '',
    message_parameters: { ...(w.messageParameters ?? {}) },
    spark_classes: [...(w.sparkClasses ?? [])],
    stack: w.stack ?? '',
    retryable: w.retryable === undefined ? '' : w.retryable ? 'yes' : 'no',
  };
}

export function errorFromProto(p: ProtoWireError): KindlingError {
  return errorFromWire({
    name: p.name,
    message: p.message,
    ...present({ errorClass: p.error_class, sqlState: p.sql_state, stack: p.stack }),
    messageParameters: p.message_parameters,
    sparkClasses: p.spark_classes,
    ...(p.retryable === '' ? {} : { retryable: p.retryable === 'yes' }),
  });
}
