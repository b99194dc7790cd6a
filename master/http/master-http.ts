import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import type { WorkerInfo } from '../cluster/worker-registry.js';
import type { MasterRuntime } from '../session/runtime.js';
import { progressObject } from '../streaming/progress.js';
import { clusterPage, loginPage, notFoundPage, queryPage, tablePage } from '../ui/pages.js';
import { serveStatic } from '../ui/static-files.js';
import { clusterView, progressPoint, queryDetail, querySummary, tableView, type ApiSources } from './api.js';
import { HttpAuth } from './auth.js';
import { masterMetrics } from './metrics.js';
import { openEventStream, throttle } from './sse.js';

export interface MasterHttpOptions {
  readonly runtime: MasterRuntime;
  /** The cluster's workers (absent in local mode). */
  readonly workers?: () => readonly WorkerInfo[];
  /** State partitions each worker owns (over all queries). */
  readonly partitionsOwned?: () => ReadonlyMap<string, number>;
  /** Readiness beyond "the process is up" (e.g. Redis reachable). */
  readonly ready?: () => Promise<boolean>;
  /** Redis reachable (cluster mode). */
  readonly redisUp?: () => Promise<boolean>;
  readonly mode?: 'cluster' | 'local';
  /** When set, everything but /healthz and /readyz (and /metrics with `metricsOpen`) needs it. */
  readonly token?: string;
  readonly metricsOpen?: boolean;
  readonly host?: string;
  readonly port: number;
  readonly log: Logger;
}

type Handler = (req: IncomingMessage, res: ServerResponse, params: string[], url: URL) => void | Promise<void>;

const JSON_TYPE = 'application/json; charset=utf-8';
const HTML_TYPE = 'text/html; charset=utf-8';

/**
 * The master's HTTP port (8080): probes, Prometheus `/metrics`, the web UI (cluster, query and
 * live-table pages, updated over Server-Sent Events) and the JSON behind each page under `/api`.
 */
