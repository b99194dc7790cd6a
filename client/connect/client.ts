import { release as osRelease, platform } from 'node:os';
import type { AnalyzePlanRequest } from '../../proto/generated/spark/connect/AnalyzePlanRequest.js';
import type { AnalyzePlanResponse__Output } from '../../proto/generated/spark/connect/AnalyzePlanResponse.js';
import type { Command } from '../../proto/generated/spark/connect/Command.js';
import type { ConfigRequest } from '../../proto/generated/spark/connect/ConfigRequest.js';
import type { ConfigResponse__Output } from '../../proto/generated/spark/connect/ConfigResponse.js';
import type { Plan } from '../../proto/generated/spark/connect/Plan.js';
import type { Relation } from '../../proto/generated/spark/connect/Relation.js';
import type { UserContext } from '../../proto/generated/spark/connect/UserContext.js';
import type { ConnectionParams } from '../connection-string.js';
import { PySparkAssertionError, SparkConnectError } from '../errors.js';
import { ConnectChannel, DEFAULT_RETRY_POLICY, type RetryPolicy } from './channel.js';
import { convertGrpcError } from './errors.js';
import { executePlan, type RequestContext } from './execute.js';
import { ResultCollector, type ExecuteResult } from './results.js';

/** The Spark version this client speaks (reported in client_type, as PySpark reports its own). */
export const CLIENT_SPARK_VERSION = '4.2.0';

type AnalyzeKind = NonNullable<AnalyzePlanRequest['analyze']>;
type ConfigOperation = NonNullable<ConfigRequest['operation']>;

/**
 * The RPC layer of one session: request envelopes (session id, user context, client type,
 * observed server-side session id), session-id checks on every response, error conversion.
 */
export class SparkConnectClient implements RequestContext {
  readonly channel: ConnectChannel;
  readonly sessionId: string;
  readonly clientType: string;
  readonly #userId: string | undefined;
  #serverSideSessionId: string | undefined;
  readonly #pending = new Set<Promise<unknown>>();

  constructor(params: ConnectionParams, retry: RetryPolicy = DEFAULT_RETRY_POLICY) {
    this.channel = new ConnectChannel(params, retry);
    this.sessionId = params.sessionId;
    this.#userId = params.userId;
    this.clientType = `${params.userAgent} spark/${CLIENT_SPARK_VERSION} os/${platform()}-${osRelease()} node/${process.versions.node}`;
  }

  userContext(): UserContext {
    return this.#userId === undefined ? {} : { user_id: this.#userId };
  }

  observedServerSideSessionId(): string | undefined {
    return this.#serverSideSessionId;
  }

  get serverSideSessionId(): string | undefined {
    return this.#serverSideSessionId;
  }

  checkResponse(sessionId: string, serverSideSessionId: string): void {
    if (sessionId !== this.sessionId) {
      throw new PySparkAssertionError(`Received incorrect session identifier for request: ${sessionId} != ${this.sessionId}`);
    }
    if (this.#serverSideSessionId === undefined) {
      this.#serverSideSessionId = serverSideSessionId;
    } else if (serverSideSessionId !== '' && serverSideSessionId !== this.#serverSideSessionId) {
      this.channel.close();
      throw new PySparkAssertionError(
        `Received incorrect server side session identifier for request. Please create a new Spark Session to reconnect. (${serverSideSessionId} != ${this.#serverSideSessionId})`,
      );
    }
  }

  track(call: Promise<unknown>): void {
    this.#pending.add(call);
    void call.finally(() => this.#pending.delete(call));
  }

  async config(operation: ConfigOperation): Promise<ConfigResponse__Output> {
    const res = await this.#call(() =>
      this.channel.unary<ConfigRequest, ConfigResponse__Output>(this.channel.stub.Config, {
        session_id: this.sessionId,
        user_context: this.userContext(),
        client_type: this.clientType,
        operation,
        ...this.#observed(),
      }),
    );
    this.checkResponse(res.session_id, res.server_side_session_id);
    return res;
  }

  /** AnalyzePlan with one analysis, e.g. `{ schema: { plan } }`. */
  async analyze(analysis: Partial<Pick<AnalyzePlanRequest, AnalyzeKind>>): Promise<AnalyzePlanResponse__Output> {
    const res = await this.#call(() =>
      this.channel.unary<AnalyzePlanRequest, AnalyzePlanResponse__Output>(this.channel.stub.AnalyzePlan, {
        session_id: this.sessionId,
        user_context: this.userContext(),
        client_type: this.clientType,
        ...analysis,
        ...this.#observed(),
      }),
    );
    this.checkResponse(res.session_id, res.server_side_session_id);
    if (res.result === undefined) throw new PySparkAssertionError('No analyze result found!');
    return res;
  }

  /** Runs a plan to completion and gathers its results. */
  async execute(plan: Plan): Promise<ExecuteResult> {
    if (this.channel.closed) throw stoppedError();
    const collector = new ResultCollector();
    for await (const msg of executePlan(this, plan)) collector.add(msg);
    return collector.finish();
  }

  executeRelation(root: Relation): Promise<ExecuteResult> {
    return this.execute({ root });
  }

  executeCommand(command: Command): Promise<ExecuteResult> {
    return this.execute({ command });
  }

  /** ReleaseSession (errors ignored, short deadline), then closes the channel. */
  async close(): Promise<void> {
    if (this.channel.closed) return;
    try {
      await this.channel.unary(
        this.channel.stub.ReleaseSession,
        { session_id: this.sessionId, user_context: this.userContext(), client_type: this.clientType, allow_reconnect: false },
        { retry: false, deadlineMs: 5_000 },
      );
    } catch {
      // As PySpark: a failed ReleaseSession only means the server cleans up on its own timeout.
    }
    // Give in-flight ReleaseExecute calls a moment; never wait long for them.
    await Promise.race([Promise.allSettled([...this.#pending]), new Promise((r) => setTimeout(r, 200).unref())]);
    this.channel.close();
  }

  #observed(): { client_observed_server_side_session_id?: string } {
    return this.#serverSideSessionId === undefined ? {} : { client_observed_server_side_session_id: this.#serverSideSessionId };
  }

  async #call<T>(run: () => Promise<T>): Promise<T> {
    if (this.channel.closed) throw stoppedError();
    try {
      return await run();
    } catch (e) {
      throw convertGrpcError(e);
    }
  }
}

function stoppedError(): SparkConnectError {
  return new SparkConnectError('[NO_ACTIVE_SESSION] The Spark session has been stopped.', { errorClass: 'NO_ACTIVE_SESSION' });
}
