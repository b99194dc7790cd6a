import { isoUtcMillis } from '../../engine/types/time.js';
import type { EventTimeStats, StateOperatorMetrics } from '../../engine/physical/task-metrics.js';

export interface SourceProgress {
  readonly description: string;
  readonly startOffset: unknown;
  readonly endOffset: unknown;
  readonly latestOffset: unknown;
  readonly numInputRows: number;
  readonly inputRowsPerSecond: number;
  readonly processedRowsPerSecond: number;
  readonly metrics?: Readonly<Record<string, string>>;
}

export interface StateOperatorProgress extends StateOperatorMetrics {
  readonly operatorName: string;
  readonly numShufflePartitions: number;
  readonly customMetrics?: Readonly<Record<string, number>>;
}

/** Spark's StreamingQueryProgress, field for field (see progressJson for how it prints). */
export interface QueryProgress {
  readonly id: string;
  readonly runId: string;
  readonly name: string | null;
  readonly timestamp: string;
  readonly batchId: number;
  readonly batchDuration: number;
  readonly numInputRows: number;
  readonly inputRowsPerSecond: number;
  readonly processedRowsPerSecond: number;
  readonly durationMs: Readonly<Record<string, number>>;
  readonly eventTime: Readonly<Record<string, string>>;
  readonly stateOperators: readonly StateOperatorProgress[];
  readonly sources: readonly SourceProgress[];
  readonly sink: { readonly description: string; readonly numOutputRows: number; readonly metrics?: Readonly<Record<string, string>> };
}

/** The `eventTime` block: the batch's observed min/max/avg (when it saw rows) and its watermark. */
export function eventTimeBlock(
  hasWatermark: boolean,
  stats: EventTimeStats | undefined,
  watermarkMs: number,
): Record<string, string> {
  if (!hasWatermark) return {};
  const out: Record<string, string> = {};
  if (stats && stats.count > 0) {
    out['avg'] = isoUtcMillis(Math.trunc(stats.sum / stats.count));
    out['max'] = isoUtcMillis(stats.max);
    out['min'] = isoUtcMillis(stats.min);
  }
  out['watermark'] = isoUtcMillis(watermarkMs);
  return out;
}

export function rate(rows: number, ms: number): number {
  if (!Number.isFinite(ms) || ms <= 0) return 0;
  return rows / (ms / 1000);
}

/**
 * Spark's progress JSON: fields in declaration order, maps with sorted keys, empty maps and
 * non-finite numbers left out.
 */
export function progressJson(p: QueryProgress): string {
  return JSON.stringify(progressObject(p));
}

export function progressObject(p: QueryProgress): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const put = (o: Record<string, unknown>, k: string, v: unknown): void => {
    if (typeof v === 'number' && !Number.isFinite(v)) return;
    if (v !== null && typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length === 0) return;
    if (v === undefined) return;
    o[k] = v;
  };
  put(out, 'id', p.id);
  put(out, 'runId', p.runId);
  out['name'] = p.name;
  put(out, 'timestamp', p.timestamp);
  put(out, 'batchId', p.batchId);
  put(out, 'batchDuration', p.batchDuration);
  put(out, 'numInputRows', p.numInputRows);
  put(out, 'inputRowsPerSecond', p.inputRowsPerSecond);
  put(out, 'processedRowsPerSecond', p.processedRowsPerSecond);
  put(out, 'durationMs', sorted(p.durationMs));
  put(out, 'eventTime', sorted(p.eventTime));
  out['stateOperators'] = p.stateOperators.map((s) => {
    const o: Record<string, unknown> = {};
    for (const k of [
      'operatorName',
      'numRowsTotal',
      'numRowsUpdated',
      'allUpdatesTimeMs',
      'numRowsRemoved',
      'allRemovalsTimeMs',
      'commitTimeMs',
      'memoryUsedBytes',
      'numRowsDroppedByWatermark',
      'numShufflePartitions',
      'numStateStoreInstances',
    ] as const) {
      put(o, k, s[k]);
    }
    put(o, 'customMetrics', sorted(s.customMetrics ?? {}));
    return o;
  });
  out['sources'] = p.sources.map((s) => {
    const o: Record<string, unknown> = {};
    put(o, 'description', s.description);
    o['startOffset'] = s.startOffset ?? null;
    o['endOffset'] = s.endOffset ?? null;
    o['latestOffset'] = s.latestOffset ?? null;
    put(o, 'numInputRows', s.numInputRows);
    put(o, 'inputRowsPerSecond', s.inputRowsPerSecond);
    put(o, 'processedRowsPerSecond', s.processedRowsPerSecond);
    put(o, 'metrics', sorted(s.metrics ?? {}));
    return o;
  });
  const sink: Record<string, unknown> = {};
  put(sink, 'description', p.sink.description);
  put(sink, 'numOutputRows', p.sink.numOutputRows);
  put(sink, 'metrics', sorted(p.sink.metrics ?? {}));
  out['sink'] = sink;
  return out;
}

function sorted<V>(m: Readonly<Record<string, V>>): Record<string, V> {
  const out: Record<string, V> = {};
  for (const k of Object.keys(m).sort()) out[k] = m[k] as V;
  return out;
}