export async function startMasterHttp(options: MasterHttpOptions): Promise<{ port: number; close(): Promise<void> }> {
  const { runtime, log } = options;
  const src: ApiSources = {
    runtime,
    mode: options.mode ?? (options.workers ? 'cluster' : 'local'),
    startedAtMs: Date.now(),
    ...(options.workers ? { workers: options.workers } : {}),
    ...(options.partitionsOwned ? { partitionsOwned: options.partitionsOwned } : {}),
    ...(options.redisUp ? { redisUp: options.redisUp } : {}),
  };
  const metrics = masterMetrics(src);
  const auth = new HttpAuth(options.token, options.metricsOpen === true);
  const directory = runtime.queryDirectory;
  const streams = new Set<ServerResponse>();

  const send = (res: ServerResponse, code: number, body: string, type = 'text/plain; charset=utf-8', headers: Record<string, string> = {}): void => {
    res.writeHead(code, { 'content-type': type, 'cache-control': 'no-store', ...headers });
    res.end(body);
  };
  const json = (res: ServerResponse, body: unknown, code = 200): void => send(res, code, JSON.stringify(body), JSON_TYPE);
  const notFound = (res: ServerResponse, what: string, api: boolean): void =>
    api ? json(res, { error: `${what} not found` }, 404) : send(res, 404, notFoundPage(what), HTML_TYPE);
  const intParam = (url: URL, key: string, fallback: number, min: number, max: number): number => {
    const n = Number(url.searchParams.get(key) ?? fallback);
    return Number.isFinite(n) ? Math.min(max, Math.max(min, Math.trunc(n))) : fallback;
  };
  const tableArgs = (url: URL): { n: number; word: string } => ({
    n: intParam(url, 'n', 10, 1, 100),
    word: (url.searchParams.get('word') ?? 'cat').slice(0, 200),
  });

  const routes: [string, RegExp, Handler][] = [
    ['GET', /^\/healthz$/, (_q, res) => send(res, 200, 'ok\n')],
    [
      'GET',
      /^\/readyz$/,
      (_q, res) =>
        (options.ready?.() ?? Promise.resolve(true)).then(
          (ok) => send(res, ok ? 200 : 503, ok ? 'ready\n' : 'not ready\n'),
          () => send(res, 503, 'not ready\n'),
        ),
    ],
    ['GET', /^\/login$/, (_q, res, _p, url) => send(res, 200, loginPage(safeNext(url.searchParams.get('next')), false), HTML_TYPE)],
    [
      'POST',
      /^\/login$/,
      async (req, res) => {
        const form = new URLSearchParams(await readBody(req, 4096));
        const next = safeNext(form.get('next'));
        if (!auth.check(form.get('token') ?? '')) return send(res, 401, loginPage(next, true), HTML_TYPE);
        send(res, 303, '', 'text/plain', { location: next, 'set-cookie': auth.setCookie() });
      },
    ],
    [
      'GET',
      /^\/metrics$/,
      (_q, res) =>
        metrics.registry.metrics().then(
          (text) => send(res, 200, text, metrics.registry.contentType),
          (e: unknown) => send(res, 500, String(e)),
        ),
    ],
    ['GET', /^\/$/, (_q, res) => send(res, 200, clusterPage(), HTML_TYPE)],
    ['GET', /^\/queries\/([^/]+)$/, (_q, res, [id]) => (directory.get(id ?? '') ? send(res, 200, queryPage(id ?? ''), HTML_TYPE) : notFound(res, `query ${id ?? ''}`, false))],
    [
      'GET',
      /^\/tables\/([^/]+)$/,
      (_q, res, [name], url) => {
        const e = directory.byTable(name ?? '');
        if (!e?.table) return notFound(res, `table ${name ?? ''}`, false);
        send(res, 200, tablePage(e.table.name, tableArgs(url)), HTML_TYPE);
      },
    ],
    ['GET', /^\/ui\/(.+)$/, (_q, res, [file]) => serveStatic(res, file ?? '')],
    ['GET', /^\/api\/workers$/, (_q, res) => json(res, options.workers?.() ?? [])],
    ['GET', /^\/api\/state$/, (_q, res) => json(res, { workers: options.workers?.() ?? [], sessions: runtime.allSessions().length })],
    ['GET', /^\/api\/cluster$/, async (_q, res) => json(res, await clusterView(src, Date.now()))],
    [
      'GET',
      /^\/api\/cluster\/events$/,
      (req, res) => {
        const push = async (): Promise<void> => send2('cluster', await clusterView(src, Date.now()));
        const soon = throttle(250, () => void push());
        const timer = setInterval(soon, 1000);
        const unsubscribe = directory.subscribe(soon);
        const send2 = stream(req, res, () => {
          clearInterval(timer);
          soon.cancel();
          unsubscribe();
        });
        soon();
      },
    ],
    ['GET', /^\/api\/queries$/, (_q, res) => json(res, directory.list().map(querySummary))],
    ['GET', /^\/api\/queries\/([^/]+)$/, (_q, res, [id]) => withQuery(res, id, (e) => json(res, queryDetail(e)))],
    [
      'GET',
      /^\/api\/queries\/([^/]+)\/progress$/,
      (_q, res, [id], url) =>
        withQuery(res, id, (e) => {
          const after = Number(url.searchParams.get('after') ?? -1);
          const batches = e.query.history.all(Number.isFinite(after) ? after : -1);
          json(res, {
            id: e.query.id,
            runId: e.query.runId,
            capacity: e.query.history.capacity,
            batches: url.searchParams.get('format') === 'spark' ? batches.map(progressObject) : batches.map(progressPoint),
          });
        }),
    ],
    [
      'GET',
      /^\/api\/queries\/([^/]+)\/events$/,
      (req, res, [id]) =>
        withQuery(res, id, (e) => {
          // The first event carries the whole history (reset), later ones the batches since the last event.
          let sentUpTo = -1;
          const push = (reset: boolean): void => {
            const points = e.query.history.all(sentUpTo).map(progressPoint);
            sentUpTo = points.at(-1)?.batchId ?? sentUpTo;
            send2('query', { reset, detail: queryDetail(e), points });
          };
          const soon = throttle(1000, () => push(false)); // at most one update a second: 16 charts redraw per update
          const unsubscribe = directory.subscribe((ev) => ev.entry === e && soon());
          const send2 = stream(req, res, () => {
            soon.cancel();
            unsubscribe();
          });
          push(true);
        }),
    ],
    [
      'POST',
      /^\/api\/queries\/([^/]+)\/stop$/,
      async (_q, res, [id]) => {
        const e = directory.get(id ?? '');
        if (!e) return notFound(res, `query ${id ?? ''}`, true);
        const stopped = await directory.stopQueryById(e.query.id);
        log.info({ component: 'http', queryId: e.query.id, stopped }, 'query stop requested over HTTP');
        json(res, { id: e.query.id, stopped, isActive: e.query.isActive });
      },
    ],
    [
      'GET',
      /^\/api\/tables$/,
      (_q, res) =>
        json(
          res,
          directory.list().flatMap((e) => (e.table ? [{ name: e.table.name, queryId: e.query.id, isActive: e.query.isActive }] : [])),
        ),
    ],
    [
      'GET',
      /^\/api\/tables\/([^/]+)$/,
      (_q, res, [name], url) => {
        const e = directory.byTable(name ?? '');
        if (!e?.table) return notFound(res, `table ${name ?? ''}`, true);
        const { n, word } = tableArgs(url);
        json(res, tableView(e, e.table, n, word));
      },
    ],
    [
      'GET',
      /^\/api\/tables\/([^/]+)\/events$/,
      (req, res, [name], url) => {
        const e = directory.byTable(name ?? '');
        const table = e?.table;
        if (!e || !table) return notFound(res, `table ${name ?? ''}`, true);
        const { n, word } = tableArgs(url);
        const push = (): void => send2('table', tableView(e, table, n, word));
        const soon = throttle(500, push);
        const unsubscribe = directory.subscribe((ev) => ev.entry === e && soon());
        const send2 = stream(req, res, () => {
          soon.cancel();
          unsubscribe();
        });
        push();
      },
    ],
  ];

  function withQuery(res: ServerResponse, id: string | undefined, f: (e: NonNullable<ReturnType<typeof directory.get>>) => void): void {
    const e = directory.get(id ?? '');
    if (!e) return notFound(res, `query ${id ?? ''}`, true);
    f(e);
  }

  function stream(req: IncomingMessage, res: ServerResponse, onClose: () => void): (event: string, data: unknown) => void {
    streams.add(res);
    return openEventStream(req, res, () => {
      streams.delete(res);
      onClose();
    });
  }

  const server: Server = createServer((req, res) => {
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'http://localhost');
    } catch {
      return send(res, 400, 'bad request\n');
    }
    const path = url.pathname;
    const api = path.startsWith('/api/') || path === '/metrics';
    // A POST from another site's page (a stop button's request forged elsewhere) is refused, token or not.
    if (req.method === 'POST' && !sameOrigin(req)) return send(res, 403, JSON.stringify({ error: 'cross-origin request refused' }), JSON_TYPE);
    if (!auth.isOpen(path) && !auth.allows(req, url)) {
      if (api || !acceptsHtml(req)) {
        return send(res, 401, JSON.stringify({ error: 'authentication required: Authorization: Bearer <token>' }), JSON_TYPE, {
          'www-authenticate': 'Bearer realm="kindling"',
        });
      }
      return send(res, 401, loginPage(path + url.search, false), HTML_TYPE);
    }
    // A page opened with ?token=T: keep the login in a cookie and drop the token from the address bar.
    if (auth.enabled && !api && url.searchParams.has('token') && req.method === 'GET') {
      url.searchParams.delete('token');
      return send(res, 303, '', 'text/plain', { location: url.pathname + url.search, 'set-cookie': auth.setCookie() });
    }
    const method = req.method === 'HEAD' ? 'GET' : (req.method ?? 'GET');
    let pathMatched = false;
    for (const [m, re, handler] of routes) {
      const match = re.exec(path);
      if (!match) continue;
      pathMatched = true;
      if (m !== method) continue;
      const params = match.slice(1).map((p) => safeDecode(p));
      Promise.resolve(handler(req, res, params, url)).catch((e: unknown) => {
        log.warn({ component: 'http', path, err: (e as Error).message }, 'HTTP handler failed');
        if (!res.headersSent) json(res, { error: (e as Error).message }, 500);
        else res.end();
      });
      return;
    }
    if (pathMatched) return send(res, 405, 'method not allowed\n');
    notFound(res, path, api);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host ?? '0.0.0.0', () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  log.info({ component: 'http', port, auth: auth.enabled, metricsOpen: options.metricsOpen === true }, 'HTTP port open (UI, /api, /metrics)');
  return {
    port,
    close: () => {
      metrics.close();
      for (const res of streams) res.end();
      server.closeAllConnections();
      return new Promise<void>((r) => server.close(() => r()));
    },
  };
}

/** True unless the request names an Origin other than the host it was sent to. */
function sameOrigin(req: IncomingMessage): boolean {
  const origin = req.headers.origin;
  if (origin === undefined) return true;
  try {
    return new URL(origin).host === req.headers.host;
  } catch {
    return false;
  }
}

function acceptsHtml(req: IncomingMessage): boolean {
  return (req.headers.accept ?? '').includes('text/html');
}

function safeDecode(p: string): string {
  try {
    return decodeURIComponent(p);
  } catch {
    return p;
  }
}

/** A same-site path to go to after login (never another origin). */
function safeNext(next: string | null): string {
  return next !== null && next.startsWith('/') && !next.startsWith('//') && !next.includes('\\') ? next : '/';
}

function readBody(req: IncomingMessage, limit: number): Promise<string> {
  return new Promise((resolve, reject) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => {
      body += chunk;
      if (body.length > limit) {
        reject(new Error('request body too large'));
        req.destroy();
      }
    });
    req.once('end', () => resolve(body));
    req.once('error', reject);
  });
}
