import type { Logger } from 'pino';
import { ConnectErrors } from './errors.js';
import { ExecuteOperation, type OperationIdentity } from './operation.js';
import { sessionKey } from './sessions.js';

/** Which running operations an Interrupt request targets. */
export type InterruptTarget =
  | { readonly kind: 'all' }
  | { readonly kind: 'tag'; readonly tag: string }
  | { readonly kind: 'operation'; readonly operationId: string };

const MAX_ABANDONED = 1000;

/** How many operations (running, or finished and not yet released) a session and the server keep at most. */
export interface OperationLimits {
  readonly perSession: number;
  readonly total: number;
}

export const DEFAULT_OPERATION_LIMITS: OperationLimits = Object.freeze({ perSession: 100, total: 2000 });

/**
 * The ExecutePlan operations of all sessions, keyed by (user id, session id, operation id), kept
 * from the first response until ReleaseExecute(release_all), the session's release, or an idle
 * timeout with no attached stream (then the operation counts as abandoned).
 */
export class OperationRegistry {
  private readonly ops = new Map<string, ExecuteOperation>();
  private readonly abandoned = new Set<string>();

  constructor(
    private readonly log: Logger,
    private readonly idleTimeoutMs: number,
    private readonly limits: OperationLimits = DEFAULT_OPERATION_LIMITS,
  ) {}

  create(identity: OperationIdentity): ExecuteOperation {
    const key = this.key(identity.userId, identity.sessionId, identity.operationId);
    if (this.ops.has(key)) throw ConnectErrors.operationExists(identity.operationId);
    if (this.ops.size >= this.limits.total) throw ConnectErrors.tooManyOperations('server', this.limits.total);
    if (this.ofSession(identity.userId, identity.sessionId).length >= this.limits.perSession) {
      throw ConnectErrors.tooManyOperations('session', this.limits.perSession);
    }
    const log = this.log.child({ sessionId: identity.sessionId, operationId: identity.operationId });
    const op = new ExecuteOperation(identity, log, this.idleTimeoutMs, (idle) => this.abandon(idle));
    this.ops.set(key, op);
    return op;
  }

  /** The operation for a ReattachExecute; an error naming why it is gone. */
  get(userId: string, sessionId: string, operationId: string): ExecuteOperation {
    const key = this.key(userId, sessionId, operationId);
    const op = this.ops.get(key);
    if (op !== undefined) return op;
    if (this.abandoned.has(key)) throw ConnectErrors.operationAbandoned(operationId);
    throw ConnectErrors.operationNotFound(operationId);
  }

  find(userId: string, sessionId: string, operationId: string): ExecuteOperation | undefined {
    return this.ops.get(this.key(userId, sessionId, operationId));
  }

  /** ReleaseExecute(release_all): the client is done; a still-running operation is stopped. */
  release(op: ExecuteOperation): void {
    const { userId, sessionId, operationId } = op.identity;
    const key = this.key(userId, sessionId, operationId);
    if (this.ops.get(key) !== op) return;
    this.ops.delete(key);
    op.dispose();
  }

  /** Interrupts the session's matching running operations; returns their ids. */
  interrupt(userId: string, sessionId: string, target: InterruptTarget): string[] {
    const interrupted: string[] = [];
    for (const op of this.ofSession(userId, sessionId)) {
      if (!matches(op, target)) continue;
      if (op.interrupt()) interrupted.push(op.id);
    }
    return interrupted;
  }

  /** Drops every operation of a released session. */
  closeSession(userId: string, sessionId: string): void {
    for (const op of this.ofSession(userId, sessionId)) this.release(op);
  }

  ofSession(userId: string, sessionId: string): ExecuteOperation[] {
    return [...this.ops.values()].filter((op) => op.identity.userId === userId && op.identity.sessionId === sessionId);
  }

  get size(): number {
    return this.ops.size;
  }

  shutdown(): void {
    for (const op of [...this.ops.values()]) this.release(op);
  }

  private abandon(op: ExecuteOperation): void {
    const { userId, sessionId, operationId } = op.identity;
    const key = this.key(userId, sessionId, operationId);
    if (this.ops.get(key) !== op) return;
    op.log.info({ state: op.state }, 'operation abandoned: no stream attached and not released');
    this.release(op);
    this.abandoned.add(key);
    while (this.abandoned.size > MAX_ABANDONED) {
      const oldest = this.abandoned.values().next();
      if (oldest.done === true) break;
      this.abandoned.delete(oldest.value);
    }
  }

  private key(userId: string, sessionId: string, operationId: string): string {
    return `${sessionKey(userId, sessionId)}\u0000${operationId}`;
  }
}

function matches(op: ExecuteOperation, target: InterruptTarget): boolean {
  switch (target.kind) {
    case 'all':
      return true;
    case 'tag':
      return op.identity.tags.includes(target.tag);
    case 'operation':
      return op.id === target.operationId;
    default: {
      const never: never = target;
      return never;
    }
  }
}
