import { batchToRows, sliceBatch, type RecordBatch } from '../../engine/batch/record-batch.js';
import { materialize } from '../../engine/batch/vector.js';
import type { DataType } from '../../engine/types/data-type.js';
import { simpleString } from '../../engine/types/data-type.js';
import type { WorkerInfo } from '../cluster/worker-registry.js';
import type { MasterRuntime } from '../session/runtime.js';
import { progressObject, type QueryProgress } from '../streaming/progress.js';
import type { QueryRunEntry } from '../streaming/query-directory.js';
import type { MemorySink } from '../streaming/sinks/memory-sink.js';
import { parseStages } from './stages.js';

/** What the HTTP API reads besides the runtime. */
export interface ApiSources {
  readonly runtime: MasterRuntime;
  readonly mode: 'cluster' | 'local';
  readonly startedAtMs: number;
  /** The cluster's workers (local mode: its thread workers, if it reports them). */
  readonly workers?: () => readonly WorkerInfo[];
  /** State partitions each worker owns, over all queries. */
  readonly partitionsOwned?: () => ReadonlyMap<string, number>;
  /** Redis reachable (undefined: no Redis, local mode). */
  readonly redisUp?: () => Promise<boolean>;
}

/** One batch of a query's history, as the charts plot it. */
export interface ProgressPoint {
  readonly batchId: number;
  readonly timestampMs: number;
  readonly numInputRows: number;
  readonly inputRowsPerSecond: number;
  readonly processedRowsPerSecond: number;
  readonly batchDurationMs: number;
  /** The parts of the trigger (Spark's `durationMs` without `triggerExecution`). */
  readonly durationMs: Readonly<Record<string, number>>;
  readonly numOutputRows: number;
  readonly stateRowsTotal: number;
  readonly stateRowsUpdated: number;
  readonly stateRowsRemoved: number;
  readonly stateMemoryBytes: number;
  readonly lateRowsDropped: number;
  /** The watermark the batch ran with (ms since epoch), or null without one. */
  readonly watermarkMs: number | null;
}

export function progressPoint(p: QueryProgress): ProgressPoint {
  const sum = (f: (s: QueryProgress['stateOperators'][number]) => number | undefined): number =>
    p.stateOperators.reduce((a, s) => a + (f(s) ?? 0), 0);
  const parts: Record<string, number> = {};
  for (const [k, v] of Object.entries(p.durationMs)) if (k !== 'triggerExecution') parts[k] = v;
  const wm = p.eventTime['watermark'];
  return {
    batchId: p.batchId,
    timestampMs: Date.parse(p.timestamp),
    numInputRows: p.numInputRows,
    inputRowsPerSecond: finite(p.inputRowsPerSecond),
    processedRowsPerSecond: finite(p.processedRowsPerSecond),
    batchDurationMs: p.batchDuration,
    durationMs: parts,
    numOutputRows: p.sink.numOutputRows,
    stateRowsTotal: sum((s) => s.numRowsTotal),
    stateRowsUpdated: sum((s) => s.numRowsUpdated),
    stateRowsRemoved: sum((s) => s.numRowsRemoved),
    stateMemoryBytes: sum((s) => s.memoryUsedBytes),
    lateRowsDropped: sum((s) => s.numRowsDroppedByWatermark),
    watermarkMs: wm === undefined ? null : Date.parse(wm),
  };
}

function finite(n: number): number {
  return Number.isFinite(n) ? n : 0;
}

