import { Metadata, status, type ServiceError } from '@grpc/grpc-js';
import { describe, expect, it } from 'vitest';
import { encodeRpcStatus, errorInfoDetail, type ErrorInfo } from '../../engine/connect/rpc-status.js';
import { convertGrpcError } from '../../client/connect/errors.js';
import {
  AnalysisException,
  ArithmeticException,
  DateTimeException,
  IllegalArgumentException,
  NumberFormatException,
  SparkNoSuchElementException,
  ParseException,
  SparkConnectGrpcException,
  StreamingQueryException,
  UnknownException,
  exceptionFromServerError,
} from '../../client/errors.js';

function serviceError(code: status, message: string, info?: ErrorInfo, withTrailer = true): ServiceError {
  const metadata = new Metadata();
  if (withTrailer) {
    const details = info === undefined ? [] : [errorInfoDetail(info)];
    metadata.set('grpc-status-details-bin', Buffer.from(encodeRpcStatus({ code, message, details })));
  }
  return Object.assign(new Error(`${code} ${status[code]}: ${message}`), { code, details: message, metadata });
}

const tableNotFound: ErrorInfo = {
  reason: 'org.apache.spark.sql.catalyst.ExtendedAnalysisException',
  domain: 'org.apache.spark',
  metadata: {
    classes: JSON.stringify([
      'org.apache.spark.sql.catalyst.ExtendedAnalysisException',
      'org.apache.spark.sql.AnalysisException',
      'java.lang.Exception',
      'java.lang.Throwable',
    ]),
    errorClass: 'TABLE_OR_VIEW_NOT_FOUND',
    messageParameters: JSON.stringify({ relationName: '`missing`' }),
    sqlState: '42P01',
  },
};

describe('server errors become PySpark-named exceptions', () => {
  it('the first known class of the chain wins; condition, SQLSTATE and parameters are kept', () => {
    const msg = '[TABLE_OR_VIEW_NOT_FOUND] The table or view `missing` cannot be found. SQLSTATE: 42P01';
    const e = convertGrpcError(serviceError(status.INTERNAL, msg, tableNotFound));
    expect(e).toBeInstanceOf(AnalysisException);
    expect(e).toBeInstanceOf(SparkConnectGrpcException);
    expect(e.message).toBe(msg);
    expect(e.getCondition()).toBe('TABLE_OR_VIEW_NOT_FOUND');
    expect(e.getSqlState()).toBe('42P01');
    expect(e.getMessageParameters()).toEqual({ relationName: '`missing`' });
    expect(e.grpcStatusCode).toBe(status.INTERNAL);
  });

  it('maps parse, streaming and argument errors; ParseException is an AnalysisException', () => {
    const of = (classes: string[]) => exceptionFromServerError({ message: 'm', reason: classes[0] ?? '', classes });
    const parse = of(['org.apache.spark.sql.catalyst.parser.ParseException', 'org.apache.spark.sql.AnalysisException']);
    expect(parse).toBeInstanceOf(ParseException);
    expect(parse).toBeInstanceOf(AnalysisException);
    expect(of(['org.apache.spark.sql.streaming.StreamingQueryException'])).toBeInstanceOf(StreamingQueryException);
    expect(of(['java.lang.NumberFormatException', 'java.lang.IllegalArgumentException'])).toBeInstanceOf(IllegalArgumentException);
  });

  it("Spark's run-time data error chains (as Spark 4.3 sends them) give the Java exception classes", () => {
    const of = (classes: string[]) => exceptionFromServerError({ message: 'm', reason: classes[0] ?? '', classes });
    const tail = ['java.lang.RuntimeException', 'java.lang.Exception', 'java.lang.Throwable', 'java.lang.Object'];
    expect(of(['org.apache.spark.SparkArithmeticException', 'java.lang.ArithmeticException', ...tail])).toBeInstanceOf(ArithmeticException);
    const nfe = of([
      'org.apache.spark.SparkNumberFormatException',
      'java.lang.NumberFormatException',
      'java.lang.IllegalArgumentException',
      ...tail,
    ]);
    expect(nfe).toBeInstanceOf(NumberFormatException);
    expect(nfe).toBeInstanceOf(IllegalArgumentException);
    expect(of(['org.apache.spark.SparkDateTimeException', 'java.time.DateTimeException', ...tail])).toBeInstanceOf(DateTimeException);
    expect(
      of(['org.apache.spark.SparkNoSuchElementException', 'java.util.NoSuchElementException', ...tail]),
    ).toBeInstanceOf(SparkNoSuchElementException);
    // Without the Java superclasses (what Kindling used to send) nothing matches.
    expect(of(['org.apache.spark.SparkArithmeticException', ...tail])).toBeInstanceOf(UnknownException);
  });

  it('an unknown class chain gives UnknownException with the reason as prefix', () => {
    const e = exceptionFromServerError({ message: 'boom', reason: 'com.acme.Oops', classes: ['com.acme.Oops', 'java.lang.Throwable'] });
    expect(e).toBeInstanceOf(UnknownException);
    expect(e.message).toBe('(com.acme.Oops) boom');
  });

  it('without ErrorInfo the status message is kept; without the trailer gRPC text is used', () => {
    const noInfo = convertGrpcError(serviceError(status.INTERNAL, 'plain failure'));
    expect(noInfo.constructor).toBe(SparkConnectGrpcException);
    expect(noInfo.message).toBe('plain failure');
    const noTrailer = convertGrpcError(serviceError(status.UNAUTHENTICATED, 'bad token', undefined, false));
    expect(noTrailer.constructor).toBe(SparkConnectGrpcException);
    expect(noTrailer.message).toContain('bad token');
    expect(noTrailer.grpcStatusCode).toBe(status.UNAUTHENTICATED);
  });
});
