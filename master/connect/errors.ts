import { Metadata, status, type ServiceError } from '@grpc/grpc-js';
import type { Logger } from 'pino';
import { encodeRpcStatus, errorInfoDetail, errorInfoFor } from '../../engine/connect/index.js';
import { KindlingError, asKindlingError } from '../../engine/errors/errors.js';
import { classChain } from '../../engine/errors/java-classes.js';

/** Spark Connect's status message limit; the trailer must carry exactly the same text. */
export const MAX_STATUS_MESSAGE = 2048;

/**
 * Session and operation handle errors (Spark's SparkSQLException). No Python exception maps to
 * these classes, so clients match them by their error class in the message.
 */
export class SparkSqlError extends KindlingError {
  readonly fault = 'user' as const;
  readonly sparkClasses: readonly string[] = classChain('org.apache.spark.SparkSQLException');
}

/** How much of a client's input an error may quote: a 20 KB session id must not come back whole. */
export const MAX_ECHOED_CHARS = 64;

/** The first MAX_ECHOED_CHARS characters of client input, marked when cut. */
export function echo(value: string): string {
  return value.length <= MAX_ECHOED_CHARS ? value : `${value.slice(0, MAX_ECHOED_CHARS)}...`;
}

const handle = (errorClass: string, value: string): SparkSqlError => SparkSqlError.withClass(errorClass, { handle: echo(value) });

export const ConnectErrors = Object.freeze({
  badHandleFormat: (value: string) => handle('INVALID_HANDLE.FORMAT', value),
  sessionChanged: (sessionId: string) => handle('INVALID_HANDLE.SESSION_CHANGED', sessionId),
  sessionClosed: (sessionId: string) => handle('INVALID_HANDLE.SESSION_CLOSED', sessionId),
  sessionNotFound: (sessionId: string) => handle('INVALID_HANDLE.SESSION_NOT_FOUND', sessionId),
  operationNotFound: (operationId: string) => handle('INVALID_HANDLE.OPERATION_NOT_FOUND', operationId),
  operationExists: (operationId: string) => handle('INVALID_HANDLE.OPERATION_ALREADY_EXISTS', operationId),
  operationAbandoned: (operationId: string) => handle('INVALID_HANDLE.OPERATION_ABANDONED', operationId),
  operationCanceled: () => SparkSqlError.withClass('OPERATION_CANCELED'),
  cursorDisconnected: () => SparkSqlError.withClass('INVALID_CURSOR.DISCONNECTED'),
  positionNotAvailable: (responseId: string, index: number) =>
    SparkSqlError.withClass('INVALID_CURSOR.POSITION_NOT_AVAILABLE', { responseId: echo(responseId), index: String(index) }),
  positionNotFound: (responseId: string) => SparkSqlError.withClass('INVALID_CURSOR.POSITION_NOT_FOUND', { responseId: echo(responseId) }),
  tooManySessions: (limit: number) => SparkSqlError.withClass('KINDLING_SESSION_LIMIT_EXCEEDED', { limit: String(limit) }),
  tooManyOperations: (scope: 'session' | 'server', limit: number) =>
    SparkSqlError.withClass('KINDLING_OPERATION_LIMIT_EXCEEDED', { scope, limit: String(limit) }),
});

/** Java's StringUtils.abbreviate: at most `max` characters, ending in `...` when cut. */
export function abbreviate(text: string, max = MAX_STATUS_MESSAGE): string {
  return text.length <= max ? text : `${text.slice(0, max - 3)}...`;
}

/**
 * Any failure as the status a Spark Connect client expects: INTERNAL, the message (cut to 2048
 * characters), and a `grpc-status-details-bin` google.rpc.Status with the same code and text plus
 * ErrorInfo. Errors that are not Kindling's own are bugs: logged with their stack.
 */
export function toServiceError(err: unknown, log: Logger): ServiceError {
  const error = asKindlingError(err);
  if (!(err instanceof KindlingError)) {
    log.error({ err }, 'unexpected error in a Spark Connect call');
  } else if (error.fault === 'internal') {
    log.error({ err: error, errorClass: error.errorClass }, 'internal error in a Spark Connect call');
  } else {
    log.debug({ errorClass: error.errorClass, message: error.message }, 'Spark Connect call failed');
  }
  const message = abbreviate(error.message);
  const trailer = encodeRpcStatus({ code: status.INTERNAL, message, details: [errorInfoDetail(boundedErrorInfo(error))] });
  const metadata = new Metadata();
  metadata.set('grpc-status-details-bin', Buffer.from(trailer));
  return Object.assign(new Error(message), { code: status.INTERNAL, details: message, metadata });
}

/** Spark's spark.connect.grpc.maxMetadataSize: ErrorInfo metadata values are kept under it. */
const MAX_METADATA_CHARS = 1024;

/**
 * ErrorInfo whose message parameters fit: each parameter is cut to a few hundred characters, and
 * if they still exceed the metadata limit they are left out (the message already carries them).
 * The trailer stays far below gRPC's 16 KiB header limit whatever the input was.
 */
function boundedErrorInfo(error: KindlingError): ReturnType<typeof errorInfoFor> {
  const info = errorInfoFor(error);
  const params = info.metadata['messageParameters'];
  if (params === undefined || params.length <= MAX_METADATA_CHARS) return info;
  const cut = Object.fromEntries(Object.entries(error.messageParameters).map(([k, v]) => [k, abbreviate(v, 256)]));
  const text = JSON.stringify(cut);
  const metadata = { ...info.metadata };
  if (text.length <= MAX_METADATA_CHARS) metadata['messageParameters'] = text;
  else delete metadata['messageParameters'];
  return { ...info, metadata };
}

/** A status with no Spark details (authentication): the client shows gRPC's own text. */
export function plainStatus(code: status, message: string): ServiceError {
  return Object.assign(new Error(message), { code, details: message, metadata: new Metadata() });
}
