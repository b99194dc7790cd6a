import { randomUUID } from 'node:crypto';
import { Metadata, Server, ServerCredentials, status, type ServerWritableStream, type ServiceError } from '@grpc/grpc-js';
import { encodeRpcStatus, errorInfoDetail, type ErrorInfo } from '../../engine/connect/rpc-status.js';
import type { ExecutePlanRequest__Output } from '../../proto/generated/spark/connect/ExecutePlanRequest.js';
import type { ExecutePlanResponse } from '../../proto/generated/spark/connect/ExecutePlanResponse.js';
import type { ReattachExecuteRequest__Output } from '../../proto/generated/spark/connect/ReattachExecuteRequest.js';
import { sparkConnectServiceDefinition, type SparkConnectServiceHandlers } from '../../proto/load.js';

/** One call the fake server received. */
export interface RecordedCall {
  readonly method: string;
  readonly request: Record<string, unknown>;
  readonly metadata: Record<string, unknown>;
}

export type ExecuteStream = ServerWritableStream<ExecutePlanRequest__Output, ExecutePlanResponse>;
export type ReattachStream = ServerWritableStream<ReattachExecuteRequest__Output, ExecutePlanResponse>;

export interface FakeServerOptions {
  readonly execute?: (call: ExecuteStream, server: FakeServer) => void | Promise<void>;
  readonly reattach?: (call: ReattachStream, server: FakeServer) => void | Promise<void>;
  readonly serverSideSessionId?: string;
}

/**
 * A scripted Spark Connect server for client tests: records every call; Config echoes keys,
 * AnalyzePlan answers a fixed schema, releases succeed; ExecutePlan runs the given script.
 */
export class FakeServer {
  readonly calls: RecordedCall[] = [];
  readonly serverSideSessionId: string;
  port = 0;
  readonly #server = new Server();

  constructor(readonly options: FakeServerOptions = {}) {
    this.serverSideSessionId = options.serverSideSessionId ?? randomUUID();
    const record = (method: string, request: unknown, metadata: Metadata): void => {
      this.calls.push({ method, request: request as Record<string, unknown>, metadata: metadata.getMap() });
    };
    const handlers: SparkConnectServiceHandlers = {
      Config: (call, cb) => {
        record('Config', call.request, call.metadata);
        const op = call.request.operation;
        const keys = op?.get?.keys ?? op?.get_option?.keys ?? [];
        const pairs = op?.get_with_default?.pairs ?? keys.map((key) => ({ key, value: `value-of-${key}` }));
        cb(null, { session_id: call.request.session_id, server_side_session_id: this.serverSideSessionId, pairs: op?.set ? [] : pairs });
      },
      AnalyzePlan: (call, cb) => {
        record('AnalyzePlan', call.request, call.metadata);
        cb(null, {
          session_id: call.request.session_id,
          server_side_session_id: this.serverSideSessionId,
          schema: { schema: { struct: { fields: [{ name: 'value', data_type: { string: {} }, nullable: true }] } } },
        });
      },
      ExecutePlan: (call) => {
        record('ExecutePlan', call.request, call.metadata);
        void Promise.resolve(options.execute ? options.execute(call, this) : this.complete(call, call.request.session_id));
      },
      ReattachExecute: (call) => {
        record('ReattachExecute', call.request, call.metadata);
        if (options.reattach) void Promise.resolve(options.reattach(call, this));
        else call.emit('error', { code: status.UNIMPLEMENTED, details: 'no reattach' });
      },
      ReleaseExecute: (call, cb) => {
        record('ReleaseExecute', call.request, call.metadata);
        cb(null, { session_id: call.request.session_id, server_side_session_id: this.serverSideSessionId, operation_id: call.request.operation_id });
      },
      ReleaseSession: (call, cb) => {
        record('ReleaseSession', call.request, call.metadata);
        cb(null, { session_id: call.request.session_id, server_side_session_id: this.serverSideSessionId });
      },
      Interrupt: (_call, cb) => cb({ code: status.UNIMPLEMENTED }),
      FetchErrorDetails: (_call, cb) => cb({ code: status.UNIMPLEMENTED }),
    };
    this.#server.addService(sparkConnectServiceDefinition(), handlers);
  }

  async start(): Promise<this> {
    this.port = await new Promise<number>((resolve, reject) => {
      this.#server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (err, port) => (err ? reject(err) : resolve(port)));
    });
    return this;
  }

  url(params = ''): string {
    return `sc://127.0.0.1:${this.port}/${params}`;
  }

  /** A response envelope for the request's session with a fresh response id. */
  envelope(sessionId: string, operationId: string, body: ExecutePlanResponse): ExecutePlanResponse {
    return { session_id: sessionId, server_side_session_id: this.serverSideSessionId, operation_id: operationId, response_id: randomUUID(), ...body };
  }

  /** Writes the given messages, then ResultComplete, then ends. */
  complete(call: ExecuteStream, sessionId: string, ...bodies: ExecutePlanResponse[]): void {
    const op = call.request.operation_id ?? '';
    for (const b of bodies) call.write(this.envelope(sessionId, op, b));
    call.write(this.envelope(sessionId, op, { result_complete: {} }));
    call.end();
  }

  callsOf(method: string): RecordedCall[] {
    return this.calls.filter((c) => c.method === method);
  }

  close(): void {
    this.#server.forceShutdown();
  }
}

/** A gRPC error carrying Spark's ErrorInfo in `grpc-status-details-bin`. */
export function sparkError(code: status, message: string, info: ErrorInfo): Partial<ServiceError> {
  const metadata = new Metadata();
  metadata.set('grpc-status-details-bin', Buffer.from(encodeRpcStatus({ code, message, details: [errorInfoDetail(info)] })));
  return { code, details: message, metadata };
}
