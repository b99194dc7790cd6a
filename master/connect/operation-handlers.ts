import { IllegalArgumentError } from '../../engine/errors/errors.js';
import type { InterruptRequest__Output } from '../../proto/generated/spark/connect/InterruptRequest.js';
import type { ReattachExecuteRequest__Output } from '../../proto/generated/spark/connect/ReattachExecuteRequest.js';
import type { ReleaseExecuteRequest__Output } from '../../proto/generated/spark/connect/ReleaseExecuteRequest.js';
import type { ReleaseExecuteResponse } from '../../proto/generated/spark/connect/ReleaseExecuteResponse.js';
import type { InterruptResponse } from '../../proto/generated/spark/connect/InterruptResponse.js';
import type { ResponseStream } from './operation.js';
import type { InterruptTarget, OperationRegistry } from './operations.js';
import type { ConnectSessions } from './sessions.js';

export interface OperationDeps {
  readonly sessions: ConnectSessions;
  readonly operations: OperationRegistry;
}

/** ReattachExecute: the stream continues after `last_response_id` (replayed from the kept responses, then live). */
export function reattachExecute(deps: OperationDeps, req: ReattachExecuteRequest__Output, stream: ResponseStream): void {
  const session = deps.sessions.get(req);
  const op = deps.operations.get(session.userId, session.sessionId, req.operation_id);
  op.log.debug({ lastResponseId: req.last_response_id }, 'ReattachExecute');
  op.attach(stream, req.last_response_id);
}

/**
 * ReleaseExecute: the client has the responses up to an id (or all of them). Unknown operations
 * are fine: releases are fire-and-forget and may arrive after release_all.
 */
export function releaseExecute(deps: OperationDeps, req: ReleaseExecuteRequest__Output): ReleaseExecuteResponse {
  const session = deps.sessions.get(req);
  const op = deps.operations.find(session.userId, session.sessionId, req.operation_id);
  if (op !== undefined) {
    if (req.release === 'release_all') deps.operations.release(op);
    else if (req.release === 'release_until' && req.release_until) op.releaseUntil(req.release_until.response_id);
  }
  return { session_id: req.session_id, server_side_session_id: session.serverSideSessionId, operation_id: req.operation_id };
}

/** Interrupt: cancels the session's running operations (all, by tag, or one) and names them. */
export function interrupt(deps: OperationDeps, req: InterruptRequest__Output): InterruptResponse {
  const session = deps.sessions.getOrCreate(req);
  const ids = deps.operations.interrupt(session.userId, session.sessionId, interruptTarget(req));
  return { session_id: req.session_id, server_side_session_id: session.serverSideSessionId, interrupted_ids: ids };
}

function interruptTarget(req: InterruptRequest__Output): InterruptTarget {
  switch (req.interrupt_type) {
    case 'INTERRUPT_TYPE_ALL':
      return { kind: 'all' };
    case 'INTERRUPT_TYPE_TAG':
      if (req.interrupt !== 'operation_tag' || !req.operation_tag) {
        throw new IllegalArgumentError('INTERRUPT_TYPE_TAG requested, but no operation_tag provided.');
      }
      return { kind: 'tag', tag: req.operation_tag };
    case 'INTERRUPT_TYPE_OPERATION_ID':
      if (req.interrupt !== 'operation_id' || !req.operation_id) {
        throw new IllegalArgumentError('INTERRUPT_TYPE_OPERATION_ID requested, but no operation_id provided.');
      }
      return { kind: 'operation', operationId: req.operation_id };
    case 'INTERRUPT_TYPE_UNSPECIFIED':
      throw new IllegalArgumentError('INTERRUPT_TYPE_UNSPECIFIED is not a valid interrupt type.');
    default: {
      const never: never = req.interrupt_type;
      return never;
    }
  }
}
