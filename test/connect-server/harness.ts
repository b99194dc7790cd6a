import { randomUUID } from 'node:crypto';
import { createServer, type Socket } from 'node:net';
import { credentials, Metadata, type ClientReadableStream, type ServiceError } from '@grpc/grpc-js';
import { decodeRpcStatus, findErrorInfo, type ErrorInfo, type RpcStatus } from '../../engine/connect/index.js';
import { startConnectServer, type ConnectServer } from '../../master/connect/server.js';
import type { ChunkLimits } from '../../master/connect/responses.js';
import type { AnalyzePlanRequest } from '../../proto/generated/spark/connect/AnalyzePlanRequest.js';
import type { AnalyzePlanResponse__Output } from '../../proto/generated/spark/connect/AnalyzePlanResponse.js';
import type { ConfigRequest } from '../../proto/generated/spark/connect/ConfigRequest.js';
import type { ConfigResponse__Output } from '../../proto/generated/spark/connect/ConfigResponse.js';
import type { ExecutePlanRequest } from '../../proto/generated/spark/connect/ExecutePlanRequest.js';
import type { ExecutePlanResponse__Output } from '../../proto/generated/spark/connect/ExecutePlanResponse.js';
import type { InterruptRequest } from '../../proto/generated/spark/connect/InterruptRequest.js';
import type { InterruptResponse__Output } from '../../proto/generated/spark/connect/InterruptResponse.js';
import type { Plan } from '../../proto/generated/spark/connect/Plan.js';
import type { ReleaseExecuteRequest } from '../../proto/generated/spark/connect/ReleaseExecuteRequest.js';
import type { ReleaseExecuteResponse__Output } from '../../proto/generated/spark/connect/ReleaseExecuteResponse.js';
import type { ReleaseSessionResponse__Output } from '../../proto/generated/spark/connect/ReleaseSessionResponse.js';
import { loadSparkConnect, type SparkConnectServiceClient } from '../../proto/load.js';
import { localRuntime, type LocalRuntime } from '../support/local-runtime.js';

export type Response = ExecutePlanResponse__Output;

/** A real Spark Connect server on loopback over in-process workers, and a raw grpc-js client for it. */
export interface Harness {
  readonly local: LocalRuntime;
  readonly server: ConnectServer;
  readonly client: SparkConnectServiceClient;
  session(options?: { userId?: string; token?: string }): ClientSession;
  close(): Promise<void>;
}

export async function startHarness(
  options: { token?: string; operationIdleTimeoutMs?: number; chunkLimits?: ChunkLimits; sessionTimeoutMs?: number } = {},
): Promise<Harness> {
  const local = localRuntime({ workers: 2 });
  const server = await startConnectServer({
    runtime: local.runtime,
    host: '127.0.0.1',
    port: 0,
    log: local.runtime.log,
    ...options,
  });
  const Service = loadSparkConnect().spark.connect.SparkConnectService;
  const client = new Service(`127.0.0.1:${server.port}`, credentials.createInsecure(), {
    'grpc.max_receive_message_length': 128 * 1024 * 1024,
  });
  return {
    local,
    server,
    client,
    session: (o = {}) => new ClientSession(client, o.userId ?? '', o.token),
    async close() {
      client.close();
      await server.close();
      await local.close();
    },
  };
}

/** What a streaming call produced: its messages, and the error status it ended with (if any). */
export interface StreamResult {
  readonly messages: Response[];
  readonly error?: ServiceError;
}

/** The rich error a failed call carries, as PySpark reads it. */
export interface DecodedError {
  readonly code: number;
  readonly details: string;
  readonly status: RpcStatus | undefined;
  readonly info: ErrorInfo | undefined;
}

export function decodeError(err: ServiceError | undefined): DecodedError {
  if (err === undefined) throw new Error('expected the call to fail');
  const bin = err.metadata.get('grpc-status-details-bin')[0];
  const status = bin === undefined ? undefined : decodeRpcStatus(new Uint8Array(bin as Buffer));
  return { code: err.code, details: err.details, status, info: status === undefined ? undefined : findErrorInfo(status) };
}

export function collect(stream: ClientReadableStream<Response>, onMessage?: (m: Response) => void): Promise<StreamResult> {
  return new Promise((resolve) => {
    const messages: Response[] = [];
    stream.on('data', (m: Response) => {
      messages.push(m);
      onMessage?.(m);
    });
    stream.on('error', (error: ServiceError) => resolve({ messages, error }));
    stream.on('end', () => resolve({ messages }));
  });
}

/** One client session, sending requests shaped as PySpark 4.x sends them. */
export class ClientSession {
  readonly sessionId = randomUUID();
  /** The server-side session id from the first response, sent back as PySpark does. */
  serverSideSessionId: string | undefined;

  constructor(
    readonly client: SparkConnectServiceClient,
    readonly userId: string,
    private readonly token?: string,
  ) {}

  metadata(): Metadata {
    const md = new Metadata();
    if (this.token !== undefined) md.set('authorization', `Bearer ${this.token}`);
    return md;
  }

  base(): { session_id: string; user_context: { user_id: string }; client_type: string; client_observed_server_side_session_id?: string } {
    const b = { session_id: this.sessionId, user_context: { user_id: this.userId }, client_type: 'kindling-tests' };
    return this.serverSideSessionId === undefined ? b : { ...b, client_observed_server_side_session_id: this.serverSideSessionId };
  }

