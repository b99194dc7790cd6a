import type { Offset } from '../../engine/connectors/source.js';
import { ExecutionError, KindlingError } from '../../engine/errors/errors.js';
import type { StreamingPlan } from '../../engine/physical/streaming-planner.js';
import type { StateEmit } from '../../engine/state/state-store.js';
import type { OffsetSeq } from './checkpoint/checkpoint-store.js';
import type { BatchJobResult, ClusterExecutor } from '../execution/executor.js';
import { CompleteMerge, CompleteResult } from './complete-result.js';
import { ProgressReporter } from './progress-reporter.js';
import { STATUS } from './query-status.js';
import { abortableSleep, checkpointPlan, freshConf, resumePoint, sameOffset } from './resume-point.js';
import { BatchTrace } from './batch-trace.js';
import { DataHint } from './data-hint.js';
import { runDriverOps } from './driver-ops.js';
import type { LastExecution, PlannedBatch, RunnerDeps } from './runner-deps.js';
import { nextTriggerTime } from './trigger.js';
import { WatermarkTracker } from './watermark-tracker.js';

export type { LastExecution, RunnerConf, RunnerDeps } from './runner-deps.js';

/**
 * Spark's MicroBatchExecution: each trigger asks the source for its latest offset, writes
 * `offsets/N` before running batch N, runs it on the cluster, hands the rows to the sink, advances
 * the watermark and writes `commits/N`. On start it resumes from the logs: a batch with offsets but
 * no commit is re-run with exactly its logged offsets, timestamp and watermark.
 */
export class MicroBatchRunner {
  private nextBatchId = 0;
  private committed: Offset | null = null;
  private prevBatchWatermarkMs = 0;
  private lastRunWatermarkMs = 0;
  private pending: PlannedBatch | undefined;
  private watermark!: WatermarkTracker;
  private stopping = false;
  private readonly abort = new AbortController();
  /** The progress of the last batch this run executed (idle progress is derived from it). */
  private readonly progress: ProgressReporter;
  /** processAllAvailable callers, with the trigger that was under way when they asked. */
  private idleWaiters: { readonly trigger: number; readonly resolve: () => void }[] = [];
  private triggers = 0;
  private frozenConf: Record<string, string> = {};
  private numPartitions: number;
  /** Complete mode: the result as of the last batch this run committed (see CompleteResult). */
  private completeResult: CompleteResult | undefined;
  private availableNowTarget: Offset | null | undefined;
  private lastPlanned: LastExecution | undefined;
  private selfLimitedAvailableNow = false;
  /** Attempts this run made, of any batch: an attempt id never repeats within the run. */
  private attempts = 0;
  /** The purge of old log entries started with this batch's offsets (awaited before its commit). */
  private purging: Promise<void> | undefined;
  /** KINDLING_BATCH_TRACE: each executed batch's timeline (off by default). */
  private readonly trace = new BatchTrace();

  constructor(private readonly deps: RunnerDeps) {
    this.numPartitions = deps.conf.numPartitions;
    this.progress = new ProgressReporter(
      {
        queryId: deps.queryId,
        runId: deps.runId,
        name: deps.name,
        sourceDescription: deps.source.description,
        sinkDescription: deps.sink.description,
        hasWatermark: deps.plan.watermarks.length > 0,
        watermarkId: deps.plan.watermarks[0]?.id,
        hasAggregate: deps.plan.aggregate !== undefined,
        ...(deps.sink.metrics ? { sinkMetrics: () => deps.sink.metrics?.() ?? {} } : {}),
        onProgress: (p) => deps.onProgress(p),
      },
      deps.conf.noDataProgressIntervalMs,
    );
  }

  get currentBatchId(): number {
    return this.nextBatchId;
  }

  /** Shuffle partitions in force (frozen in the checkpoint at the first start). */
  get currentPartitions(): number {
    return this.numPartitions;
  }

  /** The plan with the static sides of stream–static joins as of the current batch. */
  private boundPlan: StreamingPlan | undefined;
  /** The batch most recently planned (what explain() shows; Spark's `lastExecution`), if any. */
  get lastExecution(): LastExecution | undefined {
    return this.lastPlanned;
  }

  get currentWatermarkMs(): number {
    return this.watermark?.currentMs ?? 0;
  }

  /**
   * Runs until stopped or failed; resolves on a clean end, rejects with the failure. A retryable
   * failure (Redis or a worker gone) is retried after a pause by resuming from the logs, exactly
   * as a restart would: the write-once logs and guarded state make that safe.
   */
  async run(): Promise<void> {
    const hint = new DataHint(this.deps.source);
    try {
      await this.loop(hint);
    } finally {
      hint.close();
      this.completeResult = undefined; // the sink holds it; a listed finished run must not keep it
    }
  }

