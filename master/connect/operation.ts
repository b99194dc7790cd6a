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
  readonly bytes: number;
}

/**
 * Responses a reattachable operation keeps after sending them, for a ReattachExecute after a
 * dropped stream, until the client releases them (Spark's observerRetryBufferSize, 10 MiB).
 */
export const RETRY_BUFFER_BYTES = 10 * 1024 * 1024;

/** Responses emitted but not yet handed to the stream before `whenWritable` makes the producer wait. */
const MAX_UNSENT = 4;

const bytesOf = (m: ExecutePlanResponse): number => (m.arrow_batch?.data as Uint8Array | undefined)?.byteLength ?? 0;

/** Called when the operation has had no attached stream for a while (or never will again). */
export type IdleHandler = (op: ExecuteOperation) => void;

/**
 * One ExecutePlan execution: its responses in order (kept until ReleaseExecute), its state, and
 * the stream currently reading it. Every response carries the session ids, the operation id and
 * a fresh response id. A reattached stream resumes after the last response the client saw; a
 * dropped stream leaves a reattachable operation running until the idle timeout.
 *
 * Flow control: a producer awaits `whenWritable()` between responses, which holds it while the
 * stream's buffer is full (`write()` returned false, until 'drain') or no stream is attached, so a
 * large result is encoded as fast as the client reads it, not all at once. Sent responses are
 * dropped at once when the operation cannot be reattached, otherwise past RETRY_BUFFER_BYTES.
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
  /** The attached stream's buffer is full: wait for its 'drain'. */
  private blocked = false;
  /** Bytes of responses already sent and still kept for a reattach. */
  private keptBytes = 0;
  /** The index of the first response never written to any stream. */
  private sentMark = 0;
  private writableWaiters: (() => void)[] = [];

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

  /** A stream is reading this operation now. */
  get attached(): boolean {
    return this.consumer !== undefined;
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
    this.buffer.push({ id, index, message, bytes: bytesOf(message) });
    this.indexOf.set(id, index);
    this.pump();
  }

  /**
   * Resolves when the producer may emit more: a stream is attached, its buffer has room, and few
   * responses wait for it; or the operation ended (check `isRunning` after).
   */
  whenWritable(): Promise<void> {
    if (this.writable()) return Promise.resolve();
    return new Promise((resolve) => this.writableWaiters.push(resolve));
  }

  /** Flow-control figures: responses emitted so far, held in memory, not yet written; whether the producer waits. */
  get flow(): { readonly emitted: number; readonly held: number; readonly unsent: number; readonly producerWaiting: boolean } {
    return { emitted: this.next, held: this.buffer.length, unsent: this.next - this.sentMark, producerWaiting: this.writableWaiters.length > 0 };
  }

  succeed(): void {
    if (!this.isRunning) return;
    this.stateValue = 'succeeded';
    this.pump();
    this.wakeWriters();
  }

  fail(err: unknown): void {
    if (!this.isRunning) return;
    this.stateValue = 'failed';
    this.failure = toServiceError(err, this.log);
    this.abort.abort();
    this.pump();
    this.wakeWriters();
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
    this.blocked = false;
    stream.on('cancelled', () => this.detach(stream));
    this.pump();
  }

  /** Drops the responses up to and including `responseId` (the client has them). */
  releaseUntil(responseId: string): void {
    const index = this.indexOf.get(responseId);
    if (index === undefined) return;
    while ((this.buffer[0]?.index ?? Number.POSITIVE_INFINITY) <= index) {
      const dropped = this.buffer.shift() as Sent;
      if (dropped.index < this.sentMark) this.keptBytes -= dropped.bytes;
    }
  }

  /** Stops the idle timer and the work, when the operation is dropped for good. */
  dispose(): void {
    this.clearIdle();
    this.interrupt();
    this.buffer.length = 0;
    this.keptBytes = 0;
    this.wakeWriters();
  }

  private detach(stream: ResponseStream): void {
    if (this.consumer?.stream !== stream) return;
    this.consumer = undefined;
    this.blocked = false;
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
    while (c.position < this.next && !this.blocked) {
      const sent = this.buffer[c.position - first];
      if (sent === undefined) break;
      const room = c.stream.write(sent.message);
      c.position++;
      if (sent.index >= this.sentMark) {
        this.sentMark = sent.index + 1;
        this.keptBytes += sent.bytes;
      }
      if (!room) {
        this.blocked = true;
        c.stream.once('drain', () => {
          if (this.consumer?.stream !== c.stream) return;
          this.blocked = false;
          this.pump();
        });
      }
    }
    this.trimSent(c.position);
    this.wakeWriters();
    if (this.isRunning || c.position < this.next || this.blocked) return;
    this.consumer = undefined;
    if (this.stateValue === 'failed' && this.failure !== undefined) c.stream.emit('error', this.failure);
    else c.stream.end();
    this.scheduleIdle();
  }

  /** Drops sent responses no reattach can ask for: all of them if not reattachable, else the oldest past the retry buffer. */
  private trimSent(sentUpTo: number): void {
    for (;;) {
      const oldest = this.buffer[0];
      if (oldest === undefined || oldest.index >= sentUpTo) return;
      if (this.identity.reattachable && this.keptBytes <= RETRY_BUFFER_BYTES) return;
      this.buffer.shift();
      this.keptBytes -= oldest.bytes;
    }
  }

  private writable(): boolean {
    if (!this.isRunning) return true;
    const c = this.consumer;
    return c !== undefined && !this.blocked && this.next - c.position < MAX_UNSENT;
  }

  private wakeWriters(): void {
    if (this.writableWaiters.length === 0 || !this.writable()) return;
    const waiters = this.writableWaiters;
    this.writableWaiters = [];
    for (const w of waiters) w();
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
