import type { KindlingError } from '../errors/errors.js';
import { ProtoWriter, int32, readFields, utf8 } from './protobuf-wire.js';

/**
 * google.rpc.Status as carried in the `grpc-status-details-bin` trailer, with the one detail Spark
 * Connect clients read: an Any holding google.rpc.ErrorInfo. The code and message must equal the
 * call's own status code and grpc-message, or PySpark raises ValueError.
 */
export interface RpcStatus {
  readonly code: number;
  readonly message: string;
  readonly details: readonly AnyMessage[];
}

/** google.protobuf.Any. */
export interface AnyMessage {
  readonly typeUrl: string;
  readonly value: Uint8Array;
}

export interface ErrorInfo {
  readonly reason: string;
  readonly domain: string;
  readonly metadata: Readonly<Record<string, string>>;
}

export const ERROR_INFO_TYPE_URL = 'type.googleapis.com/google.rpc.ErrorInfo';
export const SPARK_ERROR_DOMAIN = 'org.apache.spark';

export function encodeRpcStatus(status: RpcStatus): Uint8Array {
  const w = new ProtoWriter();
  if (status.code !== 0) w.varint(1, status.code);
  if (status.message !== '') w.string(2, status.message);
  for (const d of status.details) w.bytes(3, encodeAny(d));
  return w.finish();
}

export function decodeRpcStatus(bytes: Uint8Array): RpcStatus {
  let code = 0;
  let message = '';
  const details: AnyMessage[] = [];
  for (const f of readFields(bytes)) {
    if (f.field === 1 && f.wireType === 0) code = int32(f.value);
    else if (f.field === 2 && f.wireType === 2) message = utf8(f.value);
    else if (f.field === 3 && f.wireType === 2) details.push(decodeAny(f.value));
  }
  return { code, message, details };
}

function encodeAny(a: AnyMessage): Uint8Array {
  return new ProtoWriter().string(1, a.typeUrl).bytes(2, a.value).finish();
}

function decodeAny(bytes: Uint8Array): AnyMessage {
  let typeUrl = '';
  let value: Uint8Array = new Uint8Array(0);
  for (const f of readFields(bytes)) {
    if (f.field === 1 && f.wireType === 2) typeUrl = utf8(f.value);
    else if (f.field === 2 && f.wireType === 2) value = Uint8Array.from(f.value);
  }
  return { typeUrl, value };
}

export function encodeErrorInfo(info: ErrorInfo): Uint8Array {
  const w = new ProtoWriter();
  if (info.reason !== '') w.string(1, info.reason);
  if (info.domain !== '') w.string(2, info.domain);
  for (const [key, value] of Object.entries(info.metadata)) {
    w.bytes(3, new ProtoWriter().string(1, key).string(2, value).finish());
  }
  return w.finish();
}

export function decodeErrorInfo(bytes: Uint8Array): ErrorInfo {
  let reason = '';
  let domain = '';
  const metadata: Record<string, string> = {};
  for (const f of readFields(bytes)) {
    if (f.field === 1 && f.wireType === 2) reason = utf8(f.value);
    else if (f.field === 2 && f.wireType === 2) domain = utf8(f.value);
    else if (f.field === 3 && f.wireType === 2) {
      let key = '';
      let value = '';
      for (const e of readFields(f.value)) {
        if (e.field === 1 && e.wireType === 2) key = utf8(e.value);
        else if (e.field === 2 && e.wireType === 2) value = utf8(e.value);
      }
      metadata[key] = value;
    }
  }
  return { reason, domain, metadata };
}

/** The ErrorInfo packed as an Any detail. */
export function errorInfoDetail(info: ErrorInfo): AnyMessage {
  return { typeUrl: ERROR_INFO_TYPE_URL, value: encodeErrorInfo(info) };
}

/** The first ErrorInfo among a status's details, if any. */
export function findErrorInfo(status: RpcStatus): ErrorInfo | undefined {
  const d = status.details.find((x) => x.typeUrl === ERROR_INFO_TYPE_URL || x.typeUrl.endsWith('/google.rpc.ErrorInfo'));
  return d === undefined ? undefined : decodeErrorInfo(d.value);
}

/**
 * The ErrorInfo a Spark server sends for this error: reason = the most specific Java class, the
 * class chain as JSON (the client picks its Python exception from it), and the error class,
 * parameters and SQLSTATE when known. Never `errorId` (that would make clients call FetchErrorDetails).
 */
export function errorInfoFor(err: KindlingError): ErrorInfo {
  const classes = err.sparkClasses;
  const metadata: Record<string, string> = { classes: JSON.stringify(classes) };
  if (err.errorClass !== undefined) {
    metadata.errorClass = err.errorClass;
    metadata.messageParameters = JSON.stringify(err.messageParameters);
  }
  if (err.sqlState !== undefined) metadata.sqlState = err.sqlState;
  return { reason: classes[0] ?? 'java.lang.Exception', domain: SPARK_ERROR_DOMAIN, metadata };
}