/** A query run in lists: who started it, how it is doing. */
export function querySummary(e: QueryRunEntry): Record<string, unknown> {
  const q = e.query;
  const last = q.history.all().at(-1);
  const failure = q.exception();
  const cause = failure?.cause as { errorClass?: string; message?: string } | undefined;
  return {
    id: q.id,
    runId: q.runId,
    name: q.name,
    sessionId: e.sessionId,
    userId: e.userId,
    isActive: q.isActive,
    status: q.status(),
    startedAt: new Date(e.startedAtMs).toISOString(),
    sink: e.sinkFormat,
    table: e.table?.name ?? null,
    lastBatchId: last?.batchId ?? null,
    lastBatchAt: last?.timestamp ?? null,
    inputRowsPerSecond: last ? finite(last.inputRowsPerSecond) : null,
    processedRowsPerSecond: last ? finite(last.processedRowsPerSecond) : null,
    lastProgress: q.lastProgress() ? progressObject(q.lastProgress() as QueryProgress) : null,
    exception: failure
      ? { errorClass: cause?.errorClass ?? failure.errorClass ?? null, message: cause?.message ?? failure.message, streamErrorClass: failure.errorClass ?? null }
      : null,
  };
}

/** A window in a query's result table, and whether the watermark has passed its end. */
export interface WindowView {
  readonly startMs: number;
  readonly endMs: number;
  readonly open: boolean;
  readonly rows: number;
}

/** Everything the query page shows beyond the charts. */
export function queryDetail(e: QueryRunEntry): Record<string, unknown> {
  const explain = e.query.isActive || e.query.history.size > 0 ? safe(() => e.explain(), '') : '';
  const watermarkMs = e.hasWatermark ? e.watermarkMs() : null;
  return {
    ...querySummary(e),
    watermarkMs,
    watermark: watermarkMs === null ? null : new Date(watermarkMs).toISOString(),
    windows: e.table ? windowsOf(e.table, watermarkMs) : [],
    stages: parseStages(explain),
    explain,
    recentBatches: e.query.history.all().slice(-20).reverse().map(progressPoint),
  };
}

function safe<T>(f: () => T, fallback: T): T {
  try {
    return f();
  } catch {
    return fallback;
  }
}

function windowsOf(table: MemorySink, watermarkMs: number | null): WindowView[] {
  const col = windowColumn(table);
  if (col < 0) return [];
  const batch = table.snapshot();
  const counts = new Map<number, { startMs: number; endMs: number; rows: number }>();
  for (const w of column(batch, col) as readonly (readonly [number, number] | null)[]) {
    if (!w) continue;
    const entry = counts.get(w[0]) ?? { startMs: Math.floor(w[0] / 1000), endMs: Math.floor(w[1] / 1000), rows: 0 };
    entry.rows++;
    counts.set(w[0], entry);
  }
  return [...counts.values()]
    .sort((a, b) => a.startMs - b.startMs)
    .map((w) => ({ ...w, open: watermarkMs === null || w.endMs > watermarkMs }));
}

/** One column's values (only the columns a view reads are materialized, not whole rows). */
function column(batch: RecordBatch, index: number): readonly unknown[] {
  const v = batch.columns[index];
  return v === undefined ? [] : materialize(v, batch.numRows);
}

/** Index of a `window` column (struct<start: timestamp, end: timestamp>), or -1. */
function windowColumn(table: MemorySink): number {
  return table.schema.fields.findIndex((f) => isWindowType(f.type));
}

function isWindowType(t: DataType): boolean {
  return (
    t.kind === 'struct' &&
    t.fields.length === 2 &&
    t.fields[0]?.name === 'start' &&
    t.fields[1]?.name === 'end' &&
    t.fields.every((f) => f.type.kind === 'timestamp' || f.type.kind === 'timestamp_ntz')
  );
}

const NUMERIC = new Set(['byte', 'short', 'integer', 'long', 'float', 'double', 'decimal']);

/**
 * A memory table as the live-table page charts it. `keyed` (window, a string key, a count: the
 * seed's word counts): the latest window's top `n` keys, and `word`'s count per window. `series`
 * (window and a count, no key: the seed's `catpm`): the count per window. Otherwise just rows.
 */