  private async loop(hint: DataHint): Promise<void> {
    this.status(STATUS.initializing, false, false);
    const t = this.deps.trigger;
    let restored = false;
    let failures = 0;
    const maxFailures = this.deps.conf.maxBatchAttempts * 5;
    while (!this.stopping) {
      const started = this.deps.clock.now();
      let ran: boolean;
      try {
        if (!restored) {
          await this.restore();
          if (t.kind === 'availableNow' && this.availableNowTarget === undefined && !this.selfLimitedAvailableNow) {
            // Spark's SupportsTriggerAvailableNow: such a source limits itself to what is there now,
            // in as many batches as its read limit needs; any other source is capped at its latest offset.
            if (this.deps.source.prepareForTriggerAvailableNow) {
              await this.deps.source.prepareForTriggerAvailableNow();
              this.selfLimitedAvailableNow = true;
            } else {
              this.availableNowTarget = await this.deps.source.latestOffset(this.committed);
            }
          }
          restored = true;
        }
        const hintedAt = hint.clear();
        ran = await this.attempt(started, hintedAt);
        failures = 0;
      } catch (e) {
        const retryable = e instanceof KindlingError && e.retryable;
        if (!retryable || this.stopping || ++failures > maxFailures) throw e;
        this.deps.log.warn({ err: (e as Error).message, failures }, 'trigger failed; resuming from the checkpoint after a pause');
        await abortableSleep(Math.min(5000, 100 * 2 ** failures), this.abort.signal);
        restored = false;
        continue;
      }
      if (t.kind === 'once' || (t.kind === 'availableNow' && !ran && this.reachedTarget())) break;
      if (this.stopping) break;
      if (t.kind === 'processingTime' && t.intervalMs > 0) {
        if (!ran) this.status(STATUS.waitingForTrigger, false, false);
        await this.deps.clock.waitUntil(nextTriggerTime(started, t.intervalMs), this.abort.signal);
      } else if (!ran) {
        await hint.wait(this.deps.conf.pollingDelayMs, this.abort.signal);
        if (!this.stopping) this.status(STATUS.waitingForTrigger, false, false);
      }
    }
  }

  stop(): void {
    this.stopping = true;
    this.abort.abort();
  }

  /**
   * Resolves after the next trigger that finds nothing to do (Spark's processAllAvailable). A trigger
   * already asking the source when this is called does not count: it may have looked before the
   * caller's data arrived (Spark holds its progress lock over constructNextBatch for the same reason).
   */
  whenIdle(): Promise<void> {
    return new Promise((resolve) => this.idleWaiters.push({ trigger: this.triggers, resolve }));
  }

  private reachedTarget(): boolean {
    return this.selfLimitedAvailableNow || this.availableNowTarget === null || sameOffset(this.committed, this.availableNowTarget ?? null);
  }

  private async restore(): Promise<void> {
    const r = await resumePoint(this.deps.checkpoint, freshConf(this.numPartitions, this.deps.conf, this.deps.executor.stateProvider));
    this.pending = r.pending;
    this.purging = undefined;
    this.frozenConf = r.frozenConf;
    this.numPartitions = r.numPartitions ?? this.numPartitions;
    this.nextBatchId = r.nextBatchId;
    this.committed = r.committed;
    this.prevBatchWatermarkMs = r.prevBatchWatermarkMs;
    this.lastRunWatermarkMs = r.lastRunWatermarkMs;
    if (r.pending) this.deps.log.info({ batchId: r.pending.batchId }, 'resuming: re-running the uncommitted batch with its logged offsets');
    const policy = this.frozenConf['spark.sql.streaming.multipleWatermarkPolicy'] === 'max' ? 'max' : this.deps.conf.watermarkPolicy;
    this.watermark = new WatermarkTracker(this.deps.plan.watermarks, policy, r.globalWatermarkMs);
  }

