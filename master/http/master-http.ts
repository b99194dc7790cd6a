import { createServer, type Server } from 'node:http';
import type { Logger } from 'pino';
import { Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import type { MasterRuntime } from '../session/runtime.js';
import { progressObject } from '../streaming/progress.js';
import type { WorkerInfo } from '../cluster/worker-registry.js';

export interface MasterHttpOptions {
  readonly runtime: MasterRuntime;
  /** The cluster's workers (absent in local mode). */
  readonly workers?: () => readonly WorkerInfo[];
  /** Readiness beyond "the process is up" (e.g. Redis reachable). */
  readonly ready?: () => Promise<boolean>;
  readonly host?: string;
  readonly port: number;
  readonly log: Logger;
}

/**
 * The master's HTTP port (8080): `/healthz`, `/readyz`, Prometheus `/metrics`, and JSON under
 * `/api` (workers, queries with their latest progress) — the data the web UI shows.
 */
export async function startMasterHttp(options: MasterHttpOptions): Promise<{ port: number; close(): Promise<void> }> {
  const { runtime } = options;
  const metrics = new Registry();
  collectDefaultMetrics({ register: metrics, prefix: 'kindling_master_' });
  const queries = () => runtime.allSessions().flatMap((s) => s.streams.activeQueries());
  new Gauge({ name: 'kindling_active_queries', help: 'Active streaming queries', registers: [metrics], collect() { this.set(queries().length); } });
  new Gauge({
    name: 'kindling_workers',
    help: 'Workers by state',
    labelNames: ['state'],
    registers: [metrics],
    collect() {
      this.reset();
      for (const w of options.workers?.() ?? []) this.inc({ state: w.state });
    },
  });
  new Gauge({
    name: 'kindling_query_input_rows_per_second',
    help: 'Input rate of each active query (last batch)',
    labelNames: ['query'],
    registers: [metrics],
    collect() {
      this.reset();
      for (const q of queries()) this.set({ query: q.name ?? q.id }, q.lastProgress()?.inputRowsPerSecond ?? 0);
    },
  });

  const api = (path: string): unknown => {
    if (path === '/api/workers') return options.workers?.() ?? [];
    if (path === '/api/queries') {
      return queries().map((q) => ({
        id: q.id,
        runId: q.runId,
        name: q.name,
        status: q.status(),
        lastProgress: q.lastProgress() ? progressObject(q.lastProgress() as never) : null,
      }));
    }
    if (path === '/api/state') return { workers: options.workers?.() ?? [], sessions: runtime.allSessions().length };
    return undefined;
  };

  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const send = (code: number, body: string, type = 'text/plain; charset=utf-8'): void => {
      res.writeHead(code, { 'content-type': type });
      res.end(body);
    };
    if (path === '/healthz') return send(200, 'ok\n');
    if (path === '/readyz') {
      void (options.ready?.() ?? Promise.resolve(true)).then(
        (ok) => send(ok ? 200 : 503, ok ? 'ready\n' : 'not ready\n'),
        () => send(503, 'not ready\n'),
      );
      return;
    }
    if (path === '/metrics') {
      metrics.metrics().then(
        (text) => send(200, text, metrics.contentType),
        (e: unknown) => send(500, String(e)),
      );
      return;
    }
    const body = api(path);
    if (body !== undefined) return send(200, JSON.stringify(body), 'application/json');
    send(404, 'not found\n');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host ?? '0.0.0.0', () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  options.log.info({ component: 'http', port }, 'HTTP port open (/healthz, /metrics, /api)');
  return { port, close: () => new Promise<void>((r) => server.close(() => r())) };
}
