import type { Offset } from '../../engine/connectors/source.js';
import { paneStatePlan } from '../../engine/physical/pane-planning.js';
import { windowLevelShuffle, type StreamingPlan } from '../../engine/physical/streaming-planner.js';
import type { CheckpointStore } from './checkpoint/checkpoint-store.js';
import type { PlannedBatch, RunnerConf } from './runner-deps.js';

/**
 * Kindling's own conf frozen in a checkpoint, like Spark's stateFormatVersion: 'true' when pane
 * partials are shuffled by their keys (`paneShuffleStages`), which places state rows by the keys
 * but the window. A checkpoint started before it has no value and keeps window-level shuffling.
 */
export const PANE_SHUFFLE_CONF = 'kindling.sql.streaming.paneShuffle';

/**
 * Kindling's conf frozen in a checkpoint: 'true' when a pane-shuffled aggregation hands its (pane,
 * keys) rows to the state store with the window rows (`PaneExpand`'s `paneState`), so the Redis
 * store persists one row per pane instead of one per window (a different layout of its rows). A
 * checkpoint started before it, or with another store, keeps (window, keys) rows.
 */
export const PANE_STATE_CONF = 'kindling.sql.streaming.paneState';

/** The conf a new checkpoint freezes at its first batch (Spark's OffsetSeqMetadata conf). */
export function freshConf(
  numPartitions: number,
  conf: Pick<RunnerConf, 'watermarkPolicy' | 'paneShuffle' | 'paneState'>,
  stateProvider: string,
): Record<string, string> {
  const paneShuffle = conf.paneShuffle ?? true;
  return {
    'spark.sql.shuffle.partitions': String(numPartitions),
    'spark.sql.streaming.multipleWatermarkPolicy': conf.watermarkPolicy,
    'spark.sql.streaming.stateStore.providerClass': stateProvider,
    [PANE_SHUFFLE_CONF]: String(paneShuffle),
    // Only the Redis store persists panes; others would build the pane rows for nothing.
    [PANE_STATE_CONF]: String(paneShuffle && (conf.paneState ?? true) && stateProvider === 'redis'),
  };
}

/** `plan` as the checkpoint's frozen conf runs it: window partials shuffled unless it froze the pane shuffle; panes to the state if it froze that. */
export function checkpointPlan(plan: StreamingPlan, frozenConf: Readonly<Record<string, string>>): StreamingPlan {
  if (frozenConf[PANE_SHUFFLE_CONF] !== 'true') return windowLevelShuffle(plan);
  return frozenConf[PANE_STATE_CONF] === 'true' ? paneStatePlan(plan) : plan;
}

/** Where a run starts, read from the checkpoint's write-once logs. */
export interface ResumePoint {
  /** The batch with offsets but no commit, re-run first with exactly its logged offsets. */
  readonly pending: PlannedBatch | undefined;
  readonly nextBatchId: number;
  readonly committed: Offset | null;
  readonly globalWatermarkMs: number;
  readonly prevBatchWatermarkMs: number;
  readonly lastRunWatermarkMs: number;
  /** The conf frozen at the query's first batch (Spark's OffsetSeqMetadata), or `fresh` for a new query. */
  readonly frozenConf: Record<string, string>;
  /** The shuffle partitions frozen in the checkpoint, if any. */
  readonly numPartitions: number | undefined;
}

/**
 * Spark's MicroBatchExecution.populateStartOffsets: the last batch in `offsets/` either has its
 * commit (continue after it, from its end offsets and the committed watermark) or not (re-run it,
 * from the previous batch's end, with its logged timestamp and watermark).
 */
export async function resumePoint(cp: CheckpointStore, fresh: Record<string, string>): Promise<ResumePoint> {
  const latest = await cp.offsets.latest();
  if (!latest) {
    return { pending: undefined, nextBatchId: 0, committed: null, globalWatermarkMs: 0, prevBatchWatermarkMs: 0, lastRunWatermarkMs: 0, frozenConf: { ...fresh }, numPartitions: undefined };
  }
  const frozenConf = { ...latest.value.conf };
  const frozen = Number(latest.value.conf['spark.sql.shuffle.partitions']);
  const numPartitions = Number.isInteger(frozen) && frozen > 0 ? frozen : undefined;
  const commit = await cp.commits.latest();
  const L = latest.batchId;
  const previous = L > 0 ? await cp.offsets.get(L - 1) : undefined;
  if (commit && commit.batchId >= L) {
    return {
      pending: undefined,
      nextBatchId: L + 1,
      committed: (latest.value.offsets[0] as Offset | null) ?? null,
      globalWatermarkMs: Math.max(latest.value.batchWatermarkMs, commit.value.nextBatchWatermarkMs),
      prevBatchWatermarkMs: latest.value.batchWatermarkMs,
      lastRunWatermarkMs: latest.value.batchWatermarkMs,
      frozenConf,
      numPartitions,
    };
  }
  const start = (previous?.offsets[0] as Offset | null | undefined) ?? null;
  const end = (latest.value.offsets[0] as Offset | null) ?? null;
  return {
    pending: { batchId: L, start, end, seq: latest.value, hasData: !sameOffset(start, end) },
    nextBatchId: L,
    committed: start,
    globalWatermarkMs: latest.value.batchWatermarkMs,
    prevBatchWatermarkMs: previous?.batchWatermarkMs ?? 0,
    lastRunWatermarkMs: previous?.batchWatermarkMs ?? 0,
    frozenConf,
    numPartitions,
  };
}

export function sameOffset(a: Offset | null | undefined, b: Offset | null | undefined): boolean {
  return JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
}

/** Resolves after `ms`, or at once when `signal` aborts (a stopping query does not wait out a pause). */
export function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted || ms <= 0) return Promise.resolve();
  return new Promise((resolve) => {
    const t = setTimeout(done, ms);
    function done(): void {
      clearTimeout(t);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}