export function tableView(e: QueryRunEntry, table: MemorySink, n: number, word: string): Record<string, unknown> {
  const fields = table.schema.fields;
  const win = windowColumn(table);
  const key = fields.findIndex((f) => f.type.kind === 'string');
  const value = fields.findIndex((f) => NUMERIC.has(f.type.kind));
  const batch = table.snapshot();
  const base = {
    name: table.name,
    queryId: e.query.id,
    queryName: e.query.name,
    isActive: e.query.isActive,
    batchId: table.latestBatchId,
    numRows: batch.numRows,
    columns: fields.map((f) => ({ name: f.name, type: simpleString(f.type) })),
  };
  if (win < 0 || value < 0) {
    return { ...base, shape: 'rows', rows: batchToRows(sliceBatch(batch, 0, 100)).map((r) => r.map(jsonValue)) };
  }
  const valueName = fields[value]?.name ?? 'count';
  // Window values are [start, end] in microseconds.
  const wins = column(batch, win) as readonly (readonly [number, number] | null)[];
  const starts = wins.map((w) => (w ? Math.floor(w[0] / 1000) : null));
  const windows = new Map<number, { startMs: number; endMs: number }>();
  wins.forEach((w, i) => {
    const startMs = starts[i];
    if (w && startMs != null && !windows.has(startMs)) windows.set(startMs, { startMs, endMs: Math.floor(w[1] / 1000) });
  });
  const ordered = [...windows.values()].sort((a, b) => a.startMs - b.startMs);
  const latest = ordered.at(-1) ?? null;
  const values = column(batch, value).map((v) => Number(v ?? 0));
  const perWindow = (include: (i: number) => boolean): { startMs: number; endMs: number; value: number }[] => {
    const per = new Map<number, number>();
    starts.forEach((s, i) => {
      if (s !== null && include(i)) per.set(s, (per.get(s) ?? 0) + (values[i] ?? 0));
    });
    return ordered.map((w) => ({ ...w, value: per.get(w.startMs) ?? 0 }));
  };
  if (key < 0) {
    return { ...base, shape: 'series', valueColumn: valueName, perWindow: perWindow(() => true), latestWindow: latest };
  }
  const keyName = fields[key]?.name ?? 'word';
  const keyValues = column(batch, key);
  const top: { key: string; value: number }[] = [];
  if (latest) {
    starts.forEach((s, i) => {
      if (s === latest.startMs) top.push({ key: String(keyValues[i]), value: values[i] ?? 0 });
    });
    top.sort((a, b) => b.value - a.value || a.key.localeCompare(b.key));
  }
  const keys = new Set<string>();
  for (const k of keyValues) if (typeof k === 'string') keys.add(k);
  return {
    ...base,
    shape: 'keyed',
    keyColumn: keyName,
    valueColumn: valueName,
    latestWindow: latest,
    top: top.slice(0, n),
    word,
    perWindow: perWindow((i) => keyValues[i] === word),
    keys: [...keys].sort().slice(0, 5000),
  };
}

function jsonValue(v: unknown): unknown {
  if (typeof v === 'bigint') return v.toString();
  if (v instanceof Uint8Array) return Buffer.from(v).toString('base64');
  if (Array.isArray(v)) return v.map(jsonValue);
  return v;
}

/** `/api/cluster`: the master, Redis, workers, sessions, queries. */
export async function clusterView(src: ApiSources, now: number): Promise<Record<string, unknown>> {
  const owned = src.partitionsOwned?.() ?? new Map<string, number>();
  const redis = src.redisUp ? await src.redisUp().then((ok) => (ok ? 'up' : 'down'), () => 'down') : 'none';
  const sessions = src.runtime.allSessions().map((s) => ({
    sessionId: s.sessionId,
    userId: s.userId,
    activeQueries: s.streams.activeQueries().length,
  }));
  return {
    master: { mode: src.mode, startedAt: new Date(src.startedAtMs).toISOString(), uptimeMs: now - src.startedAtMs, rssBytes: process.memoryUsage.rss(), redis },
    workers: (src.workers?.() ?? []).map((w) => ({
      ...w,
      heartbeatAgeMs: Math.max(0, now - w.lastHeartbeat),
      partitionsOwned: owned.get(w.id) ?? 0,
    })),
    sessions,
    queries: src.runtime.queryDirectory.list().map(querySummary),
  };
}
