import { StreamingQueryError, asKindlingError, type KindlingError } from '../../engine/errors/errors.js';
import type { Logger } from 'pino';
import type { MicroBatchRunner } from './micro-batch-runner.js';
import type { QueryProgress } from './progress.js';
import { ProgressHistory } from './progress-history.js';
import { STATUS, type QueryStatus } from './query-status.js';

export interface QueryLifecycle {
  /** Releases what the run held (source connection, workers' data, a temporary checkpoint). */
  cleanup(failed: boolean): Promise<void>;
  explain(extended: boolean, lastBatchId: number | undefined): string;
}

/**
 * One run of a streaming query (Spark's StreamingQuery): status, progress, failure and
 * termination. Stays addressable after it stopped, reporting `isActive = false`.
 */
export class StreamingQuery {
  private statusValue: QueryStatus = { message: STATUS.initializing, isDataAvailable: false, isTriggerActive: false, isActive: true };
  private readonly progress: QueryProgress[] = [];
  private failure: StreamingQueryError | undefined;
  private finished = false;
  private readonly terminated: Promise<void>;
  private lastBatchId: number | undefined;
  private readonly terminationListeners: ((q: StreamingQuery) => void)[] = [];
  private readonly progressListeners: ((p: QueryProgress) => void)[] = [];
  /** Every batch that ran (the last 1,000), beyond `recentProgress`'s few: what the UI charts. */
  readonly history = new ProgressHistory(1000);

  constructor(
    readonly id: string,
    readonly runId: string,
    readonly name: string | null,
    private readonly runner: MicroBatchRunner,
    private readonly lifecycle: QueryLifecycle,
    private readonly retainProgress: number,
    private readonly log: Logger,
  ) {
    this.terminated = this.run();
  }

  /** Wires the runner's callbacks (called by the runner's creator before `run` starts). */
  static callbacks(target: () => StreamingQuery | undefined): {
    onStatus: (s: QueryStatus) => void;
    onProgress: (p: QueryProgress) => void;
  } {
    return {
      onStatus: (s) => target()?.setStatus(s),
      onProgress: (p) => target()?.addProgress(p),
    };
  }

  get isActive(): boolean {
    return !this.finished;
  }

  status(): QueryStatus {
    return this.statusValue;
  }

  recentProgress(): readonly QueryProgress[] {
    return this.progress;
  }

  lastProgress(): QueryProgress | undefined {
    return this.progress[this.progress.length - 1];
  }

  exception(): StreamingQueryError | undefined {
    return this.failure;
  }

  explain(extended: boolean): string {
    return this.lifecycle.explain(extended, this.lastBatchId);
  }

  /** Called with each progress report (batches and idle reports alike). */
  onProgress(listener: (p: QueryProgress) => void): void {
    this.progressListeners.push(listener);
  }

  onTermination(listener: (q: StreamingQuery) => void): void {
    if (this.finished) listener(this);
    else this.terminationListeners.push(listener);
  }

  async stop(): Promise<void> {
    this.runner.stop();
    await this.terminated;
  }

  /** True once terminated; false when the timeout ran out. Throws the failure if the query failed. */
  async awaitTermination(timeoutMs?: number): Promise<boolean> {
    if (timeoutMs === undefined) {
      await this.terminated;
    } else {
      let timer: NodeJS.Timeout | undefined;
      const timedOut = await Promise.race([
        this.terminated.then(() => false),
        new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(true), Math.max(0, timeoutMs)))),
      ]);
      clearTimeout(timer);
      if (timedOut) return false;
    }
    if (this.failure) throw this.failure;
    return true;
  }

  /** Waits until every available input has been processed (and no-data batches drained). */
  async processAllAvailable(): Promise<void> {
    if (this.finished) {
      if (this.failure) throw this.failure;
      return;
    }
    await Promise.race([this.runner.whenIdle(), this.terminated]);
    if (this.failure) throw this.failure;
  }

  private setStatus(s: QueryStatus): void {
    if (!this.finished) this.statusValue = s;
  }

  private addProgress(p: QueryProgress): void {
    this.progress.push(p);
    // Idle progress (no addBatch) names the next batch, which has not run: explain keeps the last one that did.
    if (p.durationMs['addBatch'] !== undefined) {
      this.lastBatchId = p.batchId;
      this.history.push(p);
    }
    while (this.progress.length >= this.retainProgress) this.progress.shift();
    for (const l of this.progressListeners) l(p);
  }

  private async run(): Promise<void> {
    // Let the constructor return (and the caller register the query) before the first trigger.
    await Promise.resolve();
    let failed = false;
    try {
      await this.runner.run();
      this.statusValue = { message: STATUS.stopped, isDataAvailable: false, isTriggerActive: false, isActive: false };
    } catch (e) {
      failed = true;
      const cause: KindlingError = asKindlingError(e);
      this.failure = new StreamingQueryError('', {
        errorClass: 'STREAM_FAILED',
        messageParameters: { id: this.id, runId: this.runId, message: cause.message },
        cause,
      });
      this.log.error({ err: cause.message, errorClass: cause.errorClass }, 'streaming query failed');
      this.statusValue = {
        message: STATUS.failed(cause.message),
        isDataAvailable: false,
        isTriggerActive: false,
        isActive: false,
      };
    }
    this.finished = true;
    try {
      await this.lifecycle.cleanup(failed);
    } catch (e) {
      this.log.warn({ err: (e as Error).message }, 'cleanup after query end failed');
    }
    this.terminationListeners.splice(0).forEach((l) => l(this));
  }
}
