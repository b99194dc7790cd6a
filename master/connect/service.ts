import type { handleServerStreamingCall, handleUnaryCall, Metadata, ServerWritableStream } from '@grpc/grpc-js';
import type { Logger } from 'pino';
import type { ExecutePlanResponse } from '../../proto/generated/spark/connect/ExecutePlanResponse.js';
import type { SparkConnectServiceHandlers } from '../../proto/load.js';
import type { MasterRuntime } from '../session/runtime.js';
import { runAnalyzePlan } from './analyze-plan.js';
import { checkAuth } from './auth.js';
import { runConfig } from './config.js';
import { toServiceError } from './errors.js';
import { startExecutePlan } from './execute-plan.js';
import { interrupt, reattachExecute, releaseExecute } from './operation-handlers.js';
import { OperationRegistry } from './operations.js';
import { DEFAULT_CHUNK_LIMITS, type ChunkLimits } from './responses.js';
import { ConnectSessions, DEFAULT_SESSION_TIMEOUT_MS, SESSION_TIMEOUT_CONF, timeConfMs } from './sessions.js';

export interface ConnectServiceOptions {
  readonly runtime: MasterRuntime;
  /** When set, every call must carry `authorization: Bearer <token>`. */
  readonly token?: string;
  readonly log: Logger;
  /** How long an operation with no attached stream is kept for ReattachExecute / ReleaseExecute (Spark: 5 minutes). */
  readonly operationIdleTimeoutMs?: number;
  readonly chunkLimits?: ChunkLimits;
  /**
   * How long a session no call touched lives on (then it is released and its queries stop).
   * Default: the runtime's `spark.connect.session.manager.defaultSessionTimeout`, else Spark's 60 minutes.
   */
  readonly sessionTimeoutMs?: number;
}

/** How long an operation with no attached stream is kept for a ReattachExecute (then it is abandoned and its memory freed). */
export const DEFAULT_OPERATION_IDLE_TIMEOUT_MS = 20_000;

interface SessionScoped {
  readonly session_id: string;
}

/** The Spark Connect service: handlers for every RPC, over the runtime's sessions. */
export class SparkConnectService {
  readonly sessions: ConnectSessions;
  readonly operations: OperationRegistry;
  readonly handlers: SparkConnectServiceHandlers;
  readonly sessionTimeoutMs: number;
  private readonly log: Logger;
  private readonly sweeper: NodeJS.Timeout;
  private sweeping = false;

  constructor(private readonly options: ConnectServiceOptions) {
    this.log = options.log;
    this.sessions = new ConnectSessions(options.runtime);
    this.operations = new OperationRegistry(this.log, options.operationIdleTimeoutMs ?? DEFAULT_OPERATION_IDLE_TIMEOUT_MS);
    const configured = options.runtime.defaults[SESSION_TIMEOUT_CONF];
    this.sessionTimeoutMs =
      options.sessionTimeoutMs ?? (configured === undefined ? DEFAULT_SESSION_TIMEOUT_MS : timeConfMs(SESSION_TIMEOUT_CONF, configured));
    // Spark sweeps every 30 s (spark.connect.session.manager.maintenanceInterval); short timeouts sweep more often.
    this.sweeper = setInterval(() => void this.expireIdleSessions(), Math.max(10, Math.min(30_000, Math.floor(this.sessionTimeoutMs / 4))));
    this.sweeper.unref();
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
    clearInterval(this.sweeper);
    this.operations.shutdown();
  }

  /** Releases the sessions idle past the session timeout: their operations end and their streaming queries stop. */
  async expireIdleSessions(): Promise<void> {
    if (this.sweeping) return;
    this.sweeping = true;
    try {
      const busy = (userId: string, sessionId: string): boolean => this.operations.ofSession(userId, sessionId).some((op) => op.isRunning && op.attached);
      for (const session of await this.sessions.expireIdle(this.sessionTimeoutMs, busy)) {
        this.operations.closeSession(session.userId, session.sessionId);
        this.log.info({ sessionId: session.sessionId, userId: session.userId, timeoutMs: this.sessionTimeoutMs }, 'session expired: released, its queries stopped');
      }
    } catch (err) {
      this.log.error({ err: (err as Error).message }, 'expiring idle sessions failed');
    } finally {
      this.sweeping = false;
    }
  }

  private denied(metadata: Metadata): ReturnType<typeof checkAuth> {
    return checkAuth(metadata, this.options.token);
  }

  private unary<Req extends SessionScoped, Res>(name: string, handler: (req: Req) => Res | Promise<Res>): handleUnaryCall<Req, Res> {
    return (call, callback) => {
      const denied = this.denied(call.metadata);
      if (denied !== undefined) {
        callback(denied);
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
      const denied = this.denied(call.metadata);
      if (denied !== undefined) {
        call.emit('error', denied);
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
