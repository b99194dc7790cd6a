import { status as GrpcStatus, type ServiceError } from '@grpc/grpc-js';
import { decodeRpcStatus, findErrorInfo } from '../../engine/connect/rpc-status.js';
import { exceptionFromServerError, SparkConnectError, SparkConnectGrpcException } from '../errors.js';

const STATUS_DETAILS_KEY = 'grpc-status-details-bin';

/** A gRPC failure as it reached us: a ServiceError (code, details, metadata). */
export function isServiceError(e: unknown): e is ServiceError {
  return e instanceof Error && typeof (e as Partial<ServiceError>).code === 'number' && 'metadata' in e;
}

/**
 * The typed exception for a failed call, as PySpark converts it: the ErrorInfo in the
 * `grpc-status-details-bin` trailer picks the class; without ErrorInfo the status message is kept;
 * without the trailer, gRPC's own text.
 */
export function convertGrpcError(e: unknown): SparkConnectError {
  if (e instanceof SparkConnectError) return e;
  if (!isServiceError(e)) {
    return new SparkConnectGrpcException(e instanceof Error ? e.message : String(e), { cause: e });
  }
  const raw = e.metadata.get(STATUS_DETAILS_KEY)[0];
  if (raw === undefined) {
    return new SparkConnectGrpcException(`<${GrpcStatus[e.code] ?? e.code}> ${e.details || e.message}`, {
      grpcStatusCode: e.code,
      cause: e,
    });
  }
  const bytes = typeof raw === 'string' ? Buffer.from(raw, 'base64') : raw;
  const status = decodeRpcStatus(bytes);
  const info = findErrorInfo(status);
  if (info === undefined) {
    return new SparkConnectGrpcException(status.message, { grpcStatusCode: e.code, cause: e });
  }
  const m = info.metadata;
  return exceptionFromServerError({
    message: status.message,
    reason: info.reason,
    classes: parseJson<string[]>(m['classes'], []),
    errorClass: nonEmpty(m['errorClass']),
    messageParameters: m['messageParameters'] === undefined ? undefined : parseJson<Record<string, string>>(m['messageParameters'], {}),
    sqlState: nonEmpty(m['sqlState']),
    stackTrace: nonEmpty(m['stackTrace']),
    grpcStatusCode: e.code,
  });
}

/** Whether a failed call is worth retrying: UNAVAILABLE, or a cursor the server dropped. */
export function isRetryable(e: unknown): boolean {
  if (!isServiceError(e)) return false;
  if (e.code === GrpcStatus.UNAVAILABLE) return true;
  return e.code === GrpcStatus.INTERNAL && (e.details ?? '').includes('INVALID_CURSOR.DISCONNECTED');
}

/** Whether a reattach failed because the server no longer (or never) knew the operation. */
export function isOperationGone(e: unknown): boolean {
  const text = isServiceError(e) ? `${e.details} ${e.message}` : e instanceof Error ? e.message : '';
  return text.includes('INVALID_HANDLE.OPERATION_NOT_FOUND') || text.includes('INVALID_HANDLE.SESSION_NOT_FOUND');
}

function parseJson<V>(text: string | undefined, fallback: V): V {
  if (text === undefined || text === '') return fallback;
  try {
    return JSON.parse(text) as V;
  } catch {
    return fallback;
  }
}

function nonEmpty(v: string | undefined): string | undefined {
  return v === undefined || v === '' ? undefined : v;
}