  private observe(serverSideSessionId: string): void {
    if (this.serverSideSessionId === undefined && serverSideSessionId !== '') this.serverSideSessionId = serverSideSessionId;
  }

  config(operation: ConfigRequest['operation']): Promise<ConfigResponse__Output> {
    return new Promise((resolve, reject) =>
      this.client.Config({ ...this.base(), operation }, this.metadata(), (err, res) => {
        if (err || !res) return reject(err ?? new Error('no response'));
        this.observe(res.server_side_session_id);
        resolve(res);
      }),
    );
  }

  analyze(request: Omit<AnalyzePlanRequest, 'session_id' | 'user_context'>): Promise<AnalyzePlanResponse__Output> {
    return new Promise((resolve, reject) =>
      this.client.AnalyzePlan({ ...this.base(), ...request }, this.metadata(), (err, res) => {
        if (err || !res) return reject(err ?? new Error('no response'));
        this.observe(res.server_side_session_id);
        resolve(res);
      }),
    );
  }

  request(plan: Plan | null, operationId: string = randomUUID(), tags: string[] = []): ExecutePlanRequest {
    return {
      ...this.base(),
      operation_id: operationId,
      plan,
      tags,
      request_options: [{ result_chunking_options: { allow_arrow_batch_chunking: true } }, { reattach_options: { reattachable: true } }],
    };
  }

  executeStream(plan: Plan | null, operationId?: string, tags?: string[]): ClientReadableStream<Response> {
    return this.client.ExecutePlan(this.request(plan, operationId, tags), this.metadata());
  }

  async execute(plan: Plan | null, operationId?: string): Promise<StreamResult> {
    const result = await collect(this.executeStream(plan, operationId));
    const first = result.messages[0];
    if (first !== undefined) this.observe(first.server_side_session_id);
    return result;
  }

  /** Runs a command or query that must succeed; returns its messages. */
  async ok(plan: Plan): Promise<Response[]> {
    const result = await this.execute(plan);
    if (result.error) throw new Error(`ExecutePlan failed: ${result.error.details}`);
    return result.messages;
  }

  reattach(operationId: string, lastResponseId?: string): ClientReadableStream<Response> {
    const req = { ...this.base(), operation_id: operationId, ...(lastResponseId === undefined ? {} : { last_response_id: lastResponseId }) };
    return this.client.ReattachExecute(req, this.metadata());
  }

  releaseExecute(operationId: string, release: Pick<ReleaseExecuteRequest, 'release_all' | 'release_until'>): Promise<ReleaseExecuteResponse__Output> {
    return new Promise((resolve, reject) =>
      this.client.ReleaseExecute({ ...this.base(), operation_id: operationId, ...release }, this.metadata(), (err, res) =>
        err || !res ? reject(err ?? new Error('no response')) : resolve(res),
      ),
    );
  }

  interrupt(request: Pick<InterruptRequest, 'interrupt_type' | 'operation_id' | 'operation_tag'>): Promise<InterruptResponse__Output> {
    return new Promise((resolve, reject) =>
      this.client.Interrupt({ ...this.base(), ...request }, this.metadata(), (err, res) =>
        err || !res ? reject(err ?? new Error('no response')) : resolve(res),
      ),
    );
  }

  releaseSession(): Promise<ReleaseSessionResponse__Output> {
    return new Promise((resolve, reject) =>
      this.client.ReleaseSession(
        { session_id: this.sessionId, user_context: { user_id: this.userId }, client_type: 'kindling-tests' },
        this.metadata(),
        (err, res) => (err || !res ? reject(err ?? new Error('no response')) : resolve(res)),
      ),
    );
  }
}

/** A tiny line server (like `nc -lk`): every connection gets `lines`, then stays open. */
export async function lineServer(lines: readonly string[]): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => sockets.delete(socket));
    socket.write(lines.map((l) => `${l}\n`).join(''));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('line server has no port');
  return {
    port: address.port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** Checks the invariants every ExecutePlan stream must keep (PySpark asserts them). */
export function expectWellFormed(messages: readonly Response[], sessionId: string, operationId?: string): void {
  const ids = new Set<string>();
  if (messages.length === 0) throw new Error('empty stream');
  const serverSide = messages[0]?.server_side_session_id ?? '';
  if (serverSide === '') throw new Error('no server_side_session_id');
  for (const m of messages) {
    if (m.session_id !== sessionId) throw new Error(`session_id ${m.session_id} != ${sessionId}`);
    if (m.server_side_session_id !== serverSide) throw new Error('server_side_session_id changed within a stream');
    if (!/^[0-9a-f-]{36}$/.test(m.response_id) || ids.has(m.response_id)) throw new Error(`bad or repeated response_id ${m.response_id}`);
    if (operationId !== undefined && m.operation_id !== operationId) throw new Error(`operation_id ${m.operation_id} != ${operationId}`);
    ids.add(m.response_id);
  }
  if (messages[messages.length - 1]?.response_type !== 'result_complete') throw new Error('stream did not end with result_complete');
  if (messages.slice(0, -1).some((m) => m.response_type === 'result_complete')) throw new Error('result_complete before the end');
}
