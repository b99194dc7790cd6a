import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { ApiSources } from './api.js';
import { progressPoint } from './api.js';

/**
 * The master's Prometheus registry: process metrics, queries (active count, input rate, batch
 * duration histogram, rows in and out, state rows, late rows) and per-worker gauges.
 */
export function masterMetrics(src: ApiSources): { registry: Registry; close(): void } {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'kindling_master_' });
  const runtime = src.runtime;
  const active = () => runtime.queryDirectory.list().filter((e) => e.query.isActive);
  const label = (e: { query: { name: string | null; id: string } }): string => e.query.name ?? e.query.id;
  new Gauge({ name: 'kindling_active_queries', help: 'Active streaming queries', registers: [registry], collect() { this.set(active().length); } });
  new Gauge({
    name: 'kindling_workers',
    help: 'Workers by state',
    labelNames: ['state'],
    registers: [registry],
    collect() {
      this.reset();
      for (const w of src.workers?.() ?? []) this.inc({ state: w.state });
    },
  });
  const perQuery = (name: string, help: string, f: (p: ReturnType<typeof progressPoint>) => number): void => {
    new Gauge({
      name,
      help,
      labelNames: ['query'],
      registers: [registry],
      collect() {
        this.reset();
        for (const e of active()) {
          const last = e.query.history.all().at(-1);
          if (last) this.set({ query: label(e) }, f(progressPoint(last)));
        }
      },
    });
  };
  perQuery('kindling_query_input_rows_per_second', 'Input rate of each active query (last batch)', (p) => p.inputRowsPerSecond);
  perQuery('kindling_query_processed_rows_per_second', 'Process rate of each active query (last batch)', (p) => p.processedRowsPerSecond);
  perQuery('kindling_query_state_rows', 'Rows held in state by each active query (last batch)', (p) => p.stateRowsTotal);
  perQuery('kindling_query_state_memory_bytes', 'Memory used by the state of each active query (last batch)', (p) => p.stateMemoryBytes);
  const duration = new Histogram({
    name: 'kindling_query_batch_duration_seconds',
    help: 'Micro-batch duration',
    labelNames: ['query'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [registry],
  });
  const rowsIn = new Counter({ name: 'kindling_query_input_rows_total', help: 'Rows read by micro-batches', labelNames: ['query'], registers: [registry] });
  const rowsOut = new Counter({ name: 'kindling_query_output_rows_total', help: 'Rows written to sinks', labelNames: ['query'], registers: [registry] });
  const late = new Counter({ name: 'kindling_query_late_rows_dropped_total', help: 'Rows dropped as later than the watermark', labelNames: ['query'], registers: [registry] });
  const stateUpdated = new Counter({ name: 'kindling_query_state_rows_updated_total', help: 'State rows updated', labelNames: ['query'], registers: [registry] });
  const stateRemoved = new Counter({ name: 'kindling_query_state_rows_removed_total', help: 'State rows removed (evicted)', labelNames: ['query'], registers: [registry] });
  const unsubscribe = runtime.queryDirectory.subscribe((ev) => {
    if (ev.kind !== 'progress' || ev.progress.durationMs['addBatch'] === undefined) return;
    const p = progressPoint(ev.progress);
    const q = { query: label(ev.entry) };
    duration.observe(q, p.batchDurationMs / 1000);
    rowsIn.inc(q, p.numInputRows);
    rowsOut.inc(q, p.numOutputRows);
    late.inc(q, p.lateRowsDropped);
    stateUpdated.inc(q, p.stateRowsUpdated);
    stateRemoved.inc(q, p.stateRowsRemoved);
  });
  const perWorker = (name: string, help: string, f: (w: NonNullable<ReturnType<NonNullable<ApiSources['workers']>>>[number], now: number) => number): void => {
    new Gauge({
      name,
      help,
      labelNames: ['worker'],
      registers: [registry],
      collect() {
        this.reset();
        const now = Date.now();
        for (const w of src.workers?.() ?? []) if (w.state === 'ALIVE') this.set({ worker: w.id }, f(w, now));
      },
    });
  };
  perWorker('kindling_worker_running_tasks', 'Tasks running on each live worker (last heartbeat)', (w) => w.runningTasks);
  perWorker('kindling_worker_rss_bytes', 'Resident memory of each live worker (last heartbeat)', (w) => w.rssBytes);
  perWorker('kindling_worker_heartbeat_age_seconds', 'Seconds since each live worker last heartbeated', (w, now) => Math.max(0, now - w.lastHeartbeat) / 1000);
  perWorker('kindling_worker_cores', 'Task slots of each live worker', (w) => w.cores);
  perWorker('kindling_worker_state_partitions', 'State partitions each live worker owns', (w) => src.partitionsOwned?.().get(w.id) ?? 0);
  return { registry, close: unsubscribe };
}
