import type { Offset } from '../../engine/connectors/source.js';
import { isoUtcMillis } from '../../engine/types/time.js';
import type { BatchJobResult } from '../execution/executor.js';
import { eventTimeBlock, rate, type QueryProgress } from './progress.js';

/** What a run's progress reports say about the query, whatever the batch. */
export interface ProgressContext {
  readonly queryId: string;
  readonly runId: string;
  readonly name: string | null;
  readonly sourceDescription: string;
  readonly sinkDescription: string;
  readonly hasWatermark: boolean;
  /** The plan's first watermark id: its event-time stats are the ones reported. */
  readonly watermarkId: string | undefined;
  readonly hasAggregate: boolean;
  sinkMetrics?(): Readonly<Record<string, string>>;
  onProgress(progress: QueryProgress): void;
}

/** An executed batch as its progress describes it. */
export interface ExecutedBatch {
  readonly batchId: number;
  readonly start: Offset | null;
  readonly end: Offset | null;
  readonly batchWatermarkMs: number;
  readonly triggerStartMs: number;
  readonly endMs: number;
  readonly durations: Record<string, number>;
  readonly result: BatchJobResult;
  readonly numOutputRows: number;
  readonly numPartitions: number;
  readonly latest: Offset | null;
}

/** An idle trigger: no new data, nothing run. */
export interface IdleTrigger {
  readonly nowMs: number;
  readonly triggerStartMs: number;
  readonly nextBatchId: number;
  readonly committed: Offset | null;
  readonly latest: Offset | null;
  readonly watermarkMs: number;
  readonly durations: Record<string, number>;
}

/**
 * Spark's ProgressReporter for one run: the progress of every executed batch, and of idle
 * triggers at most once per `spark.sql.streaming.noDataProgressEventInterval`. Rates are measured
 * between trigger starts, as Spark's are.
 */
export class ProgressReporter {
  private lastTriggerStartMs: number | undefined;
  private lastIdleProgressMs = Number.NEGATIVE_INFINITY;
  private last: QueryProgress | undefined;

  constructor(
    private readonly ctx: ProgressContext,
    private readonly noDataProgressIntervalMs: number,
  ) {}

  get lastProgress(): QueryProgress | undefined {
    return this.last;
  }

  idle(t: IdleTrigger): void {
    // As Spark's ProgressReporter.updateIdleness: the first idle trigger of a run reports at once,
    // also before any batch ran (batch id 0 on a fresh query); then one every interval.
    if (t.nowMs - this.lastIdleProgressMs >= this.noDataProgressIntervalMs) {
      this.lastIdleProgressMs = t.nowMs;
      t.durations['triggerExecution'] = Math.max(0, t.nowMs - t.triggerStartMs);
      const p = this.last;
      const { ctx } = this;
      ctx.onProgress({
        id: ctx.queryId,
        runId: ctx.runId,
        name: ctx.name,
        timestamp: isoUtcMillis(t.triggerStartMs),
        batchId: t.nextBatchId,
        batchDuration: Math.max(0, t.nowMs - t.triggerStartMs),
        numInputRows: 0,
        inputRowsPerSecond: 0,
        processedRowsPerSecond: 0,
        durationMs: t.durations,
        // Without an executed batch in this run Spark has no execution stats: no eventTime, no
        // state operators, sink rows unknown (-1).
        eventTime: p ? eventTimeBlock(ctx.hasWatermark, undefined, t.watermarkMs) : {},
        stateOperators: (p?.stateOperators ?? []).map((s) => ({ ...s, numRowsUpdated: 0, numRowsDroppedByWatermark: 0 })),
        sources: (p?.sources ?? [{ description: ctx.sourceDescription }]).map((s) => ({
          ...s,
          startOffset: t.committed,
          endOffset: t.committed,
          latestOffset: t.latest,
          numInputRows: 0,
          inputRowsPerSecond: 0,
          processedRowsPerSecond: 0,
        })),
        sink: p ? { ...p.sink, numOutputRows: 0 } : { description: ctx.sinkDescription, numOutputRows: -1 },
      });
    }
    this.lastTriggerStartMs = t.triggerStartMs;
  }

  executed(b: ExecutedBatch): void {
    const { ctx } = this;
    const rows = b.result.numInputRows;
    const sincePrevious = this.lastTriggerStartMs === undefined ? Number.POSITIVE_INFINITY : b.triggerStartMs - this.lastTriggerStartMs;
    const inputRate = rate(rows, sincePrevious);
    const processedRate = rows / (Math.max(1, b.endMs - b.triggerStartMs) / 1000);
    this.lastTriggerStartMs = b.triggerStartMs;
    // As Spark: the idle-progress interval counts from the last progress of any kind, so an
    // executed batch stays lastProgress for at least that long.
    this.lastIdleProgressMs = b.endMs;
    const stats = ctx.watermarkId !== undefined ? b.result.eventTime[ctx.watermarkId] : undefined;
    const state = b.result.state;
    const p: QueryProgress = {
      id: ctx.queryId,
      runId: ctx.runId,
      name: ctx.name,
      timestamp: isoUtcMillis(b.triggerStartMs),
      batchId: b.batchId,
      batchDuration: Math.max(0, b.endMs - b.triggerStartMs),
      numInputRows: rows,
      inputRowsPerSecond: inputRate,
      processedRowsPerSecond: processedRate,
      durationMs: b.durations,
      eventTime: eventTimeBlock(ctx.hasWatermark, stats, b.batchWatermarkMs),
      stateOperators: ctx.hasAggregate
        ? [
            {
              operatorName: 'stateStoreSave',
              numRowsTotal: state?.numRowsTotal ?? 0,
              numRowsUpdated: state?.numRowsUpdated ?? 0,
              allUpdatesTimeMs: state?.allUpdatesTimeMs ?? 0,
              numRowsRemoved: state?.numRowsRemoved ?? 0,
              allRemovalsTimeMs: state?.allRemovalsTimeMs ?? 0,
              commitTimeMs: state?.commitTimeMs ?? 0,
              memoryUsedBytes: state?.memoryUsedBytes ?? 0,
              numRowsDroppedByWatermark: state?.numRowsDroppedByWatermark ?? 0,
              numShufflePartitions: b.numPartitions,
              numStateStoreInstances: state?.numStateStoreInstances ?? b.numPartitions,
            },
          ]
        : [],
      sources: [
        {
          description: ctx.sourceDescription,
          startOffset: b.start,
          endOffset: b.end,
          latestOffset: b.latest,
          numInputRows: rows,
          inputRowsPerSecond: inputRate,
          processedRowsPerSecond: processedRate,
        },
      ],
      sink: { description: ctx.sinkDescription, numOutputRows: b.numOutputRows, ...(ctx.sinkMetrics ? { metrics: ctx.sinkMetrics() } : {}) },
    };
    this.last = p;
    ctx.onProgress(p);
  }
}