  /** One trigger: run the pending or a new batch, or record an idle attempt. True if a batch ran. */
  private async attempt(triggerStart: number, hintedAt?: number): Promise<boolean> {
    this.triggers++;
    const durations: Record<string, number> = {};
    this.trace.reset();
    if (hintedAt !== undefined) this.trace.mark('dataHint', hintedAt);
    this.trace.mark('trigger');
    if (this.pending) {
      const b = this.pending;
      this.pending = undefined;
      await this.runBatch(b, triggerStart, durations);
      return true;
    }
    const source = this.deps.source;
    this.status(STATUS.gettingOffsets(source.description), false, true);
    const t0 = performance.now();
    let latest = await source.latestOffset(this.committed);
    durations['latestOffset'] = Math.round(performance.now() - t0);
    this.trace.mark('latestOffset');
    if (this.deps.trigger.kind === 'availableNow' && this.availableNowTarget !== undefined) latest = this.availableNowTarget;
    const hasData = latest !== null && !sameOffset(latest, this.committed);
    const noDataBatch =
      !hasData &&
      this.deps.trigger.kind !== 'once' &&
      this.deps.conf.noDataMicroBatches &&
      this.needsNoDataBatch();
    if (!hasData && !noDataBatch) {
      this.idle(triggerStart, latest, durations);
      return false;
    }
    const seq: OffsetSeq = {
      batchWatermarkMs: this.watermark.currentMs,
      batchTimestampMs: this.deps.clock.now(),
      conf: this.frozenConf,
      offsets: [hasData ? latest : this.committed],
    };
    this.status(STATUS.writingOffsets, hasData, true);
    const t1 = performance.now();
    const batchId = this.nextBatchId;
    if (!(await this.deps.checkpoint.offsets.add(batchId, seq))) {
      throw new ExecutionError(`Concurrent update to the log. Multiple streaming jobs detected for ${batchId}`);
    }
    this.trace.mark('offsetsWritten');
    // Old log entries go while the batch runs: nothing reads them, and the commit awaits this.
    this.purging = this.purgeLogs(batchId);
    this.purging.catch(() => undefined);
    durations['walCommit'] = Math.round(performance.now() - t1);
    const planned = { batchId, start: this.committed, end: hasData ? latest : this.committed, seq, hasData };
    await this.runBatch(planned, triggerStart, durations, latest);
    return true;
  }

  /** Append/update aggregations with a watermark run a batch without data when the watermark moved. */
  private needsNoDataBatch(): boolean {
    const plan = this.deps.plan;
    return (
      plan.aggregate !== undefined &&
      plan.outputMode !== 'complete' &&
      plan.watermarks.length > 0 &&
      this.watermark.currentMs > this.lastRunWatermarkMs
    );
  }

  private async runBatch(b: PlannedBatch, triggerStart: number, durations: Record<string, number>, latest?: Offset | null): Promise<void> {
    try {
      await this.runBatchOnce(b, triggerStart, durations, latest);
    } catch (e) {
      // Whatever the batch got to, the next attempt rebuilds the complete result from all rows.
      this.completeResult = undefined;
      throw e;
    }
  }

  private async runBatchOnce(b: PlannedBatch, triggerStart: number, durations: Record<string, number>, latest?: Offset | null): Promise<void> {
    const { plan, source, sink, checkpoint } = this.deps;
    const log = this.deps.log.child({ batchId: b.batchId });
    this.lastPlanned = {
      batchId: b.batchId,
      batchTimestampMs: b.seq.batchTimestampMs,
      lateWatermarkMs: this.prevBatchWatermarkMs,
      evictionWatermarkMs: b.seq.batchWatermarkMs,
    };
    this.status(b.hasData ? STATUS.processing : STATUS.noDataCleanup, b.hasData, true);
    const t0 = performance.now();
    const splits = b.hasData && b.end !== null ? await source.planSplits(b.start, b.end) : [];
    durations['getBatch'] = Math.round(performance.now() - t0);
    this.trace.mark('planSplits');
    durations['queryPlanning'] = 0;
    const t1 = performance.now();
    const complete = plan.completeResult;
    const emit: StateEmit = complete ? (this.completeResult ? 'updated' : 'all') : plan.outputMode === 'update' ? 'updated' : 'evicted';
    const merging = complete ? new CompleteMerge(this.completeResult ?? new CompleteResult(complete)) : undefined;
    const result = await this.execute(b, splits, emit, merging);
    this.trace.mark('executed');
    let rows = result.output;
    if (merging) {
      rows = [merging.finish(rows)];
      this.completeResult = merging.table;
    }
    this.trace.mark('completeMerged');
    const output = await runDriverOps(this.boundPlan ?? plan, this.deps.conf, this.deps.registry, rows);
    await sink.addBatch(b.batchId, output);
    this.trace.mark('sink');
    durations['addBatch'] = Math.round(performance.now() - t1);
    this.watermark.update(result.eventTime);
    const t2 = performance.now();
    await this.purging;
    this.purging = undefined;
    await checkpoint.commits.add(b.batchId, { nextBatchWatermarkMs: this.watermark.currentMs });
    this.trace.mark('commitWritten');
    if (b.end !== null) await source.commit(b.end);
    durations['commitOffsets'] = Math.round(performance.now() - t2);
    this.committed = b.end;
    this.prevBatchWatermarkMs = b.seq.batchWatermarkMs;
    this.lastRunWatermarkMs = b.seq.batchWatermarkMs;
    this.nextBatchId = b.batchId + 1;
    log.debug({ rows: result.numInputRows, out: output.numRows }, 'batch committed');
    this.deps.onBatchCommitted?.(b.batchId);
    const end = this.deps.clock.now();
    durations['triggerExecution'] = Math.max(0, end - triggerStart);
    this.progress.executed({
      batchId: b.batchId,
      start: b.start,
      end: b.end,
      batchWatermarkMs: b.seq.batchWatermarkMs,
      triggerStartMs: triggerStart,
      endMs: end,
      durations,
      result,
      numOutputRows: output.numRows,
      numPartitions: this.numPartitions,
      latest: latest === undefined ? b.end : latest,
    });
    this.trace.flush(b.batchId, { rows: result.numInputRows, splits: splits.length });
    this.status(STATUS.waitingForTrigger, b.hasData, false);
  }

