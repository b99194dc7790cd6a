import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { decodeRelation } from '../../engine/connect/index.js';
import type { ExecutePlanRequest__Output } from '../../proto/generated/spark/connect/ExecutePlanRequest.js';
import type { Session } from '../session/session.js';
import { runCatalog } from '../session/catalog-ops.js';
import { runCommand } from './commands/index.js';
import { ConnectErrors } from './errors.js';
import type { ExecuteOperation, ResponseBody, ResponseStream } from './operation.js';
import type { OperationRegistry } from './operations.js';
import { planRequest } from './plan.js';
import { RESULT_COMPLETE, resultResponses, type ChunkLimits } from './responses.js';
import { isUuid, type ConnectSessions } from './sessions.js';

export interface ExecuteDeps {
  readonly sessions: ConnectSessions;
  readonly operations: OperationRegistry;
  readonly log: Logger;
  readonly chunkLimits: ChunkLimits;
}

/**
 * ExecutePlan: registers the operation, attaches the call's stream to it, and runs the plan in
 * the background. A query answers with its schema and Arrow batches, a command with its result
 * message; every successful stream ends with ResultComplete, a failed one with an error status.
 * Throws (before anything is sent) when the session or operation id is refused.
 */
export function startExecutePlan(deps: ExecuteDeps, req: ExecutePlanRequest__Output, stream: ResponseStream): void {
  const session = deps.sessions.getOrCreate(req);
  const operationId = req.operation_id ?? randomUUID();
  if (!isUuid(operationId)) throw ConnectErrors.badHandleFormat(operationId);
  const op = deps.operations.create({
    userId: session.userId,
    sessionId: session.sessionId,
    serverSideSessionId: session.serverSideSessionId,
    operationId,
    tags: [...req.tags],
    reattachable: req.request_options.some((o) => o.reattach_options?.reattachable === true),
  });
  op.log.debug({ plan: req.plan?.op_type, clientType: req.client_type }, 'ExecutePlan');
  op.attach(stream);
  void runPlan(deps, session, op, req);
}

async function runPlan(deps: ExecuteDeps, session: Session, op: ExecuteOperation, req: ExecutePlanRequest__Output): Promise<void> {
  try {
    const plan = planRequest(req.plan);
    if (plan.kind === 'root') {
      const cat = plan.relation.rel_type === 'catalog' ? plan.relation.catalog : undefined;
      const batch = cat ? runCatalog(session, cat) : await session.execute(decodeRelation(plan.relation));
      if (!(await sendPaced(op, resultResponses(batch, session.conf.timeZone, deps.chunkLimits)))) return;
    } else {
      await runCommand({ session, signal: op.abort.signal, log: op.log, emit: (body) => op.emit(body) }, plan.command);
    }
    op.emit(RESULT_COMPLETE);
    op.succeed();
  } catch (err) {
    op.fail(err);
  }
}

/**
 * Encodes and sends responses one at a time, as the client takes them: between two it gives the
 * event loop a turn (other sessions' calls run) and waits while the stream is full or detached.
 * False when the operation ended meanwhile (cancelled, released, abandoned): the rest is dropped.
 */
async function sendPaced(op: ExecuteOperation, bodies: Iterable<ResponseBody>): Promise<boolean> {
  for (const body of bodies) {
    await op.whenWritable();
    if (!op.isRunning) return false;
    op.emit(body);
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  await op.whenWritable();
  return op.isRunning;
}
