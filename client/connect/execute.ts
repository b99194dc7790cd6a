import { randomUUID } from 'node:crypto';
import type { ClientReadableStream } from '@grpc/grpc-js';
import type { ExecutePlanRequest } from '../../proto/generated/spark/connect/ExecutePlanRequest.js';
import type { ExecutePlanResponse__Output } from '../../proto/generated/spark/connect/ExecutePlanResponse.js';
import type { Plan } from '../../proto/generated/spark/connect/Plan.js';
import type { ReleaseExecuteRequest } from '../../proto/generated/spark/connect/ReleaseExecuteRequest.js';
import type { UserContext } from '../../proto/generated/spark/connect/UserContext.js';
import { backoffDelay, sleep, type ConnectChannel } from './channel.js';
import { convertGrpcError, isOperationGone, isRetryable } from './errors.js';

/** What request building and response checking need from the session's client. */
export interface RequestContext {
  readonly channel: ConnectChannel;
  readonly sessionId: string;
  readonly clientType: string;
  userContext(): UserContext;
  /** The server-side session id seen so far, sent back as client_observed_server_side_session_id. */
  observedServerSideSessionId(): string | undefined;
  /** Throws when a response belongs to another session or the server-side session changed. */
  checkResponse(sessionId: string, serverSideSessionId: string): void;
  /** Keeps a fire-and-forget call (ReleaseExecute) so `stop()` can give it a moment to finish. */
  track(call: Promise<unknown>): void;
}

const RELEASE_DEADLINE_MS = 10_000;

/**
 * Runs a plan with reattachable execution, as PySpark does: a client-made operation id and the
 * chunking + reattach options on ExecutePlan; a ReleaseExecute(release_until) in the background
 * after each message and release_all at the end; ReattachExecute(last_response_id) when the
 * stream ends without ResultComplete or breaks with a retryable error; the original request
 * again if the server never heard of the operation and nothing had arrived yet.
 * Yields every message except ResultComplete; completes only after ResultComplete.
 */
export async function* executePlan(ctx: RequestContext, plan: Plan): AsyncGenerator<ExecutePlanResponse__Output, void, undefined> {
  const operationId = randomUUID();
  const request = (): ExecutePlanRequest => ({
    session_id: ctx.sessionId,
    user_context: ctx.userContext(),
    operation_id: operationId,
    plan,
    client_type: ctx.clientType,
    request_options: [{ result_chunking_options: { allow_arrow_batch_chunking: true } }, { reattach_options: { reattachable: true } }],
    tags: [],
    ...observed(ctx),
  });
  const stub = ctx.channel.stub;
  let lastResponseId: string | undefined;
  let complete = false;
  let retries = 0;
  let backoff = ctx.channel.retryPolicy.initialBackoffMs;
  let call: ClientReadableStream<ExecutePlanResponse__Output> = ctx.channel.stream(stub.ExecutePlan, request());
  try {
    while (!complete) {
      try {
        for await (const raw of call) {
          const msg = raw as ExecutePlanResponse__Output;
          ctx.checkResponse(msg.session_id, msg.server_side_session_id);
          if (msg.response_type === 'result_complete') {
            complete = true;
            release(ctx, operationId, undefined);
            break;
          }
          if (msg.response_id !== '') {
            lastResponseId = msg.response_id;
            release(ctx, operationId, msg.response_id);
          }
          retries = 0;
          yield msg;
        }
        if (!complete) call = reattach(ctx, operationId, lastResponseId);
      } catch (e) {
        if (isRetryable(e) && retries < ctx.channel.retryPolicy.maxRetries) {
          retries++;
          await sleep(backoffDelay(backoff));
          backoff = Math.min(ctx.channel.retryPolicy.maxBackoffMs, backoff * ctx.channel.retryPolicy.backoffMultiplier);
          call = reattach(ctx, operationId, lastResponseId);
        } else if (isOperationGone(e) && lastResponseId === undefined && retries <= ctx.channel.retryPolicy.maxRetries) {
          retries++;
          call = ctx.channel.stream(stub.ExecutePlan, request());
        } else {
          release(ctx, operationId, undefined);
          throw convertGrpcError(e);
        }
      }
    }
  } finally {
    // The consumer stopped early (or an error escaped): stop the server stream.
    if (!complete) call.cancel();
  }
}

function reattach(ctx: RequestContext, operationId: string, lastResponseId: string | undefined): ClientReadableStream<ExecutePlanResponse__Output> {
  return ctx.channel.stream(ctx.channel.stub.ReattachExecute, {
    session_id: ctx.sessionId,
    user_context: ctx.userContext(),
    operation_id: operationId,
    client_type: ctx.clientType,
    ...(lastResponseId === undefined ? {} : { last_response_id: lastResponseId }),
    ...observed(ctx),
  });
}

/** ReleaseExecute in the background: `release_until` a response, or `release_all`. Failures are ignored. */
function release(ctx: RequestContext, operationId: string, untilResponseId: string | undefined): void {
  if (ctx.channel.closed) return;
  const request: ReleaseExecuteRequest = {
    session_id: ctx.sessionId,
    user_context: ctx.userContext(),
    operation_id: operationId,
    client_type: ctx.clientType,
    ...(untilResponseId === undefined ? { release_all: {} } : { release_until: { response_id: untilResponseId } }),
  };
  const call = ctx.channel.unary(ctx.channel.stub.ReleaseExecute, request, { retry: false, deadlineMs: RELEASE_DEADLINE_MS }).then(
    () => undefined,
    () => undefined,
  );
  ctx.track(call);
}

function observed(ctx: RequestContext): { client_observed_server_side_session_id?: string } {
  const id = ctx.observedServerSideSessionId();
  return id === undefined ? {} : { client_observed_server_side_session_id: id };
}
