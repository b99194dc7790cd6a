import { status, type handleServerStreamingCall, type handleUnaryCall, type Metadata, type ServerWritableStream, type ServiceError } from '@grpc/grpc-js';
import type { Logger } from 'pino';
import type { ExecutePlanResponse } from '../../proto/generated/spark/connect/ExecutePlanResponse.js';
import type { SparkConnectServiceHandlers } from '../../proto/load.js';
import type { MasterRuntime } from '../session/runtime.js';
import { runAnalyzePlan } from './analyze-plan.js';
import { checkAuth } from './auth.js';
import { runConfig } from './config.js';
import { plainStatus, toServiceError } from './errors.js';
import { isMalformed } from '../../proto/kindling/malformed.js';
import { startExecutePlan } from './execute-plan.js';
import { interrupt, reattachExecute, releaseExecute } from './operation-handlers.js';
import { OperationRegistry, type OperationLimits } from './operations.js';
import { DEFAULT_CHUNK_LIMITS, type ChunkLimits } from './responses.js';
import { ConnectSessions } from './sessions.js';

export interface ConnectServiceOptions {
  readonly runtime: MasterRuntime;
  /** When set, every call must carry `authorization: Bearer <token>`. */
  readonly token?: string;
  readonly log: Logger;
  /** How long an operation with no attached stream is kept for ReattachExecute / ReleaseExecute (Spark: 5 minutes). */
  readonly operationIdleTimeoutMs?: number;
  readonly chunkLimits?: ChunkLimits;
  /** Sessions the server holds at most. */
  readonly maxSessions?: number;
  readonly operationLimits?: OperationLimits;
}

interface SessionScoped {
  readonly session_id: string;
}

/** The Spark Connect service: handlers for every RPC, over the runtime's sessions. */
export class SparkConnectService {
  readonly sessions: ConnectSessions;
  readonly operations: OperationRegistry;
  readonly handlers: SparkConnectServiceHandlers;
  private readonly log: Logger;

  constructor(private readonly options: ConnectServiceOptions) {
    this.log = options.log;
    this.sessions = new ConnectSessions(options.runtime, options.maxSessions);
    this.operations = new OperationRegistry(this.log, options.operationIdleTimeoutMs ?? 5 * 60_000, options.operationLimits);
    const deps = {
      sessions: this.sessions,
      operations: this.operations,
      log: this.log,
      chunkLimits: options.chunkLimits ?? DEFAULT_CHUNK_LIMITS,
    };
    this.handlers = {
      ExecutePlan: this.stream('ExecutePlan', (req, call) => startExecutePlan(deps, req, call)),
      ReattachExecute: this.stream('ReattachExecute', (req, call) => reattachExecute(deps, req, call)),
      AnalyzePlan: this.unary('AnalyzePlan', (req) => {
        const session = this.sessions.getOrCreate(req);
        return { session_id: req.session_id, server_side_session_id: session.serverSideSessionId, ...runAnalyzePlan(session, req) };
      }),
      Config: this.unary('Config', (req) => {
        const session = this.sessions.getOrCreate(req);
        const { pairs, warnings } = runConfig(session, req.operation);
        return { session_id: req.session_id, server_side_session_id: session.serverSideSessionId, pairs, warnings };
      }),
      ReleaseExecute: this.unary('ReleaseExecute', (req) => releaseExecute(deps, req)),
      Interrupt: this.unary('Interrupt', (req) => interrupt(deps, req)),
      ReleaseSession: this.unary('ReleaseSession', async (req) => {
        const userId = req.user_context?.user_id ?? '';
        this.operations.closeSession(userId, req.session_id);
        const session = await this.sessions.release(userId, req.session_id, req.allow_reconnect);
        this.log.info({ sessionId: req.session_id, userId, found: session !== undefined }, 'session released');
        return { session_id: req.session_id, server_side_session_id: session?.serverSideSessionId ?? '' };
      }),
      // Kindling never sends errorId, so there is never anything to fetch.
      FetchErrorDetails: this.unary('FetchErrorDetails', (req) => {
        const session = this.sessions.get(req);
        return { session_id: req.session_id, server_side_session_id: session.serverSideSessionId, errors: [] };
      }),
    };
  }

  /** Cancels every operation (their streams end with OPERATION_CANCELED). */
  shutdown(): void {
    this.operations.shutdown();
  }

  /** Why a call is refused before its handler runs: no or a wrong token, or bytes that are no request. */
  private refused(name: string, call: { metadata: Metadata; request: unknown }): ServiceError | undefined {
    const denied = checkAuth(call.metadata, this.options.token);
    if (denied !== undefined) return denied;
    if (isMalformed(call.request)) return plainStatus(status.INVALID_ARGUMENT, `${name}: the request is not a valid ${name}Request message`);
    return undefined;
  }

  private unary<Req extends SessionScoped, Res>(name: string, handler: (req: Req) => Res | Promise<Res>): handleUnaryCall<Req, Res> {
    return (call, callback) => {
      const refused = this.refused(name, call);
      if (refused !== undefined) {
        callback(refused);
        return;
      }
      const log = this.log.child({ rpc: name, sessionId: call.request.session_id });
      Promise.resolve()
        .then(() => handler(call.request))
        .then(
          (res) => callback(null, res),
          (err: unknown) => callback(toServiceError(err, log)),
        );
    };
  }

  private stream<Req extends SessionScoped>(
    name: string,
    handler: (req: Req, call: ServerWritableStream<unknown, ExecutePlanResponse>) => void,
  ): handleServerStreamingCall<Req, ExecutePlanResponse> {
    return (call) => {
      const refused = this.refused(name, call);
      if (refused !== undefined) {
        call.emit('error', refused);
        return;
      }
      try {
        handler(call.request, call as ServerWritableStream<unknown, ExecutePlanResponse>);
      } catch (err) {
        call.emit('error', toServiceError(err, this.log.child({ rpc: name, sessionId: call.request.session_id })));
      }
    };
  }
}
