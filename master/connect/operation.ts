import { randomUUID } from 'node:crypto';
import type { ServerWritableStream, ServiceError } from '@grpc/grpc-js';
import type { Logger } from 'pino';
import type { ExecutePlanResponse } from '../../proto/generated/spark/connect/ExecutePlanResponse.js';
import { ConnectErrors, toServiceError } from './errors.js';

/** The stream an ExecutePlan or ReattachExecute call writes to. */
export type ResponseStream = ServerWritableStream<unknown, ExecutePlanResponse>;

/** What a step of an operation sends: everything but the ids, which the operation stamps. */
export type ResponseBody = Omit<ExecutePlanResponse, 'session_id' | 'server_side_session_id' | 'operation_id' | 'response_id'>;

export type OperationState = 'running' | 'succeeded' | 'failed';

export interface OperationIdentity {
  readonly userId: string;
  readonly sessionId: string;
  readonly serverSideSessionId: string;
  readonly operationId: string;
  readonly tags: readonly string[];
  /** Whether a dropped stream leaves the operation running for a ReattachExecute. */
  readonly reattachable: boolean;
}

interface Sent {
  readonly id: string;
  readonly index: number;
  readonly message: ExecutePlanResponse;
}

/** Called when the operation has had no attached stream for a while (or never will again). */
export type IdleHandler = (op: ExecuteOperation) => void;

/**
 * One ExecutePlan execution: its responses in order (kept until ReleaseExecute), its state, and
 * the stream currently reading it. Every response carries the session ids, the operation id and
 * a fresh response id. A reattached stream resumes after the last response the client saw; a
 * dropped stream leaves a reattachable operation running until the idle timeout.
 */
export class ExecuteOperation {
  readonly abort = new AbortController();
  private readonly buffer: Sent[] = [];
  private readonly indexOf = new Map<string, number>();
  private next = 0;
  private consumer: { readonly stream: ResponseStream; position: number } | undefined;
  private stateValue: OperationState = 'running';
  private failure: ServiceError | undefined;
  private idleTimer: NodeJS.Timeout | undefined;

  constructor(
    readonly identity: OperationIdentity,
    readonly log: Logger,
    private readonly idleTimeoutMs: number,
    private readonly onIdle: IdleHandler,
  ) {}

  get id(): string {
    return this.identity.operationId;
  }

  get state(): OperationState {
    return this.stateValue;
  }

  get isRunning(): boolean {
    return this.stateValue === 'running';
  }

  /** Appends a response and sends it to the attached stream; ignored once the operation ended. */
  emit(body: ResponseBody): void {
    if (!this.isRunning) return;
    const id = randomUUID();
    const message: ExecutePlanResponse = {
      ...body,
      session_id: this.identity.sessionId,
      server_side_session_id: this.identity.serverSideSessionId,
      operation_id: this.identity.operationId,
      response_id: id,
    };
    const index = this.next++;
    this.buffer.push({ id, index, message });
    this.indexOf.set(id, index);
    this.pump();
  }

  succeed(): void {
    if (!this.isRunning) return;
    this.stateValue = 'succeeded';
    this.pump();
  }

  fail(err: unknown): void {
    if (!this.isRunning) return;
    this.stateValue = 'failed';
    this.failure = toServiceError(err, this.log);
    this.abort.abort();
    this.pump();
  }

  /** Cancels a running operation (its stream ends with OPERATION_CANCELED); false when already ended. */
  interrupt(): boolean {
    if (!this.isRunning) return false;
    this.log.info('operation interrupted');
    this.fail(ConnectErrors.operationCanceled());
    return true;
  }

  /**
   * Makes `stream` the reader, starting after `lastResponseId` (from the first response when
   * absent). A previously attached stream is told it was disconnected.
   */
  attach(stream: ResponseStream, lastResponseId?: string): void {
    const first = this.buffer[0]?.index ?? this.next;
    let position = 0;
    if (lastResponseId !== undefined) {
      const index = this.indexOf.get(lastResponseId);
      if (index === undefined) throw ConnectErrors.positionNotFound(lastResponseId);
      position = index + 1;
    }
    if (position < first) throw ConnectErrors.positionNotAvailable(lastResponseId ?? '', position);
    const previous = this.consumer;
    if (previous !== undefined && previous.stream !== stream && !previous.stream.cancelled) {
      previous.stream.emit('error', toServiceError(ConnectErrors.cursorDisconnected(), this.log));
    }
    this.clearIdle();
    this.consumer = { stream, position };
    stream.on('cancelled', () => this.detach(stream));
    this.pump();
  }

  /** Drops the responses up to and including `responseId` (the client has them). */
  releaseUntil(responseId: string): void {
    const index = this.indexOf.get(responseId);
    if (index === undefined) return;
    while ((this.buffer[0]?.index ?? Number.POSITIVE_INFINITY) <= index) this.buffer.shift();
  }

  /** Stops the idle timer and the work, when the operation is dropped for good. */
  dispose(): void {
    this.clearIdle();
    this.interrupt();
    this.buffer.length = 0;
  }

  private detach(stream: ResponseStream): void {
    if (this.consumer?.stream !== stream) return;
    this.consumer = undefined;
    if (this.isRunning && !this.identity.reattachable) {
      this.log.info('client cancelled a non-reattachable operation');
      this.interrupt();
    }
    this.scheduleIdle();
  }

  private pump(): void {
    const c = this.consumer;
    if (c === undefined) return;
    if (c.stream.cancelled) {
      this.detach(c.stream);
      return;
    }
    const first = this.buffer[0]?.index ?? this.next;
    while (c.position < this.next) {
      const sent = this.buffer[c.position - first];
      if (sent === undefined) break;
      c.stream.write(sent.message);
      c.position++;
    }
    if (this.isRunning || c.position < this.next) return;
    this.consumer = undefined;
    if (this.stateValue === 'failed' && this.failure !== undefined) c.stream.emit('error', this.failure);
    else c.stream.end();
    this.scheduleIdle();
  }

  private scheduleIdle(): void {
    this.clearIdle();
    this.idleTimer = setTimeout(() => this.onIdle(this), this.idleTimeoutMs);
    this.idleTimer.unref();
  }

  private clearIdle(): void {
    if (this.idleTimer !== undefined) clearTimeout(this.idleTimer);
    this.idleTimer = undefined;
  }
}