  private async execute(
    b: PlannedBatch,
    splits: Parameters<ClusterExecutor['runBatch']>[0]['splits'],
    emit: StateEmit,
    merging: CompleteMerge | undefined,
  ): Promise<BatchJobResult> {
    const { conf } = this.deps;
    const hasWatermark = this.deps.plan.watermarks.length > 0;
    const planned = checkpointPlan(this.deps.plan, this.frozenConf);
    const bound = this.deps.bindStatic ? await this.deps.bindStatic(planned) : planned;
    this.boundPlan = bound;
    let lastError: unknown;
    for (let attempt = 0; attempt < conf.maxBatchAttempts; attempt++) {
      const onReduceOutput = merging?.attemptListener();
      try {
        return await this.deps.executor.runBatch({
          queryId: this.deps.queryId,
          run: this.deps.runToken,
          batchId: b.batchId,
          attempt: this.attempts++,
          plan: { ...bound, exchange: bound.exchange && { ...bound.exchange, numPartitions: this.numPartitions } },
          splits,
          env: { batchTimestampMs: b.seq.batchTimestampMs, timeZone: conf.timeZone, ansi: conf.ansi },
          checkpoint: this.deps.checkpoint.location,
          lateBeforeUs: hasWatermark ? this.prevBatchWatermarkMs * 1000 : null,
          evictBeforeUs: hasWatermark ? b.seq.batchWatermarkMs * 1000 : null,
          emit,
          ...(BatchTrace.enabled ? { onStep: (step: string) => this.trace.mark(step) } : {}),
          ...(onReduceOutput ? { onReduceOutput: onReduceOutput.take } : {}),
        });
      } catch (e) {
        lastError = e;
        const retryable = e instanceof KindlingError ? e.retryable : false;
        if (!retryable || this.stopping || attempt === conf.maxBatchAttempts - 1) throw e;
        this.deps.log.warn({ batchId: b.batchId, attempt, err: (e as Error).message }, 'batch attempt failed; retrying');
        await abortableSleep(Math.min(2000, 100 * 2 ** attempt), this.abort.signal);
      } finally {
        onReduceOutput?.close();
      }
    }
    throw lastError;
  }

  private async purgeLogs(batchId: number): Promise<void> {
    const keep = this.deps.conf.minBatchesToRetain;
    if (batchId <= keep) return;
    await this.deps.checkpoint.offsets.purge(batchId - keep);
    await this.deps.checkpoint.commits.purge(batchId - keep);
  }

  private idle(triggerStart: number, latest: Offset | null, durations: Record<string, number>): void {
    this.status(STATUS.waitingForData, false, true);
    this.progress.idle({
      nowMs: this.deps.clock.now(),
      triggerStartMs: triggerStart,
      nextBatchId: this.nextBatchId,
      committed: this.committed,
      latest,
      watermarkMs: this.watermark.currentMs,
      durations,
    });
    // Spark sleeps the polling delay under this message and only then says "Waiting for next
    // trigger" (run() does), so an idle query with the default trigger mostly shows this one.
    this.status(STATUS.waitingForData, false, false);
    const waiters = this.idleWaiters.filter((w) => w.trigger < this.triggers);
    this.idleWaiters = this.idleWaiters.filter((w) => w.trigger >= this.triggers);
    waiters.forEach((w) => w.resolve());
  }

  private status(message: string, isDataAvailable: boolean, isTriggerActive: boolean): void {
    this.deps.onStatus({ message, isDataAvailable, isTriggerActive, isActive: true });
  }
}
