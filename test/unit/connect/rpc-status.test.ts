import type { MessageTypeDefinition } from '@grpc/proto-loader';
import { describe, expect, it } from 'vitest';
import {
  ERROR_INFO_TYPE_URL,
  decodeErrorInfo,
  decodeRpcStatus,
  encodeErrorInfo,
  encodeRpcStatus,
  errorInfoDetail,
  errorInfoFor,
  findErrorInfo,
} from '../../../engine/connect/index.js';
import { AnalysisError, NotSupportedError, ParseError, StreamingQueryError } from '../../../engine/errors/errors.js';
import { loadProtos } from '../../../proto/load.js';

interface StatusMsg {
  code: number;
  message: string;
  details: { type_url: string; value: Buffer }[];
}
interface ErrorInfoMsg {
  reason: string;
  domain: string;
  metadata: Record<string, string>;
}

// Our own google/rpc protos, parsed by protobufjs: an independent check of the hand-written codec.
const rpc = (loadProtos() as unknown as { google: { rpc: Record<string, MessageTypeDefinition<object, object>> } }).google.rpc;
const StatusType = rpc.Status as MessageTypeDefinition<object, StatusMsg>;
const ErrorInfoType = rpc.ErrorInfo as MessageTypeDefinition<object, ErrorInfoMsg>;

describe('google.rpc.Status codec', () => {
  const info = {
    reason: 'org.apache.spark.sql.AnalysisException',
    domain: 'org.apache.spark',
    metadata: { classes: '["org.apache.spark.sql.AnalysisException"]', errorClass: 'TABLE_OR_VIEW_NOT_FOUND', sqlState: '42P01' },
  };
  const status = { code: 13, message: '[TABLE_OR_VIEW_NOT_FOUND] The table or view `x` cannot be found. ✗', details: [errorInfoDetail(info)] };

  it('round-trips through its own decoder', () => {
    const back = decodeRpcStatus(encodeRpcStatus(status));
    expect(back.code).toBe(13);
    expect(back.message).toBe(status.message);
    expect(back.details[0]?.typeUrl).toBe('type.googleapis.com/google.rpc.ErrorInfo');
    expect(findErrorInfo(back)).toEqual(info);
  });

  it('is read by protobufjs exactly as a Status with an Any(ErrorInfo)', () => {
    const decoded = StatusType.deserialize(Buffer.from(encodeRpcStatus(status)));
    expect(decoded.code).toBe(13);
    expect(decoded.message).toBe(status.message);
    expect(decoded.details).toHaveLength(1);
    expect(decoded.details[0]?.type_url).toBe(ERROR_INFO_TYPE_URL);
    const errorInfo = ErrorInfoType.deserialize(decoded.details[0]?.value ?? Buffer.alloc(0));
    expect(errorInfo).toEqual(info);
  });

  it('reads what protobufjs writes', () => {
    const bytes = StatusType.serialize({
      code: 3,
      message: 'bad',
      details: [{ type_url: ERROR_INFO_TYPE_URL, value: ErrorInfoType.serialize({ reason: 'r', domain: 'd', metadata: { k: 'v' } }) }],
    });
    const back = decodeRpcStatus(bytes);
    expect(back.code).toBe(3);
    expect(back.message).toBe('bad');
    expect(findErrorInfo(back)).toEqual({ reason: 'r', domain: 'd', metadata: { k: 'v' } });
  });

  it('handles an empty status, negative codes and skips unknown fields', () => {
    expect(decodeRpcStatus(encodeRpcStatus({ code: 0, message: '', details: [] }))).toEqual({ code: 0, message: '', details: [] });
    expect(decodeRpcStatus(encodeRpcStatus({ code: -1, message: 'x', details: [] })).code).toBe(-1);
    // field 9 fixed32, field 10 fixed64, then code 5
    const withUnknown = Uint8Array.from([0x4d, 1, 2, 3, 4, 0x51, 1, 2, 3, 4, 5, 6, 7, 8, 0x08, 0x05]);
    expect(decodeRpcStatus(withUnknown).code).toBe(5);
    expect(findErrorInfo({ code: 1, message: '', details: [] })).toBeUndefined();
    expect(decodeErrorInfo(encodeErrorInfo({ reason: '', domain: '', metadata: {} }))).toEqual({ reason: '', domain: '', metadata: {} });
  });

  it('rejects truncated input', () => {
    expect(() => decodeRpcStatus(Uint8Array.from([0x12, 0x05, 0x61]))).toThrow(/truncated/);
  });
});

describe('errorInfoFor', () => {
  it('describes an analysis error with its class, parameters and SQLSTATE', () => {
    const err = AnalysisError.withClass('TABLE_OR_VIEW_NOT_FOUND', { relationName: '`missing`' });
    const info = errorInfoFor(err);
    expect(info.reason).toBe('org.apache.spark.sql.AnalysisException');
    expect(info.domain).toBe('org.apache.spark');
    expect(JSON.parse(info.metadata.classes ?? '')).toEqual(['org.apache.spark.sql.AnalysisException', 'java.lang.Exception', 'java.lang.Throwable']);
    expect(info.metadata.errorClass).toBe('TABLE_OR_VIEW_NOT_FOUND');
    expect(JSON.parse(info.metadata.messageParameters ?? '')).toEqual({ relationName: '`missing`' });
    expect(info.metadata.sqlState).toBe('42P01');
    expect(info.metadata).not.toHaveProperty('errorId');
  });

  it('uses the most specific Java class as the reason', () => {
    expect(errorInfoFor(new ParseError('x')).reason).toBe('org.apache.spark.sql.catalyst.parser.ParseException');
    expect(errorInfoFor(new StreamingQueryError('x')).reason).toBe('org.apache.spark.sql.streaming.StreamingQueryException');
  });

  it('leaves out errorClass, messageParameters and sqlState when unknown', () => {
    const info = errorInfoFor(new NotSupportedError('nope'));
    expect(info.reason).toBe('java.lang.UnsupportedOperationException');
    expect(Object.keys(info.metadata)).toEqual(['classes']);
  });
});
